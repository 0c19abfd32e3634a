// cnnlens/saveImported: an imported model's text as a .cnn file and its weights as safetensors beside it, both or
// neither (write-files.ts: temporary files first, renamed into place once all are written).
import { dirname, join, parse } from "node:path";
import type { SaveImportedParams, SaveImportedResult } from "../protocol.js";
import { encodeSafetensors } from "../simulation/safetensors.js";
import { folderProblem, notAFile, writeAllOrNone } from "../simulation/write-files.js";
import type { KeptImport } from "./imported-onnx.js";
import { pathOfFileUri } from "./onnx-files.js";

/** Writes `model`'s text to `p.target` and its weights to `<name>.safetensors` beside it; never throws. */
export function saveImported(model: KeptImport | undefined, p: SaveImportedParams): SaveImportedResult {
  if (!model)
    return {
      error:
        `${String(p.uri).slice(0, 200)} is not an imported model the server holds; open the .onnx file as CNN ` +
        `again (CNN: Open ONNX Model as CNN), then save it`,
    };
  const target = pathOfFileUri(p.target, "file to save");
  if ("error" in target) return { error: target.error };
  const cnn = target.path;
  const weights = join(dirname(cnn), `${parse(cnn).name}.safetensors`);
  if (weights === cnn)
    return { error: `${cnn}: the .cnn text and its weights would be the same file; give the file a .cnn name` };
  const folder = folderProblem(dirname(cnn));
  if (folder) return { error: `cannot save ${cnn}: ${folder}; choose another place` };
  // A directory (or a FIFO) where a file goes would fail the second rename after the first had replaced a file.
  for (const path of [cnn, weights]) {
    const problem = notAFile(path);
    if (problem) return { error: `cannot save ${cnn}: ${problem}; choose another name` };
  }
  try {
    // Encoded before anything touches the disk: a failure here leaves no file behind.
    const tensors = encodeSafetensors(model.weights);
    writeAllOrNone([
      { path: weights, data: tensors },
      { path: cnn, data: model.text },
    ]);
    return { cnn, weights, tensors: model.weights.size };
  } catch (e) {
    return { error: (e as Error).message };
  }
}
