// Reads NumPy .npy arrays (float32 or float64, C order) for simulation inputs: the header first, then the data.
import type { FloatTensor } from "../onnx/tensors.js";
import { formatBytes, InputFileError } from "./input-error.js";
import { parsePythonLiteral, type PyValue } from "./python-literal.js";
import { withRegularFile, type RegularFile } from "./read-file.js";

/** What a .npy header says: the array's shape, its element width and where its data starts. */
export interface NpyHeader {
  shape: number[];
  /** Bytes per element: 4 for '<f4', 8 for '<f8'. */
  width: 4 | 8;
  dataStart: number;
}

/** numpy's own cap on the header (np.load's max_header_size is 10,000); a generous multiple of it. */
const MAX_HEADER_BYTES = 1024 * 1024;

/** Parses .npy bytes held in memory (format versions 1–3) into a float32 tensor. */
export function parseNpy(bytes: Uint8Array, fileName = "input"): FloatTensor {
  const header = parseNpyHeader(bytes, bytes.length, fileName);
  const count = volumeOf(header.shape);
  const data = new Float32Array(count);
  convert(bytes.subarray(header.dataStart, header.dataStart + count * header.width), header.width, data, 0);
  return { shape: header.shape, data };
}

/**
 * Reads the .npy file at `path`: its header, then `admit(shape)` (which throws to refuse the array before its
 * data is read, e.g. when it does not fit the model or the memory limit), then the data.
 */
export function readNpyFile(path: string, admit: (shape: number[]) => void): FloatTensor {
  return withRegularFile(path, (file) => {
    const prefix = file.read(0, Math.min(file.size, 12));
    const headerEnd = Math.min(file.size, npyHeaderEnd(prefix, path));
    const header = parseNpyHeader(file.read(0, headerEnd), file.size, path);
    admit(header.shape);
    return { shape: header.shape, data: readData(file, header) };
  });
}

/** Where the header of a .npy file ends, from its first 12 bytes. */
function npyHeaderEnd(prefix: Uint8Array, fileName: string): number {
  checkMagic(prefix, fileName);
  const view = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  const major = prefix[6]!;
  const start = major === 1 ? 10 : 12;
  if (prefix.length < start) bad(fileName, "it ends inside its header");
  // Version 1 stores the header length in 2 bytes; versions 2 and 3 in 4.
  const length = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (length > MAX_HEADER_BYTES)
    bad(
      fileName,
      `its header claims ${formatBytes(length)}, more than the ${formatBytes(MAX_HEADER_BYTES)} any array needs`,
    );
  return start + length;
}

/** Checks and parses the header at the start of `head`; `fileSize` is the whole file's length. */
export function parseNpyHeader(head: Uint8Array, fileSize: number, fileName: string): NpyHeader {
  const dataStart = npyHeaderEnd(head, fileName);
  if (dataStart > head.length) bad(fileName, `its header runs past the end of the file (${fileSize} bytes)`);
  const major = head[6]!;
  const start = major === 1 ? 10 : 12;
  let text: string;
  try {
    text = new TextDecoder(major === 3 ? "utf-8" : "latin1", { fatal: true }).decode(head.subarray(start, dataStart));
  } catch {
    return bad(fileName, "its header is not valid UTF-8 text");
  }
  let dict: PyValue;
  try {
    dict = parsePythonLiteral(text);
  } catch (err) {
    return bad(fileName, `its header is not a Python dict literal: ${(err as Error).message}`);
  }
  if (!(dict instanceof Map)) return bad(fileName, "its header is not a Python dict");
  const keys = [...dict.keys()].sort().join(", ");
  if (keys !== "descr, fortran_order, shape")
    bad(fileName, `its header has the keys (${keys}), but a .npy header has exactly descr, fortran_order and shape`);
  const descr = dict.get("descr");
  const fortran = dict.get("fortran_order");
  const shape = dict.get("shape");
  if (typeof fortran !== "boolean") bad(fileName, "its header's fortran_order is not True or False");
  if (fortran) bad(fileName, "it is in Fortran order; save it with np.ascontiguousarray");
  const width =
    descr === "<f4"
      ? 4
      : descr === "<f8"
        ? 8
        : bad(
            fileName,
            `its dtype is ${typeof descr === "string" ? descr : "not a simple dtype"}; use float32 ('<f4') ` +
              `or float64 ('<f8')`,
          );
  if (!Array.isArray(shape) || !shape.every((d) => typeof d === "number" && Number.isSafeInteger(d) && d >= 0)) {
    return bad(fileName, `its shape ${show(shape)} is not a tuple of non-negative integers`);
  }
  const dims = shape as number[];
  const bytes = volumeOf(dims) * width;
  if (!Number.isSafeInteger(bytes)) bad(fileName, `its shape (${dims.join(", ")}) is too large for any file`);
  if (fileSize - dataStart < bytes) {
    bad(fileName, `it holds ${fileSize - dataStart} bytes of data, but shape (${dims.join(", ")}) needs ${bytes}`);
  }
  return { shape: dims, width, dataStart };
}

function checkMagic(bytes: Uint8Array, fileName: string): void {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || magic.some((b, i) => bytes[i] !== b))
    bad(fileName, "it is not a .npy array: it does not start with \\x93NUMPY");
  const major = bytes[6]!;
  if (major < 1 || major > 3) bad(fileName, `its format version ${major}.${bytes[7]} is not 1.0, 2.0 or 3.0`);
}

/** The data, read in slices so that a float64 file never sits in memory beside its float32 copy. */
function readData(file: RegularFile, header: NpyHeader): Float32Array {
  const count = volumeOf(header.shape);
  const out = new Float32Array(count);
  const slice = 1 << 20;
  const buffer = Buffer.allocUnsafeSlow(Math.min(count, slice) * header.width);
  for (let done = 0; done < count; done += slice) {
    const n = Math.min(slice, count - done);
    const part = buffer.subarray(0, n * header.width);
    file.readInto(part, header.dataStart + done * header.width);
    convert(part, header.width, out, done);
  }
  return out;
}

function convert(raw: Uint8Array, width: 4 | 8, out: Float32Array, at: number): void {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const n = raw.byteLength / width;
  for (let i = 0; i < n; i++) out[at + i] = width === 4 ? view.getFloat32(i * 4, true) : view.getFloat64(i * 8, true);
}

const volumeOf = (shape: number[]) => shape.reduce((p, d) => p * d, 1);
const show = (v: PyValue | undefined) => (Array.isArray(v) ? `(${v.map((x) => String(x)).join(", ")})` : String(v));

function bad(fileName: string, why: string): never {
  throw new InputFileError(fileName, why, false);
}
