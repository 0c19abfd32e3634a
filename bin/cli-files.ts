// The command line's file access: reads only regular files and words every failure as a sentence.
import { dirname } from "node:path";
import { closeSync, constants, fstatSync, openSync, readFileSync, writeFileSync, type Stats } from "node:fs";

/** A file the command cannot read or write; `message` is the sentence to print after "cnnlens: ". */
export class FileAccessError extends Error {}

/** The largest .cnn file the CLI reads: far above any real model, small enough never to exhaust memory. */
export const maxSourceBytes = 64 * 1024 * 1024;

/** Reads a UTF-8 source file; refuses directories, devices, FIFOs and sockets before reading a byte. */
export function readSourceFile(path: string): string {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO that nobody writes would otherwise wait forever.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new FileAccessError(`cannot read ${path}: ${describeError(e)}`);
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new FileAccessError(`cannot read ${path}: ${notRegular(stats)}`);
    if (stats.size > maxSourceBytes) {
      throw new FileAccessError(`cannot read ${path}: it is ${(stats.size / 2 ** 20).toFixed(0)} MiB, more than the ${maxSourceBytes / 2 ** 20} MiB a .cnn file may have`);
    }
    return readFileSync(fd, "utf8");
  } catch (e) {
    if (e instanceof FileAccessError) throw e;
    throw new FileAccessError(`cannot read ${path}: ${describeError(e)}`);
  } finally {
    closeSync(fd);
  }
}

/** Writes a whole file, or throws a FileAccessError that says why not. */
export function writeOutputFile(path: string, data: Uint8Array | string): void {
  try {
    writeFileSync(path, data);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? `the folder ${dirname(path)} does not exist` : describeError(e);
    throw new FileAccessError(`cannot write ${path}: ${reason}`);
  }
}

/** An operating-system error in words: "no such file or directory", not ENOENT and a stack. */
export function describeError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "ENOENT": return "no such file or directory";
    case "EISDIR": return "it is a directory";
    case "ENOTDIR": return "a part of the path is not a directory";
    case "EACCES": case "EPERM": return "permission denied";
    case "EROFS": return "the file system is read-only";
    case "ENOSPC": return "no space left on the device";
    case "ELOOP": return "too many symbolic links";
    case "ENAMETOOLONG": return "the name is too long";
    case "EMFILE": case "ENFILE": return "too many open files";
    default: return code ? `the system refused (${code})` : String((e as Error | undefined)?.message ?? e);
  }
}

function notRegular(stats: Stats): string {
  if (stats.isDirectory()) return "it is a directory";
  if (stats.isFIFO()) return "it is a pipe (FIFO), not a regular file";
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return "it is a device, not a regular file";
  if (stats.isSocket()) return "it is a socket, not a regular file";
  return "it is not a regular file";
}
