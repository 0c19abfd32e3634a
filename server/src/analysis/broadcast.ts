// Element-wise multiplication's shapes (`mul`, `gate`): axes of size 1 stretch, as NumPy and PyTorch broadcast.
import type { Shape } from "./types.js";

/**
 * The shape of `a * b` over equal ranks, or undefined when an axis differs and neither is 1. Shapes of
 * different ranks are refused: with the batch axis in front, PyTorch would align a sample axis with the
 * batch (a C vector against N×C×H×W lines C up with W), which is never what a gate means.
 */
export function broadcastShape(a: Shape, b: Shape): Shape | undefined {
  if (a.length !== b.length) return undefined;
  const out: Shape = [];
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y && x !== 1 && y !== 1) return undefined;
    out.push(Math.max(x, y));
  }
  return out;
}
