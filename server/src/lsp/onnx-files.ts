// The server's reading of a user's .onnx file: a file: URI to a path, the bytes through the regular-file gate, and the
// external tensor files beside it opened through the same gate (as bin/cli-import.ts does for the command line).
import { statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ExternalFiles } from "../import/decode.js";
import { readRegularFile, withRegularFile } from "../simulation/read-file.js";

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

/** External tensor files beside the model, opened through the same gate as every user file. */
export function externalFilesBeside(file: string): ExternalFiles {
  return {
    open(location) {
      const path = join(dirname(file), location);
      let size: number;
      try {
        const stat = statSync(path);
        if (!stat.isFile()) return undefined;
        size = stat.size;
      } catch {
        return undefined;
      }
      return { size, read: (offset, length) => withRegularFile(path, (f) => f.read(offset, length)) };
    },
  };
}
