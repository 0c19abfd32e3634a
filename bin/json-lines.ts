// A JSON document written a few lines at a time, as `JSON.stringify(value, null, 2)` writes it, never as one
// string: a model that expands to 100,000 layers gives a document of 170 MB, which as one string (and its
// pieces while it is built) took most of the CLI's memory.

/** Values this deep are written whole: a model's layers and groups (document → models → model → layers → layer). */
const WHOLE_BELOW = 4;
/** Written out once this many characters have gathered. */
const FLUSH_AT = 1 << 16;

/** Writes `value` as `JSON.stringify(value, null, 2)` would, through `out`, which ends each call with a line break. */
export function writeJsonLines(value: unknown, out: (text: string) => void): void {
  let pending = "";
  for (const piece of pieces(value, "", 0)) {
    pending += piece;
    if (pending.length < FLUSH_AT) continue;
    const lastBreak = pending.lastIndexOf("\n");
    if (lastBreak < 0) continue;
    out(pending.slice(0, lastBreak));
    pending = pending.slice(lastBreak + 1);
  }
  out(pending);
}

/** JSON.stringify's text of `value` at `indent`, in pieces; undefined and functions are left out as it does. */
function* pieces(value: unknown, indent: string, depth: number): Generator<string> {
  if (depth >= WHOLE_BELOW || value === null || typeof value !== "object") {
    yield (JSON.stringify(value, null, 2) ?? "null").replaceAll("\n", `\n${indent}`);
    return;
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return yield "[]";
    yield "[\n";
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      yield inner;
      yield* pieces(item === undefined || typeof item === "function" ? null : item, inner, depth + 1);
      yield i < value.length - 1 ? ",\n" : "\n";
    }
    return yield `${indent}]`;
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== "function");
  if (entries.length === 0) return yield "{}";
  yield "{\n";
  for (let i = 0; i < entries.length; i++) {
    const [key, item] = entries[i]!;
    yield `${inner}${JSON.stringify(key)}: `;
    yield* pieces(item, inner, depth + 1);
    yield i < entries.length - 1 ? ",\n" : "\n";
  }
  yield `${indent}}`;
}
