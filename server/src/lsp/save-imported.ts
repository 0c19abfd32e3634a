// cnnlens/saveImported: an imported model's text as a .cnn file and its weights as safetensors beside it, both or
// neither (write-files.ts: temporary files first, renamed into place once all are written).
import { dirname, join, parse } from "node:path";
import type { SaveImportedParams, SaveImportedResult } from "../protocol.js";
import { encodeSafetensors } from "../simulation/safetensors.js";
import { firstWriteProblem, writeAllOrNone } from "../simulation/write-files.js";
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
  // Checked here to word the sentence for this command; writeAllOrNone checks the same again just before writing.
  const problem = firstWriteProblem([cnn, weights]);
  if (problem)
    return {
      error: `cannot save ${cnn}: ${problem.text}; choose another ${problem.where === "folder" ? "place" : "name"}`,
    };
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
