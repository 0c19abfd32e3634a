// upsample (Resize), zeropad (Pad) and lrn (LRN, or PyTorch's exact window for even sizes).
import { cfValue, type LayerEmit } from "./emit.js";
import type { Value } from "./graph.js";
import { perAxis, spatialOf } from "./tensors.js";

/** ONNX Resize's attributes for a PyTorch mode with align_corners=False. */
function resizeAttributes(mode: string): Record<string, string | { float: number }> {
  if (mode === "nearest")
    return { mode: "nearest", coordinate_transformation_mode: "asymmetric", nearest_mode: "floor" };
  // PyTorch's cubic convolution uses A = −0.75, ONNX's default; both read pixels beyond the border as the border's.
  if (mode === "bicubic")
    return { mode: "cubic", coordinate_transformation_mode: "half_pixel", cubic_coeff_a: { float: -0.75 } };
  return { mode: "linear", coordinate_transformation_mode: "half_pixel" };
}

/**
 * Resize of a channels-first tensor by `scales` (per spatial axis) or to `sizes`. onnxruntime's linear mode
 * works on 2-D (bilinear) and 3-D (trilinear) maps, so a 1-D map is resized as a 1×L image.
 */
function resizeCf(
  e: LayerEmit,
  mode: string,
  by: { scales: number[] } | { sizes: number[] },
  attributes = resizeAttributes(mode),
): Value {
  const g = e.g;
  const flat = mode !== "nearest" && e.input.rank === 3;
  const x = flat ? g.op("Unsqueeze", [e.cf(), g.int64Const([2])]) : e.cf();
  const extra = flat ? [1] : [];
  const inputs =
    "scales" in by
      ? [x, "", g.floatConst([1, 1, ...extra, ...by.scales])]
      : // The batch and channels are read from the input, so the graph works for any batch size.
        [
          x,
          "",
          "",
          g.op(
            "Concat",
            [
              g.op("Slice", [g.op("Shape", [x]), g.int64Const([0]), g.int64Const([2])]),
              g.int64Const([...extra, ...by.sizes]),
            ],
            { axis: 0 },
          ),
        ];
  const out = g.op("Resize", inputs, attributes);
  return cfValue(flat ? g.op("Squeeze", [out, g.int64Const([2])]) : out, e.input.rank);
}

/**
 * nn.Upsample(scale_factor) and UpSampling2D: floor(W·scale), positions mapped by the factor (as PyTorch does
 * when it is given one); nn.Upsample(size) maps them by in/out, which ONNX's sizes do. Nearest: PyTorch reads
 * source ⌊dst/scale⌋ ("asymmetric" + "floor"; Keras repeats, the same for whole scales). Linear:
 * align_corners=False and TensorFlow's half_pixel_centers are ONNX's "half_pixel".
 */
export function upsample(e: LayerEmit): Value {
  const rank = spatialOf(e.layer.inputShape, e.framework).length;
  const a = e.layer.args;
  const mode = String(a.mode ?? "nearest");
  const given = (v: unknown) => v !== undefined && v !== null;
  // `size:` is the output's size in a PyTorch file and the factor in a Keras file.
  if (given(a.size) && e.framework === "pytorch")
    return resizeCf(e, mode, { sizes: spatialOf(e.layer.outputShape, e.framework) });
  return resizeCf(e, mode, { scales: perAxis(given(a.size) ? a.size : (a.scale ?? 2), rank) });
}

/**
 * resize(size | like): F.interpolate(size=…, align_corners=False) to the output's spatial size. A Keras file's
 * nearest resizing is TensorFlow's (half-pixel centres: source ⌊(dst + ½)·in/out⌋), ONNX's "tf_half_pixel_for_nn".
 */
export function resize(e: LayerEmit, mode: string): Value {
  const sizes = spatialOf(e.layer.outputShape, e.framework);
  const tensorflow = e.framework === "keras" && mode === "nearest";
  const attributes = tensorflow
    ? { mode: "nearest", coordinate_transformation_mode: "tf_half_pixel_for_nn", nearest_mode: "floor" }
    : resizeAttributes(mode);
  return resizeCf(e, mode, { sizes }, attributes);
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
