// upsample (Resize), zeropad (Pad) and lrn (LRN, or PyTorch's exact window for even sizes).
import { cfValue, type LayerEmit } from "./emit.js";
import type { Value } from "./graph.js";
import { perAxis, spatialOf } from "./tensors.js";

/**
 * nn.Upsample(scale_factor) and UpSampling2D. Nearest: PyTorch reads source ⌊dst/scale⌋ ("asymmetric" +
 * "floor"; Keras repeats, the same for whole scales). Linear: align_corners=False and TensorFlow's
 * half_pixel_centers are ONNX's "half_pixel", with negative source positions clamped to 0.
 * onnxruntime's linear mode works on 2-D (bilinear) and 3-D (trilinear) maps, so a 1-D map is
 * resized as a 1×L image.
 */
export function upsample(e: LayerEmit): Value {
  const rank = spatialOf(e.layer.inputShape, e.framework).length;
  const scale = perAxis(e.layer.args.scale ?? 2, rank);
  const nearest = (e.layer.args.mode ?? "nearest") === "nearest";
  const attrs: Record<string, string> = nearest
    ? { mode: "nearest", coordinate_transformation_mode: "asymmetric", nearest_mode: "floor" }
    : { mode: "linear", coordinate_transformation_mode: "half_pixel" };
  const x = e.cf();
  if (!nearest && rank === 1) {
    const image = e.g.op("Unsqueeze", [x, e.g.int64Const([2])]);
    const resized = e.g.op("Resize", [image, "", e.g.floatConst([1, 1, 1, scale[0]!])], attrs);
    return cfValue(e.g.op("Squeeze", [resized, e.g.int64Const([2])]), e.input.rank);
  }
  const out = e.g.op("Resize", [x, "", e.g.floatConst([1, 1, ...scale])], attrs);
  return cfValue(out, e.input.rank);
}

/** Zero padding: P on every side, P per axis, or (before, after) pairs per axis. */
export function zeropad(e: LayerEmit): Value {
  const rank = spatialOf(e.layer.inputShape, e.framework).length;
  const given = e.layer.args.padding ?? 1;
  const sides: [number, number][] =
    Array.isArray(given) && given.every(Array.isArray)
      ? (given as number[][]).map((p) => [Number(p[0]), Number(p[1])])
      : perAxis(given, rank).map((p) => [p, p]);
  const pads = [0, 0, ...sides.map((s) => s[0]), 0, 0, ...sides.map((s) => s[1])];
  return cfValue(e.g.op("Pad", [e.cf(), e.g.int64Const(pads)]), e.input.rank);
}

/**
 * Local response normalisation, PyTorch's nn.LocalResponseNorm in both frameworks (Keras has no LRN
 * layer): b_c = a_c / (k + α/n · Σ a²)^β over channels [c − ⌊n/2⌋, c + ⌊(n−1)/2⌋], zeros outside.
 * ONNX's LRN centres its window the other way for even n (⌊(n−1)/2⌋ before, ⌈(n−1)/2⌉ after) and
 * onnxruntime runs it on 4-D input only, so other cases build PyTorch's formula from its parts.
 */
export function lrn(e: LayerEmit): Value {
  const a = e.layer.args;
  const size = Number(a.size ?? 5);
  const alpha = Number(a.alpha ?? 1e-4);
  const beta = Number(a.beta ?? 0.75);
  const k = Number(a.k ?? 2);
  const x = e.cf();
  if (size % 2 === 1 && e.input.rank === 4) {
    return cfValue(e.g.op("LRN", [x], { size, alpha: { float: alpha }, beta: { float: beta }, bias: { float: k } }), 4);
  }
  const shape = e.layer.inputShape;
  const c = e.framework === "keras" ? shape[shape.length - 1]! : shape[0]!;
  const rest = spatialOf(shape, e.framework).reduce((p, d) => p * d, 1);
  const g = e.g;
  // Squares as a 1-channel image [N, 1, C, R]: a [size, 1] average over zero-padded channels is Σa²/n.
  const squares = g.op("Reshape", [g.op("Mul", [x, x]), g.int64Const([0, 1, c, rest])]);
  const padded = g.op("Pad", [
    squares,
    g.int64Const([0, 0, Math.floor(size / 2), 0, 0, 0, Math.floor((size - 1) / 2), 0]),
  ]);
  const mean = g.op("AveragePool", [padded], { kernel_shape: [size, 1], strides: [1, 1] });
  const back = g.op("Reshape", [
    mean,
    g.int64Const([0, ...(shape.length === 1 ? [c] : [c, ...spatialOf(shape, e.framework)])]),
  ]);
  const denominator = g.op("Pow", [g.op("Add", [g.op("Mul", [back, g.scalar(alpha)]), g.scalar(k)]), g.scalar(beta)]);
  return cfValue(g.op("Div", [x, denominator]), e.input.rank);
}
