// The command line's file access: sources are read through the simulation's one gate for user files, and
// writes fail with a sentence.
import { writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { formatBytes, InputFileError } from "../server/src/simulation/input-error.js";
import { withRegularFile } from "../server/src/simulation/read-file.js";

/** An output the command cannot write; `message` is the sentence to print after "cnnlens: ". */
export class FileAccessError extends Error {}

/** The largest .cnn file the CLI reads: far above any real model, small enough never to exhaust memory. */
export const maxSourceBytes = 64 * 1024 * 1024;

/** Reads a UTF-8 source file; directories, devices, FIFOs and sockets are refused before a byte is read. */
export function readSourceFile(path: string): string {
  return withRegularFile(path, (file) => {
    if (file.size > maxSourceBytes) {
      throw new InputFileError(
        path,
        `the file is ${formatBytes(file.size)}, more than the ${formatBytes(maxSourceBytes)} a .cnn file may have`,
        true,
      );
    }
    return file.read(0, file.size).toString("utf8");
  });
}

/** Writes a whole file, or throws a FileAccessError that says why not. */
export function writeOutputFile(path: string, data: Uint8Array | string): void {
  try {
    writeFileSync(path, data);
  } catch (e) {
    throw new FileAccessError(`cannot write ${path}: ${writeProblem(e, path)}`);
  }
}

function writeProblem(e: unknown, path: string): string {
  switch ((e as NodeJS.ErrnoException).code) {
    case "ENOENT":
      return `the folder ${dirname(path)} does not exist`;
    case "ENOTDIR":
      return "a part of the path is not a folder";
    case "EISDIR":
      return "it is a folder";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EROFS":
      return "the file system is read-only";
    case "ENOSPC":
      return "no space left on the device";
    default:
      return `the system refused (${(e as NodeJS.ErrnoException).code ?? String(e)})`;
  }
}
