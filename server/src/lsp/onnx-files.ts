// The server's reading of a user's .onnx file: a file: URI to a path, the bytes through the regular-file gate, and the
// external tensor files beside it are opened by read-file.ts' filesBeside, as for the command line.
import { fileURLToPath } from "node:url";
import { readRegularFile } from "../simulation/read-file.js";

/** The largest .onnx file read into memory (protobuf's own limit); larger models keep their weights external. */
export const maxModelBytes = 2 ** 31 - 1;

/** The local path of a `file:` URI, or a sentence saying why there is none. */
export function pathOfFileUri(uri: string, what: string): { path: string } | { error: string } {
  if (typeof uri !== "string" || !uri.startsWith("file:"))
    return { error: `the ${what} must be a file: URI of a file on this machine, not '${String(uri).slice(0, 200)}'` };
  try {
    return { path: fileURLToPath(uri) };
  } catch (e) {
    return { error: `the ${what} '${uri.slice(0, 200)}' is not a valid file: URI (${(e as Error).message})` };
  }
}

/** The bytes of `path`, a regular file of at most `maxBytes`; throws InputFileError (a sentence) otherwise. */
export function readOnnxFile(path: string, maxBytes: number): Uint8Array {
  return readRegularFile(path, Math.min(maxBytes, maxModelBytes));
}
