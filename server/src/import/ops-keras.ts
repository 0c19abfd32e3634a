// The operators whose `.cnn` spelling differs in a Keras file (channels-last.ts decides a graph is one): padding is
// `same` or `valid` (other padding is a zeropad before), batchnorm's and layernorm's epsilon default to 1e-3, a leaky
// relu's slope to 0.3, and the arguments take Keras' names (`strides`, `dilation_rate`, `use_bias`, `epsilon`).
import { samePadding } from "../analysis/geometry.js";
import { floatAttr, intAttr, intsAttr } from "./ir.js";
import { axes, layerCall } from "./layer-text.js";
import type { MappedLayer, OpContext } from "./op-context.js";
import * as simple from "./ops-simple.js";
import { mapConv, sidePads, zeropadLayer, type ExtraPads } from "./ops-window.js";

/** The Keras spelling of one node, or undefined when it is the same as in a pytorch file. */
export function mapKerasOp(c: OpContext, extra: ExtraPads): MappedLayer | undefined {
  const n = c.node;
  switch (n.opType) {
    case "Conv":
      return kerasConv(c, extra);
    case "MaxPool":
    case "AveragePool":
      return kerasPool(c, n.opType === "MaxPool");
    case "GlobalAveragePool":
    case "GlobalMaxPool":
      // Keras' global pools drop the spatial axes; a pool that keeps them (no Flatten after it) says so.
      return c.layer(`global${n.opType === "GlobalMaxPool" ? "max" : "avg"}pool(keepdims: true)`, [
        c.input[0]!,
        c.input[1]!,
        ...c.input.slice(2).map(() => 1),
      ]);
    case "BatchNormalization": {
      const mapped = simple.mapBatchNorm(c);
      return { ...mapped, call: layerCall("batchnorm", [], [["epsilon", epsilon(c)]]) };
    }
    case "LayerNormalization": {
      // Keras' LayerNormalization(axis=-1) on a channels-last tensor: the language's layernorm over the channels.
      const mapped = simple.mapLayerNorm(c);
      return { ...mapped, call: layerCall("layernorm", [], [["epsilon", epsilon(c)]]) };
    }
    case "LeakyRelu":
      return c.layer(layerCall("leakyrelu", [], [["alpha", differs(floatAttr(n, "alpha", 0.01), 0.3)]]), c.input);
    case "Softmax": {
      // On a flat tensor, or over the last axis of a channels-last one: both are the channel axis Keras defaults to.
      const axis = intAttr(n, "axis", c.opset >= 13 ? -1 : 1);
      if (axis !== -1 && axis !== c.input.length - 1)
        c.refuse(`it takes the softmax over axis ${axis}, not the channels a Keras file's softmax acts on`);
      return c.layer("softmax", c.input);
    }
    case "Gemm": {
      const mapped = simple.mapGemm(c);
      return { ...mapped, call: mapped.call.replace("bias: false", "use_bias: false") };
    }
    default:
      return undefined;
  }
}

/** Conv with `padding: same` when ONNX's pads are TensorFlow's, none when zero, else a zeropad before. */
function kerasConv(c: OpContext, extra: ExtraPads): MappedLayer {
  const mapped = mapConv(c, extra);
  const w = c.floats(1, "weight");
  const spatial = c.input.slice(2);
  const kernel = w.shape.slice(2);
  const stride = intsAttr(c.node, "strides") ?? spatial.map(() => 1);
  const dilation = intsAttr(c.node, "dilations") ?? spatial.map(() => 1);
  const sides = sidePads(c, spatial, kernel, stride, dilation, extra);
  const padding = paddingWord(spatial, kernel, stride, dilation, sides);
  const call = layerCall(
    "conv",
    [w.shape[0]!, axes(kernel)],
    [
      ["strides", ones(stride) ? undefined : axes(stride)],
      ["padding", padding === "valid" ? undefined : "same"],
      ["dilation_rate", ones(dilation) ? undefined : axes(dilation)],
      ["groups", intAttr(c.node, "group", 1) === 1 ? undefined : intAttr(c.node, "group", 1)],
      ["use_bias", mapped.tensors.length > 1 ? undefined : false],
    ],
  );
  // Padding that is neither: zeros added before a `valid` conv (mapConv's out shape already counts them).
  const before = padding === undefined ? zeropadLayer(c, sides) : undefined;
  const layer: MappedLayer = { call, outShape: mapped.outShape, tensors: mapped.tensors, hint: mapped.hint };
  return before ? { ...layer, before } : layer;
}

/** MaxPool and AveragePool: Keras pads only `same` (left out of the average, as ONNX's count_include_pad 0 does). */
function kerasPool(c: OpContext, max: boolean): MappedLayer {
  const spatial = c.input.slice(2);
  const kernel = intsAttr(c.node, "kernel_shape") ?? c.refuse("it has no kernel_shape");
  const stride = intsAttr(c.node, "strides") ?? spatial.map(() => 1);
  const dilation = intsAttr(c.node, "dilations") ?? spatial.map(() => 1);
  if (!ones(dilation)) c.refuse("a dilated pool is not in Keras");
  const sides = sidePads(c, spatial, kernel, stride, dilation, undefined);
  const padding = paddingWord(spatial, kernel, stride, dilation, sides);
  if (padding === undefined || (padding === "same" && !max && intAttr(c.node, "count_include_pad", 0) === 1))
    c.refuse(`its pads [${sides.join(", ")}] are not Keras' 'same' or 'valid' padding of a pool`);
  const out = spatial.map((s, i) =>
    padding === "same" ? Math.ceil(s / stride[i]!) : Math.floor((s - kernel[i]!) / stride[i]!) + 1,
  );
  const call = layerCall(
    max ? "maxpool" : "avgpool",
    [axes(kernel)],
    [
      ["strides", stride.every((s, i) => s === kernel[i]) ? undefined : axes(stride)],
      ["padding", padding === "same" ? "same" : undefined],
    ],
  );
  return c.layer(call, [c.input[0]!, c.input[1]!, ...out]);
}

/** `same` when every axis has TensorFlow's padding for its window, `valid` when none; undefined otherwise. */
function paddingWord(
  spatial: number[],
  kernel: number[],
  stride: number[],
  dilation: number[],
  sides: number[],
): "same" | "valid" | undefined {
  const rank = spatial.length;
  if (sides.every((p) => p === 0)) return "valid";
  const tf = spatial.map((s, i) => samePadding(s, kernel[i]!, stride[i]!, dilation[i]!));
  return tf.every((p, i) => p.padBefore === sides[i] && p.padAfter === sides[i + rank]) ? "same" : undefined;
}

/** The node's epsilon when it is not Keras' default 1e-3. */
function epsilon(c: OpContext): number | undefined {
  return differs(floatAttr(c.node, "epsilon", 1e-5), 1e-3);
}

function differs(value: number, fallback: number): number | undefined {
  return Math.fround(value) === Math.fround(fallback) ? undefined : value;
}

const ones = (values: number[]) => values.every((v) => v === 1);
