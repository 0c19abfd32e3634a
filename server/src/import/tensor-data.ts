// A TensorProto's numbers: raw bytes, typed lists or an external file, each checked against its claimed size.
import type { ConstTensor } from "./ir.js";
import { num, own } from "./fields.js";
import { refuse } from "./refusal.js";

/** Files beside the model that external tensors name; the importer itself reads no files. */
export interface ExternalFiles {
  /** The file `location` (relative to the model's folder), or undefined when it does not exist. */
  open(location: string): { size: number; read(offset: number, length: number): Uint8Array } | undefined;
}

/** TensorProto.DataType → bytes per element, for the types the importer converts. */
const ELEMENT_BYTES: Record<number, { name: string; bytes: number }> = {
  1: { name: "float32", bytes: 4 },
  6: { name: "int32", bytes: 4 },
  7: { name: "int64", bytes: 8 },
  10: { name: "float16", bytes: 2 },
  11: { name: "float64", bytes: 8 },
};

/** The largest tensor the importer allocates: a safetensors file and a Float32Array both stop near here. */
const MAX_TENSOR_BYTES = 2 ** 31 - 1;

/** Converts one TensorProto; refuses a type it does not read, a size that does not match or missing data. */
export function tensorData(t: Record<string, unknown>, external: ExternalFiles | undefined): ConstTensor {
  const name = String(t["name"] ?? "");
  const dims = ((t["dims"] as unknown[] | undefined) ?? []).map(num);
  const type = Number(t["data_type"] ?? 0);
  const element = ELEMENT_BYTES[type];
  const what = `tensor '${name}'`;
  if (!element) refuse(`${what} has ONNX data type ${type}, which the importer does not read (float and int only)`);
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0))
    refuse(`${what} has invalid dimensions [${dims.join(", ")}]`);
  const count = dims.reduce((p, d) => p * d, 1);
  // Checked before any allocation: the dims alone may claim gigabytes that the file does not hold.
  if (count * element.bytes > MAX_TENSOR_BYTES)
    refuse(`${what} claims ${count * element.bytes} bytes ([${dims.join(", ")}] ${element.name}), more than 2 GB`);
  const raw = bytesOf(t, what, count * element.bytes, external);
  if (raw) return convert(name, dims, type, raw);
  const listed = typedList(t, type);
  if (listed.length !== count)
    refuse(`${what} claims ${count} values ([${dims.join(", ")}]) but holds ${listed.length}: the file is damaged`);
  return type === 6 || type === 7 ? { name, dims, ints: listed } : { name, dims, float: Float32Array.from(listed) };
}

/** The raw bytes (raw_data or external), checked to be exactly `expected` long; undefined for typed lists. */
function bytesOf(
  t: Record<string, unknown>,
  what: string,
  expected: number,
  external: ExternalFiles | undefined,
): Uint8Array | undefined {
  if (Number(t["data_location"] ?? 0) === 1) return externalBytes(t, what, expected, external);
  if (!own(t, "raw_data")) return undefined;
  const raw = t["raw_data"] as Uint8Array;
  if (raw.length !== expected)
    refuse(`${what} claims ${expected} bytes but holds ${raw.length}: the file is damaged or truncated`);
  return raw;
}

function externalBytes(
  t: Record<string, unknown>,
  what: string,
  expected: number,
  external: ExternalFiles | undefined,
): Uint8Array {
  const entries = new Map(
    ((t["external_data"] as { key?: string; value?: string }[] | undefined) ?? []).map((e) => [e.key, e.value]),
  );
  const location = entries.get("location") ?? "";
  const offset = Number(entries.get("offset") ?? 0);
  const length = entries.has("length") ? Number(entries.get("length")) : expected;
  // A location is a file beside the model; a path that climbs out of its folder is not followed.
  if (!location || location.startsWith("/") || location.split(/[\\/]/).includes(".."))
    refuse(`${what} names external data '${location}', which is not a file beside the model`);
  const file = external?.open(location);
  if (!file)
    refuse(`${what} keeps its data in the external file '${location}', which is missing: put it beside the model`);
  if (!Number.isSafeInteger(offset) || offset < 0 || length !== expected || offset + length > file.size)
    refuse(
      `${what} claims ${expected} bytes at offset ${offset} of '${location}', which holds ${file.size} bytes: ` +
        `the external data file does not match the model`,
    );
  return file.read(offset, length);
}

function typedList(t: Record<string, unknown>, type: number): number[] {
  const field =
    type === 1 || type === 10 ? "float_data" : type === 11 ? "double_data" : type === 7 ? "int64_data" : "int32_data";
  // float16 values sit in int32_data as bit patterns.
  if (type === 10) return ((t["int32_data"] as number[] | undefined) ?? []).map(halfToFloat);
  return ((t[field] as unknown[] | undefined) ?? []).map(num);
}

function convert(name: string, dims: number[], type: number, raw: Uint8Array): ConstTensor {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const count = dims.reduce((p, d) => p * d, 1);
  if (type === 6 || type === 7) {
    const ints = Array.from({ length: count }, (_, i) =>
      type === 7 ? Number(view.getBigInt64(i * 8, true)) : view.getInt32(i * 4, true),
    );
    return { name, dims, ints };
  }
  const float = new Float32Array(count);
  for (let i = 0; i < count; i++)
    float[i] =
      type === 1
        ? view.getFloat32(i * 4, true)
        : type === 11
          ? view.getFloat64(i * 8, true)
          : halfToFloat(view.getUint16(i * 2, true));
  return { name, dims, float };
}

/** IEEE half-precision bits → number. */
function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}
