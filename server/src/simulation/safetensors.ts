// Reads and writes the safetensors format: an 8-byte little-endian header length, a JSON header, raw data.
import type { FloatTensor } from "../onnx/tensors.js";
import { InputFileError } from "./input-error.js";
import { withRegularFile } from "./read-file.js";
import { DTYPE_BYTES, MAX_HEADER_BYTES, parseSafetensorsHeader, type TensorEntry } from "./safetensors-header.js";

export interface SafetensorsFile {
  /** Floating-point tensors, converted to float32. */
  tensors: Map<string, FloatTensor>;
  /** Tensors of other types (e.g. BatchNorm's int64 `num_batches_tracked`), by name with their dtype. */
  skipped: Map<string, string>;
}

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/** The dtypes read as floating-point tensors; the others are listed in `skipped`. */
const FLOAT_DTYPES = new Set(["F32", "F64", "F16", "BF16"]);

/** Parses safetensors bytes held in memory; throws an InputFileError naming the file when they are not valid. */
export function parseSafetensors(bytes: Uint8Array, fileName = "weights"): SafetensorsFile {
  const headerLength = checkHeaderLength(bytes.subarray(0, 8), bytes.length, fileName);
  const entries = parseSafetensorsHeader(
    bytes.subarray(8, 8 + headerLength),
    bytes.length - 8 - headerLength,
    fileName,
  );
  const data = bytes.subarray(8 + headerLength);
  return collect(
    entries,
    () => true,
    (e) => data.subarray(e.begin, e.end),
  );
}

/**
 * Reads the safetensors file at `path`: the header first, then `select(floatShapes)` (which throws to refuse the
 * file, and names the tensors to read), then only those tensors' bytes.
 */
export function readSafetensorsFile(
  path: string,
  select: (floatShapes: Map<string, number[]>) => Set<string>,
): SafetensorsFile {
  return withRegularFile(path, (file) => {
    const headerLength = checkHeaderLength(file.read(0, Math.min(8, file.size)), file.size, path);
    const entries = parseSafetensorsHeader(file.read(8, headerLength), file.size - 8 - headerLength, path);
    const wanted = select(new Map(entries.filter((e) => FLOAT_DTYPES.has(e.dtype)).map((e) => [e.name, e.shape])));
    return collect(
      entries,
      (e) => wanted.has(e.name),
      (e) => file.read(8 + headerLength + e.begin, e.end - e.begin),
    );
  });
}

/** The header length from the first 8 bytes, checked against the file's size and the format's cap. */
function checkHeaderLength(first: Uint8Array, fileSize: number, fileName: string): number {
  const bad = (why: string): never => {
    throw new InputFileError(fileName, why, false);
  };
  if (first.length < 8) bad("it is shorter than the 8-byte header length that starts a safetensors file");
  const length = new DataView(first.buffer, first.byteOffset, 8).getBigUint64(0, true);
  if (length > BigInt(MAX_HEADER_BYTES))
    bad(`its header length ${length} is more than the ${MAX_HEADER_BYTES} ` + `bytes safetensors allows`);
  if (8n + length > BigInt(fileSize))
    bad(`the header length ${length} runs past the end of the file (${fileSize} ` + `bytes)`);
  return Number(length);
}

function collect(
  entries: TensorEntry[],
  keep: (e: TensorEntry) => boolean,
  bytesOf: (e: TensorEntry) => Uint8Array,
): SafetensorsFile {
  const tensors = new Map<string, FloatTensor>();
  const skipped = new Map<string, string>();
  for (const e of entries) {
    if (!FLOAT_DTYPES.has(e.dtype)) skipped.set(e.name, e.dtype);
    else if (keep(e))
      tensors.set(e.name, {
        shape: e.shape,
        data: toFloat32(bytesOf(e), e.dtype, (e.end - e.begin) / DTYPE_BYTES[e.dtype]!),
      });
  }
  return { tensors, skipped };
}

/** Writes float32 tensors as safetensors (names sorted, as the reference implementation writes them). */
export function encodeSafetensors(tensors: Map<string, FloatTensor>): Uint8Array {
  const names = [...tensors.keys()].sort();
  const header: Record<string, HeaderEntry> = {};
  let offset = 0;
  for (const name of names) {
    const t = tensors.get(name)!;
    header[name] = { dtype: "F32", shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  // The format pads the header with spaces so that the data starts on an 8-byte boundary.
  json += " ".repeat((8 - (json.length % 8)) % 8);
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let at = 8 + head.length;
  for (const name of names) {
    const d = tensors.get(name)!.data;
    out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), at);
    at += d.byteLength;
  }
  return out;
}

function toFloat32(raw: Uint8Array, dtype: string, count: number): Float32Array {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Float32Array(count);
  if (dtype === "F32" && littleEndianHost && raw.byteOffset === 0 && raw.byteLength === raw.buffer.byteLength) {
    // A buffer read for this tensor alone becomes the tensor, without a second copy.
    return new Float32Array(raw.buffer, 0, count);
  }
  if (dtype === "F32") {
    // A copy: the data is not necessarily 4-byte aligned inside the file's buffer.
    new Uint8Array(out.buffer).set(raw);
    if (!littleEndianHost) for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
  } else if (dtype === "F64") {
    for (let i = 0; i < count; i++) out[i] = view.getFloat64(i * 8, true);
  } else if (dtype === "BF16") {
    const word = new Uint32Array(1);
    const asFloat = new Float32Array(word.buffer);
    for (let i = 0; i < count; i++) {
      word[0] = view.getUint16(i * 2, true) << 16;
      out[i] = asFloat[0]!;
    }
  } else {
    for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
  }
  return out;
}

const littleEndianHost = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}
