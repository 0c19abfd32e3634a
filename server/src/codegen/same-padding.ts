// TensorFlow's `same` padding of a Keras conv or pool as PyTorch writes it: the sides per axis, in words.
import { samePadding } from "../analysis/geometry.js";
import { spatial } from "../analysis/tensor.js";
import type { LayerOp } from "./layer-op.js";
import { axisValues, literalAxes } from "./layer-values.js";
import { Refusal } from "./refusal.js";

/** TensorFlow's `same` padding per spatial axis for this use's input (keyed, so the same in every use). */
export function samePads(op: LayerOp, convStrideDefault: number): [number, number][] {
  const shape = op.inShape;
  const k = literalAxes(op.args["kernel"], op.rank);
  const s = op.args["stride"]
    ? literalAxes(op.args["stride"], op.rank)
    : convStrideDefault === 1
      ? axisValues(1, op.rank)
      : k;
  const d = op.args["dilation"] ? literalAxes(op.args["dilation"], op.rank) : axisValues(1, op.rank);
  if (!shape || !k || !s || !d)
    throw new Refusal(
      `${op.attr}: padding "same" with a kernel or stride given by a block parameter` +
        ` cannot be written as explicit padding once for every use`,
    );
  return spatial(shape, "keras").map((w, i) => {
    const r = samePadding(w, k[i]!, s[i]!, d[i]!);
    return [r.padBefore, r.padAfter];
  });
}

/** `(0, 1) on each axis`, or `(0, 1), (1, 1)`: (before, after) per spatial axis. */
export function describeSides(sides: [number, number][]): string {
  const text = sides.map(([b, e]) => `(${b}, ${e})`);
  return text.every((t) => t === text[0]) ? `${text[0]} on each axis` : text.join(", ");
}

/** PyTorch's symmetric padding argument: one number, or one per axis. */
export function evenPadding(sides: [number, number][]): string {
  return sides.every(([b]) => b === sides[0]![0]) ? String(sides[0]![0]) : `(${sides.map(([b]) => b).join(", ")})`;
}
