// The JSON header of a safetensors file, checked against the format's rules before any tensor data is read.
import { InputFileError, quoteName } from "./input-error.js";

/** One tensor of the header; `begin` and `end` count from the start of the data buffer. */
export interface TensorEntry {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

/** Bytes per element of each safetensors dtype (sub-byte dtypes such as F4 are not read). */
export const DTYPE_BYTES: Record<string, number> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  F8_E8M0: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  I64: 8,
  U64: 8,
  F64: 8,
  C64: 8,
};

/** The reference implementation refuses headers above 100 MB (safetensors' MAX_HEADER_SIZE). */
export const MAX_HEADER_BYTES = 100_000_000;

const FORMAT = "a safetensors file lists each tensor's bytes in order";

/**
 * Parses and checks the header: a JSON object whose entries each have a known dtype, a shape of non-negative
 * integers and data_offsets [begin, end] matching the shape; the tensors, in offset order, cover the data
 * buffer of `dataLength` bytes exactly, without gaps or overlaps. An optional `__metadata__` maps strings
 * to strings. Anything else throws an InputFileError naming the file, the tensor and what is wrong.
 */
export function parseSafetensorsHeader(header: Uint8Array, dataLength: number, fileName: string): TensorEntry[] {
  const bad = (why: string): never => {
    throw new InputFileError(fileName, why, false);
  };
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(header));
  } catch {
    return bad("its header is not valid JSON text; a safetensors file starts with an 8-byte length and a JSON object");
  }
  if (!isObject(json)) return bad(`its header is ${describe(json)}, not a JSON object of tensors`);
  const entries: TensorEntry[] = [];
  for (const [name, entry] of Object.entries(json)) {
    if (name === "__metadata__") {
      if (!isObject(entry) || !Object.values(entry).every((v) => typeof v === "string"))
        bad("its __metadata__ is " + "not an object of strings");
      continue;
    }
    entries.push(checkEntry(name, entry, bad));
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const e of entries) {
    const where = `tensor ${quoteName(e.name)}: data_offsets [${e.begin}, ${e.end}]`;
    if (e.begin < at) bad(`${where} overlap the tensor before, which ends at ${at}; ${FORMAT}`);
    if (e.begin > at) bad(`${where} leave bytes ${at} to ${e.begin} unused; ${FORMAT}, without gaps`);
    at = e.end;
  }
  if (at !== dataLength)
    bad(
      `its tensors end at byte ${at} of the data, but the data is ${dataLength} bytes; ` +
        `${FORMAT}, up to the end of the file`,
    );
  return entries;
}

function checkEntry(name: string, entry: unknown, bad: (why: string) => never): TensorEntry {
  const tensor = `tensor ${quoteName(name)}`;
  if (!isObject(entry)) return bad(`${tensor} is ${describe(entry)}, not an object with dtype, shape and data_offsets`);
  const extra = Object.keys(entry).filter((k) => !["dtype", "shape", "data_offsets"].includes(k));
  if (extra.length)
    bad(
      `${tensor} has the unknown field ${quoteName(extra[0]!)}; a tensor has only dtype, shape ` + `and data_offsets`,
    );
  const { dtype, shape, data_offsets: offsets } = entry;
  if (typeof dtype !== "string") return bad(`${tensor} has no dtype string`);
  const width = DTYPE_BYTES[dtype];
  if (width === undefined)
    return bad(
      `${tensor} has dtype ${quoteName(dtype)}, which this reader does not know ` +
        `(${Object.keys(DTYPE_BYTES).join(", ")})`,
    );
  if (shape === undefined) return bad(`${tensor} has no shape`);
  if (offsets === undefined) return bad(`${tensor} has no data_offsets`);
  if (!Array.isArray(shape) || !shape.every(isCount))
    return bad(`${tensor}: its shape ${show(shape)} is not an ` + `array of non-negative integers`);
  if (!Array.isArray(offsets) || offsets.length !== 2)
    return bad(`${tensor}: its data_offsets ${show(offsets)} are ` + `not a pair [begin, end]`);
  const [begin, end] = offsets as unknown[];
  const pair = `${tensor}: data_offsets ${show(offsets)}`;
  if (typeof begin !== "number" || typeof end !== "number") return bad(`${pair} are not two numbers`);
  if (begin < 0 || end < 0) bad(`${pair} are negative; ${FORMAT}`);
  if (!Number.isSafeInteger(begin) || !Number.isSafeInteger(end))
    bad(`${pair} are not whole byte positions; ` + `${FORMAT}`);
  if (end < begin) bad(`${pair} end before they begin; ${FORMAT}`);
  const bytes = (shape as number[]).reduce((p, d) => p * d, width);
  if (end - begin !== bytes) {
    bad(`${pair} hold ${end - begin} bytes, but ${dtype} of shape [${(shape as number[]).join(", ")}] takes ${bytes}`);
  }
  return { name, dtype, shape: shape as number[], begin, end };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isCount = (v: unknown) => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
const describe = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "an array" : `a ${typeof v}`);

function show(v: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(v) ?? "missing";
  } catch {
    return "(nested too deeply to show)"; // JSON.stringify recurses: a crafted header can exhaust the stack
  }
  return text.length > 60 ? `${text.slice(0, 60)}…` : text.replace(/,/g, ", ");
}
