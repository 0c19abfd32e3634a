// cnnlens/saveImported: an imported model's text as a .cnn file and its weights as safetensors beside it, both or
// neither: each is written to a temporary file in the target's folder first, and only then renamed into place.
import { randomBytes } from "node:crypto";
import { lstatSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, parse } from "node:path";
import type { SaveImportedParams, SaveImportedResult } from "../protocol.js";
import { encodeSafetensors } from "../simulation/safetensors.js";
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
  if (folder) return { error: `cannot save ${cnn}: its folder ${folder}; choose another place` };
  // A directory (or a FIFO) where a file goes would fail the second rename after the first had replaced a file.
  for (const path of [cnn, weights]) {
    const problem = notAFile(path);
    if (problem) return { error: `cannot save ${cnn}: ${problem}; choose another name` };
  }
  const written: string[] = [];
  try {
    // Encoded before anything touches the disk: a failure here leaves no file behind.
    const tensors = encodeSafetensors(model.weights);
    const suffix = `.${process.pid}-${randomBytes(4).toString("hex")}.tmp`;
    const pending: [string, string | Uint8Array, string][] = [
      [join(dirname(weights), `.${basename(weights)}${suffix}`), tensors, weights],
      [join(dirname(cnn), `.${basename(cnn)}${suffix}`), model.text, cnn],
    ];
    // flag "wx": a temporary name that exists (a link someone placed) is an error, never followed.
    for (const [temp, data] of pending) {
      writeFileSync(temp, data, { flag: "wx" });
      written.push(temp);
    }
    // Renames in one folder replace the files at once; both temporary files exist, so only they can fail now.
    for (const [temp, , final] of pending) renameSync(temp, final);
    return { cnn, weights, tensors: model.weights.size };
  } catch (e) {
    for (const temp of written) rmSync(temp, { force: true });
    const reason = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    return { error: `cannot save ${cnn} and ${basename(weights)} (${reason}); nothing was written` };
  }
}

/** What is wrong with the folder the files go to, or undefined when it is a folder. */
function folderProblem(folder: string): string | undefined {
  try {
    return statSync(folder).isDirectory() ? undefined : `${folder} is not a folder`;
  } catch {
    return `${folder} does not exist`;
  }
}

/** Why an existing `path` cannot be replaced by a file, or undefined when it is a file or does not exist. */
function notAFile(path: string): string | undefined {
  try {
    return lstatSync(path).isDirectory() || !statSync(path).isFile()
      ? `${path} exists and is not a regular file`
      : undefined;
  } catch {
    return undefined;
  }
}
