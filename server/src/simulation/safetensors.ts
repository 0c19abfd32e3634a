// Reads and writes the safetensors format: an 8-byte little-endian header length, a JSON header, raw data.
import type { FloatTensor } from "../export/onnx-params.js";

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

const BYTES: Record<string, number> = { F32: 4, F64: 8, F16: 2, BF16: 2 };

/** Parses safetensors bytes; throws with the reason when the file is not valid safetensors. */
export function parseSafetensors(bytes: Uint8Array, fileName = "weights"): SafetensorsFile {
  const fail = (why: string): never => {
    throw new Error(`${fileName} is not a valid safetensors file: ${why}`);
  };
  if (bytes.length < 8) fail("it is shorter than the 8-byte header length");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (8 + headerLength > bytes.length) fail(`the header length ${headerLength} runs past the end of the file (${bytes.length} bytes)`);
  let header: Record<string, HeaderEntry | Record<string, string>>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as typeof header;
  } catch (err) {
    return fail(`the JSON header does not parse (${(err as Error).message})`);
  }
  const data = bytes.subarray(8 + headerLength);
  const tensors = new Map<string, FloatTensor>();
  const skipped = new Map<string, string>();
  for (const [name, entry] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    const { dtype, shape, data_offsets: offsets } = entry as HeaderEntry;
    const width = BYTES[dtype];
    if (width === undefined) {
      skipped.set(name, dtype);
      continue;
    }
    const [begin, end] = offsets;
    const count = shape.reduce((p, d) => p * d, 1);
    if (end > data.length || end - begin !== count * width) {
      fail(`tensor '${name}' (${dtype} ${shape.join("×")}) has data offsets ${begin}–${end}, which do not fit ${count * width} bytes in ${data.length}`);
    }
    tensors.set(name, { shape, data: toFloat32(data.subarray(begin, end), dtype, count) });
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
