// Reading layer arguments for the writers: literal tests, per-axis values, padding sides, softmax axes.
import type { Framework } from "../analysis/types.js";
import type { Value } from "../analysis/values.js";
import type { LayerOp } from "./layer-op.js";
import { Refusal } from "./refusal.js";
import { py } from "./python.js";
import { isLiteral, type Sym } from "./sym.js";

/**
 * True when `s` is a literal equal to `v` (a tuple: on every axis). A block parameter is never "the
 * default" even when this use passes it, because the code is written once for every use.
 */
export function isValue(s: Sym | undefined, v: number | boolean | string): boolean {
  if (!s || !isLiteral(s) || !s.value) return false;
  return matches(s.value, v);
}

function matches(x: Value, v: number | boolean | string): boolean {
  return x.type === "tuple" ? x.items.every((i) => i !== undefined && matches(i, v)) : x.value === v;
}

/** The word a padding or mode argument holds (`same`, `valid`, `bilinear`), if it holds one. */
export function wordOf(s: Sym | undefined): string | undefined {
  return s?.value?.type === "word" ? s.value.value : undefined;
}

/** A literal per-axis argument as one number per spatial axis; undefined for block parameters. */
export function literalAxes(s: Sym | undefined, rank: number): number[] | undefined {
  if (!s || !isLiteral(s) || !s.value) return undefined;
  if (s.value.type === "number") return axisValues(s.value.value, rank);
  if (s.value.type !== "tuple" || s.value.items.length !== rank) return undefined;
  const out: number[] = [];
  for (const i of s.value.items) {
    if (i?.type !== "number") return undefined;
    out.push(i.value);
  }
  return out;
}

/** One value on every spatial axis. */
export function axisValues(v: number, rank: number): number[] {
  return Array<number>(rank).fill(v);
}

/** zeropad's argument as (before, after) per spatial axis, when it is a literal. */
export function padSides(s: Sym, rank: number): [number, number][] | undefined {
  const v = isLiteral(s) ? s.value : undefined;
  if (!v) return undefined;
  if (v.type === "number") return axisValues(v.value, rank).map((p) => [p, p]);
  if (v.type !== "tuple") return undefined;
  return v.items.map((i): [number, number] => {
    if (i?.type === "number") return [i.value, i.value];
    const [b, a] = i?.type === "tuple" ? i.items : [];
    return [b?.type === "number" ? b.value : NaN, a?.type === "number" ? a.value : NaN];
  });
}

/** PyTorch's padding argument (`1`, or `(left, right, top, bottom)`: last axis first). */
export function torchPads(s: Sym, rank: number): string {
  if (!isLiteral(s)) {
    if (s.value?.type === "number") return py(s);
    throw new Refusal(`zeropad(${py(s)}): per-axis padding given by a block parameter cannot be written for PyTorch`);
  }
  const sides = padSides(s, rank)!;
  if (sides.every(([b, a]) => b === sides[0]![0] && a === b)) return String(sides[0]![0]);
  return `(${sides.slice().reverse().flat().join(", ")})`;
}

/**
 * The softmax axis in the target's convention (batch axis counted): the channel axis by default, else the
 * written axis moved from the source layout to the target's (channels first ↔ channels last).
 */
export function softmaxAxis(op: LayerOp, source: Framework, target: Framework): string {
  const axis = op.args["axis"];
  const n = op.rank + 1;
  if (!axis) return target === "pytorch" ? "1" : "-1";
  if (!isLiteral(axis) || axis.value?.type !== "number")
    throw new Refusal(`${op.attr}: a softmax axis given by a block parameter cannot be moved between layouts`);
  const a = axis.value.value < 0 ? axis.value.value + n : axis.value.value;
  let index = a;
  if (source === "pytorch" && target === "keras" && n > 1) index = a === 0 ? n - 1 : a - 1;
  if (source === "keras" && target === "pytorch" && n > 1) index = a === n - 1 ? 0 : a + 1;
  if (target === "keras" && index === n - 1) return "-1";
  return String(index + 1);
}
