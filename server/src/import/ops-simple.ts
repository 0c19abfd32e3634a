// The operators without windows: normalisations, activations, dense, flatten, softmax, resizing and padding.
import { floatAttr, intAttr, intsAttr, stringAttr } from "./ir.js";
import { axes, layerCall } from "./layer-text.js";
import type { MappedLayer, OpContext } from "./op-context.js";
import { zeropadLayer } from "./ops-window.js";

const same = (c: OpContext, call: string): MappedLayer => c.layer(call, c.input);

/** Element-wise activations that are one ONNX node; undefined for an operator that is not one. */
export function mapActivation(c: OpContext): MappedLayer | undefined {
  const n = c.node;
  switch (n.opType) {
    case "Relu":
      return same(c, "relu");
    case "Sigmoid":
      return same(c, "sigmoid");
    case "Tanh":
      return same(c, "tanh");
    case "HardSwish":
      return same(c, "hardswish");
    case "Softplus":
      return same(c, "softplus");
    case "Gelu":
      // Opset 20's Gelu; the language's gelu is the exact one (erf), not the tanh approximation.
      if (stringAttr(n, "approximate", "none") !== "none")
        c.refuse(`its approximate '${stringAttr(n, "approximate", "")}' is not the language's gelu (the exact, erf)`);
      return same(c, "gelu");
    case "LeakyRelu":
      return same(c, layerCall("leakyrelu", [], [["slope", nonDefault(floatAttr(n, "alpha", 0.01), 0.01)]]));
    case "Elu":
      return same(c, layerCall("elu", [], [["alpha", nonDefault(floatAttr(n, "alpha", 1), 1)]]));
    case "HardSigmoid": {
      // The language's hardsigmoid is PyTorch's relu6(x + 3) / 6: alpha 1/6, beta 1/2.
      const alpha = floatAttr(n, "alpha", 0.2);
      const beta = floatAttr(n, "beta", 0.5);
      if (Math.fround(alpha) !== Math.fround(1 / 6) || Math.fround(beta) !== Math.fround(0.5))
        c.refuse(`alpha ${alpha} and beta ${beta} are not PyTorch's hardsigmoid (1/6 and 1/2)`);
      return same(c, "hardsigmoid");
    }
    case "Clip":
      return mapClip(c);
    default:
      return undefined;
  }
}

/** Clip(0, 6) is relu6 and Clip(0, ∞) relu; other bounds have no layer. */
function mapClip(c: OpContext): MappedLayer {
  const bound = (input: number, attr: string, fallback: number) =>
    c.opset >= 11
      ? c.node.inputs[input]
        ? (c.ints(input)?.[0] ?? c.refuse(`its ${attr} bound is computed by the graph, not a constant`))
        : fallback
      : floatAttr(c.node, attr, fallback);
  const lo = bound(1, "min", -Infinity);
  const hi = bound(2, "max", Infinity);
  if (lo === 0 && hi === 6) return same(c, "relu6");
  if (lo === 0 && hi === Infinity) return same(c, "relu");
  return c.refuse(`Clip(${lo}, ${hi}) has no layer in the language (only Clip(0, 6) = relu6 and Clip(0) = relu)`);
}

export function mapBatchNorm(c: OpContext): MappedLayer {
  if (c.node.outputs.filter((o) => o !== "").length > 1 || intAttr(c.node, "training_mode", 0) === 1)
    c.refuse("it is in training mode (batch statistics); export the model in eval mode");
  const eps = floatAttr(c.node, "epsilon", 1e-5);
  const tensors: MappedLayer["tensors"] = [
    ["weight", c.floats(1, "scale")],
    ["bias", c.floats(2, "bias")],
    ["running_mean", c.floats(3, "mean")],
    ["running_var", c.floats(4, "variance")],
  ];
  return c.layer(layerCall("batchnorm", [], [["eps", nonDefault(eps, 1e-5)]]), c.input, tensors);
}

export function mapLayerNorm(c: OpContext): MappedLayer {
  const rank = c.input.length;
  const axis = intAttr(c.node, "axis", -1);
  if (axis !== -1 && axis !== rank - 1) c.refuse(`it normalises from axis ${axis}; the language normalises one axis`);
  const tensors: MappedLayer["tensors"] = [["weight", c.floats(1, "scale")]];
  if (c.node.inputs[2]) tensors.push(["bias", c.floats(2, "bias")]);
  else c.refuse("it has no bias; the language's layernorm always has one");
  const eps = nonDefault(floatAttr(c.node, "epsilon", 1e-5), 1e-5);
  const call = layerCall(
    "layernorm",
    [],
    [
      ["eps", eps],
      ["axis", rank > 2 ? -1 : undefined],
    ],
  );
  return c.layer(call, c.input, tensors);
}

export function mapLrn(c: OpContext): MappedLayer {
  const n = c.node;
  const call = layerCall(
    "lrn",
    [],
    [
      ["size", intAttr(n, "size", 5)],
      ["alpha", nonDefault(floatAttr(n, "alpha", 1e-4), 1e-4)],
      ["beta", nonDefault(floatAttr(n, "beta", 0.75), 0.75)],
      ["k", nonDefault(floatAttr(n, "bias", 1), 2)],
    ],
  );
  return same(c, call);
}

/** Softmax over the channel axis (axis 1) or, on a flat tensor, its only axis. */
export function mapSoftmax(c: OpContext): MappedLayer {
  const rank = c.input.length;
  const raw = intAttr(c.node, "axis", c.opset >= 13 ? -1 : 1);
  const axis = raw < 0 ? raw + rank : raw;
  if (c.opset < 13 && rank > 2 && axis === 1)
    c.refuse("before opset 13 Softmax flattens the axes after `axis`; the language's softmax acts on one axis");
  if (axis === 1) return same(c, "softmax");
  return same(c, layerCall("softmax", [], [["axis", axis - 1]]));
}

/** Flatten from axis 1, and a Reshape to [N, rest]: both are `flatten`. */
export function mapFlatten(c: OpContext): MappedLayer {
  const axis = c.node.opType === "Flatten" ? intAttr(c.node, "axis", 1) : 1;
  if (axis !== 1) c.refuse(`it flattens from axis ${axis}; the language flattens everything after the batch axis`);
  const rest = c.input.slice(1).reduce((p, d) => p * d, 1);
  return c.layer("flatten", [c.input[0]!, rest]);
}

/** A Reshape is a flatten when it keeps the batch and joins all the rest; anything else has no layer. */
export function mapReshape(c: OpContext): MappedLayer {
  const target = c.ints(1) ?? c.refuse("its target shape is computed by the graph, not a constant");
  const rest = c.input.slice(1).reduce((p, d) => p * d, 1);
  const batch = c.input[0]!;
  const flat =
    target.length === 2 &&
    (target[0] === batch || target[0] === 0 || (target[0] === -1 && (target[1] === rest || target[1] === -1))) &&
    (target[1] === rest || target[1] === -1);
  if (!flat)
    c.refuse(
      `it reshapes [${c.input.join(", ")}] to [${target.join(", ")}]; the language has only flatten ` +
        `(to [N, ${rest}]) and the reshape-transpose-reshape of a channel shuffle`,
    );
  return c.layer("flatten", [batch, rest]);
}

/** Gemm with a constant weight: dense. PyTorch's Linear is Gemm(x, W, b, transB=1). */
export function mapGemm(c: OpContext): MappedLayer {
  const n = c.node;
  if (intAttr(n, "transA", 0) !== 0) c.refuse("transA is not a dense layer");
  if (floatAttr(n, "alpha", 1) !== 1 || floatAttr(n, "beta", 1) !== 1)
    c.refuse("alpha or beta ≠ 1 is not a dense layer");
  if (c.input.length !== 2) c.refuse(`its input has rank ${c.input.length}; Gemm takes a matrix`);
  const given = c.floats(1, "weight");
  const weight = intAttr(n, "transB", 0) === 1 ? given : transposed(given);
  const tensors: MappedLayer["tensors"] = [["weight", weight]];
  const out = weight.shape[0]!;
  if (n.inputs[2]) {
    const bias = c.floats(2, "bias");
    if (bias.data.length !== out) c.refuse(`its bias has ${bias.data.length} values, not one per output (${out})`);
    tensors.push(["bias", { shape: [out], data: bias.data }]);
  }
  if (weight.shape[1] !== c.input[1])
    c.refuse(`its weight takes ${weight.shape[1]} inputs, the tensor has ${c.input[1]}`);
  return c.layer(layerCall("dense", [out], [["bias", n.inputs[2] ? undefined : false]]), [c.input[0]!, out], tensors);
}

/** MatMul by a constant [in, out] (and the Add of a constant bias after it): dense on the last axis. */
export function mapMatMul(c: OpContext, bias: Float32Array | undefined): MappedLayer {
  const w = c.floats(1, "weight");
  if (w.shape.length !== 2) c.refuse(`its weight has rank ${w.shape.length}; dense takes a matrix`);
  const weight = transposed(w);
  const out = weight.shape[0]!;
  if (weight.shape[1] !== c.input[c.input.length - 1])
    c.refuse(`its weight takes ${weight.shape[1]} inputs, the last axis has ${c.input[c.input.length - 1]}`);
  const tensors: MappedLayer["tensors"] = [["weight", weight]];
  if (bias) tensors.push(["bias", { shape: [out], data: bias }]);
  const call = layerCall("dense", [out], [["bias", bias ? undefined : false]]);
  return c.layer(call, [...c.input.slice(0, -1), out], tensors);
}

/** Resize and Upsample: nearest (PyTorch's floor, asymmetric) and linear (align_corners false) by scale or size. */
export function mapResize(c: OpContext): MappedLayer {
  const n = c.node;
  const spatial = c.input.slice(2);
  const mode = stringAttr(n, "mode", "nearest");
  const transform = stringAttr(
    n,
    "coordinate_transformation_mode",
    n.opType === "Upsample" ? "asymmetric" : "half_pixel",
  );
  let kind: string;
  if (mode === "nearest") {
    if (transform !== "asymmetric" || stringAttr(n, "nearest_mode", "round_prefer_floor") !== "floor")
      c.refuse(`nearest resizing with ${transform} coordinates is not PyTorch's nearest (asymmetric, floor)`);
    kind = "nearest";
  } else if (mode === "linear") {
    if (transform !== "half_pixel" && transform !== "pytorch_half_pixel")
      c.refuse(`linear resizing with ${transform} coordinates (align_corners=True) is not in the language`);
    if (spatial.length !== 2) c.refuse("linear resizing is imported only in 2-D (bilinear)");
    kind = "bilinear";
  } else c.refuse(`resizing mode '${mode}' is not imported (nearest and linear are)`);
  const scales = n.opType === "Upsample" ? c.ints(1) : c.node.inputs[2] ? c.ints(2) : undefined;
  const sizes = n.opType === "Resize" && n.inputs[3] ? c.ints(3) : undefined;
  if (sizes && sizes.length === c.input.length) {
    const out = sizes.slice(2);
    const call = layerCall(
      "resize",
      [],
      [
        ["size", axes(out)],
        ["mode", kind === "bilinear" ? undefined : kind],
      ],
    );
    return c.layer(call, [c.input[0]!, c.input[1]!, ...out]);
  }
  if (!scales || scales.length !== c.input.length || scales[0] !== 1 || scales[1] !== 1)
    c.refuse("its scales or sizes are computed by the graph or scale the batch or channel axes");
  const factors = scales.slice(2);
  const out = spatial.map((s, i) => Math.floor(s * factors[i]!));
  const factor = axes(factors);
  if (Array.isArray(factor))
    c.refuse(`its scales ${factors.join(", ")} differ between axes; upsample takes one factor`);
  const call = layerCall("upsample", [factor], [["mode", kind === "nearest" ? undefined : kind]]);
  return c.layer(call, [c.input[0]!, c.input[1]!, ...out]);
}

/** A constant zero Pad of the spatial axes only: zeropad, per side when uneven (before a conv it is folded in). */
export function mapPad(c: OpContext): MappedLayer {
  const pads = padsOf(c);
  const rank = c.input.length;
  return zeropadLayer(c, [...pads.slice(2, rank), ...pads.slice(rank + 2)]);
}

/** A Pad's per-axis amounts (begins, then ends, batch and channel included); refuses non-zero or non-constant pads. */
export function padsOf(c: OpContext): number[] {
  const n = c.node;
  if (stringAttr(n, "mode", "constant") !== "constant")
    c.refuse(`${stringAttr(n, "mode", "")} padding is not in the language`);
  const pads = c.opset >= 11 ? c.ints(1) : intsAttr(n, "pads");
  if (!pads) c.refuse("its pads are computed by the graph, not constants");
  const value = c.opset >= 11 ? (n.inputs[2] ? c.ints(2)?.[0] : 0) : floatAttr(n, "value", 0);
  if (value !== 0) c.refuse(`it pads with ${value}; only zero padding is in the language`);
  const rank = c.input.length;
  if (pads.length !== 2 * rank || pads.some((p) => p < 0)) c.refuse(`its pads [${pads.join(", ")}] are not imported`);
  if (pads[0] || pads[1] || pads[rank] || pads[rank + 1]) c.refuse("it pads the batch or channel axis");
  return pads;
}

function transposed(t: { shape: number[]; data: Float32Array }): { shape: number[]; data: Float32Array } {
  const [r, cols] = t.shape as [number, number];
  const out = new Float32Array(r * cols);
  for (let i = 0; i < r; i++) for (let j = 0; j < cols; j++) out[j * r + i] = t.data[i * cols + j]!;
  return { shape: [cols, r], data: out };
}

function nonDefault(value: number, fallback: number): number | undefined {
  return Math.fround(value) === Math.fround(fallback) ? undefined : value;
}
