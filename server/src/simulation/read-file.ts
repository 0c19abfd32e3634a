// The one gate through which the simulation reads a user's file: regular files only, sizes known before reading.
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from "node:fs";
import { dirname, join } from "node:path";
import { formatBytes, InputFileError } from "./input-error.js";

/** An open regular file: its size, and positioned reads that fail with a sentence. */
export interface RegularFile {
  readonly path: string;
  readonly size: number;
  /** Fills `target` from byte `position` of the file. */
  readInto(target: Uint8Array, position: number): void;
  /** `length` bytes from `position`, in a buffer of their own. */
  read(position: number, length: number): Buffer;
}

/** Reads all of `path`, a regular file of at most `maxBytes` bytes; throws InputFileError otherwise. */
export function readRegularFile(path: string, maxBytes: number): Buffer {
  return withRegularFile(path, (file) => {
    if (file.size > maxBytes) {
      throw new InputFileError(
        path,
        `the file is ${formatBytes(file.size)}, more than the ${formatBytes(maxBytes)} the memory limit allows for ` +
          `it`,
        false,
      );
    }
    return file.read(0, file.size);
  });
}

/**
 * Opens `path` for reading, hands it to `use`, and closes it. Only regular files are opened: a directory,
 * FIFO, socket or device (or a symbolic link to one) is refused before it is opened, and checked again
 * on the open descriptor, so a file swapped in between is refused too.
 */
export function withRegularFile<T>(path: string, use: (file: RegularFile) => T): T {
  // stat first: opening a FIFO waits for a writer and opening a device can have effects of its own.
  refuseIrregular(path, statOrThrow(path));
  let fd: number;
  try {
    // O_NONBLOCK: if a FIFO is swapped in after the stat, the open returns at once instead of hanging.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    throw new InputFileError(path, plainReason(err), true);
  }
  try {
    const stats = fstatSync(fd);
    refuseIrregular(path, stats);
    return use(openFile(path, fd, stats.size));
  } finally {
    closeSync(fd);
  }
}

function openFile(path: string, fd: number, size: number): RegularFile {
  const readInto = (target: Uint8Array, position: number): void => {
    let done = 0;
    while (done < target.length) {
      let n: number;
      try {
        n = readSync(fd, target, done, target.length - done, position + done);
      } catch (err) {
        throw new InputFileError(path, plainReason(err), true);
      }
      if (n === 0)
        throw new InputFileError(
          path,
          `the file ended at byte ${position + done}, before the ${target.length} bytes its header promised: it may ` +
            `have changed while being read`,
          false,
        );
      done += n;
    }
  };
  return {
    path,
    size,
    readInto,
    read(position, length) {
      // allocUnsafeSlow: a buffer of its own (not a slice of Node's pool), so typed-array views are aligned.
      const out = Buffer.allocUnsafeSlow(length);
      readInto(out, position);
      return out;
    },
  };
}

function statOrThrow(path: string): Stats {
  try {
    return statSync(path);
  } catch (err) {
    throw new InputFileError(path, plainReason(err), true);
  }
}

function refuseIrregular(path: string, stats: Stats): void {
  if (stats.isFile()) return;
  if (stats.isDirectory()) throw new InputFileError(path, "is a directory", true);
  const what = stats.isFIFO()
    ? "a FIFO (named pipe)"
    : stats.isSocket()
      ? "a socket"
      : stats.isCharacterDevice() || stats.isBlockDevice()
        ? "a device"
        : "not a file";
  throw new InputFileError(path, `is not a regular file (it is ${what}); give the path of a file saved on disk`, true);
}

/** The reason an open or read failed, in plain words rather than the system's error text. */
function plainReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case "ENOENT":
      return "no such file";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "is a directory";
    case "ENOTDIR":
      return "a part of the path is not a directory";
    case "ELOOP":
      return "too many levels of symbolic links";
    case "ENAMETOOLONG":
      return "the path is too long";
    case "EMFILE":
    case "ENFILE":
      return "too many files are open";
    case "EIO":
      return "the disk reported an input/output error";
    case "EAGAIN":
      return "is not a regular file (reading it would wait)";
    default:
      return `the system refused to read it (${code ?? "unknown error"})`;
  }
}

/**
 * The files beside `model` (an .onnx file whose tensors keep their data outside it), each opened through the same
 * gate as every user file; undefined for a name that is no regular file. The importer refuses names that leave the
 * model's folder before it asks (server/src/import/tensor-data.ts).
 */
export function filesBeside(model: string): {
  open(location: string): { size: number; read(offset: number, length: number): Uint8Array } | undefined;
} {
  return {
    open(location) {
      const path = join(dirname(model), location);
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
