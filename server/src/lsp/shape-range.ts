// One text, several shapes: a line inside a block used with different arguments reads as the range of its uses.
import type { Shape } from "../analysis/index.js";
import { formatShape } from "../analysis/tensor.js";

/**
 * `64×56×56` when every instance has that shape; otherwise each axis's smallest and largest size
 * (`64–512×7–56×7–56`), or, when the instances differ in rank or one is unknown, the distinct shapes (`10 | ?`).
 */
export function shapeRange(shapes: readonly (Shape | undefined)[]): string {
  const first = shapes[0];
  if (shapes.length === 1) return formatShape(first);
  if (shapes.every((s) => formatShape(s) === formatShape(first))) return formatShape(first);
  const known = shapes.filter((s): s is Shape => s !== undefined);
  if (known.length === shapes.length && known.every((s) => s.length === first!.length)) {
    return first!
      .map((_, axis) => {
        const [low, high] = extremes(known.map((s) => s[axis]!));
        return low === high ? `${low}` : `${low}–${high}`;
      })
      .join("×");
  }
  return [...new Set(shapes.map(formatShape))].join(" | ");
}

/** The smallest and largest of some counts, as `format` writes them: `1.2 k` or `1.2 k–4.7 k`. */
export function countRange(counts: readonly number[], format: (n: number) => string): string {
  const [low, high] = extremes(counts);
  return low === high ? format(low) : `${format(low)}–${format(high)}`;
}

/** The smallest and the largest number, without spreading (a block may be used tens of thousands of times). */
function extremes(xs: readonly number[]): [number, number] {
  let low = Infinity;
  let high = -Infinity;
  for (const x of xs) {
    if (x < low) low = x;
    if (x > high) high = x;
  }
  return [low, high];
}
