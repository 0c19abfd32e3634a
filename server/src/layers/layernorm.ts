// layernorm: its γ and β, ONNX lowering (LayerNormalization on the last axis, the channels moved there and back),
// and its PyTorch (LayerNorm2d helper or nn.LayerNorm) and Keras (LayerNormalization) code.
import { layernorm } from "../analysis/layers/layernorm.js";
import { channelAxis } from "../analysis/tensor.js";
import type { Framework } from "../analysis/types.js";
import { kw, one, type KerasStep, type TorchLayer } from "../codegen/layer-code.js";
import { channelsLast, type LayerOp } from "../codegen/layer-op.js";
import { py } from "../codegen/python.js";
import { Refusal } from "../codegen/refusal.js";
import { cfValue, fileValue, num, type LayerEmit } from "../onnx/emit.js";
import { toChannelsFirst, toChannelsLast, type Value } from "../onnx/graph.js";
import type { LayerUnit } from "./unit.js";

/** The axis (of the sample, in the file's layout) a layer normalises over: its `axis`, read as the analysis does. */
function normalisedAxis(shape: number[], axis: unknown, fw: Framework): number {
  if (shape.length === 1) return 0;
  // The analysis accepts the channel axis or the last one, by name or by index (negative from the end).
  if (typeof axis !== "number") return channelAxis(shape, fw);
  return axis < 0 ? axis + shape.length : axis;
}

/** Whether a layer normalises over the channels of a feature map in channels-first order (PyTorch's layout). */
function overChannelsFirst(shape: number[], axis: unknown, fw: Framework): boolean {
  return shape.length > 1 && fw === "pytorch" && normalisedAxis(shape, axis, fw) === 0;
}

/**
 * ONNX's LayerNormalization normalises the trailing axes from `axis`, so the normalised axis is made the last:
 * it already is in the file's order for Keras' channels and for `axis: -1`; PyTorch's channels are moved there
 * and back.
 */
function emitLayernorm(e: LayerEmit): Value {
  const shape = e.layer.inputShape;
  const attrs = { axis: -1, epsilon: { float: num(e, "eps", 1e-5) } };
  const inputs = (x: string) => [x, e.param("weight"), e.param("bias")];
  if (!overChannelsFirst(shape, e.layer.args.axis, e.framework)) {
    return fileValue(e, e.g.op("LayerNormalization", inputs(e.file()), attrs), e.input.rank);
  }
  const rank = e.input.rank;
  const last = e.g.transpose(e.cf(), toChannelsLast(rank));
  const normalised = e.g.op("LayerNormalization", inputs(last), attrs);
  return cfValue(e.g.transpose(normalised, toChannelsFirst(rank)), rank);
}

function torchLayernorm(op: LayerOp, source: Framework): TorchLayer {
  const shape = op.inShape;
  if (!shape) throw new Refusal(`${op.attr}: layernorm needs its input's shape`);
  const axis = normalisedAxis(shape, op.info?.args["axis"], source);
  const eps = kw("eps", op.args["eps"], 1e-5);
  // A Keras file's channels are its last axis; the PyTorch code holds them at axis 1.
  // A permuted tensor is held as the file holds it (see permute's crossDims): its last axis is the file's.
  const channels = shape.length > 1 && axis === channelAxis(shape, source) && !op.info?.inputOrder;
  if (!channels || op.rank === 0) {
    const overChannels = axis === shape.length - 1 && channelsLast(op, source);
    return { ctor: `nn.LayerNorm(${[overChannels ? py(op.inChannels) : String(shape[axis]), ...eps].join(", ")})` };
  }
  return {
    ctor: `LayerNorm2d(${[py(op.inChannels), ...eps].join(", ")})`,
    helper: "LayerNorm2d",
  };
}

function kerasLayernorm(op: LayerOp, source: Framework): KerasStep[] {
  const shape = op.inShape;
  if (!shape) throw new Refusal(`${op.attr}: layernorm needs its input's shape`);
  const axis = normalisedAxis(shape, op.info?.args["axis"], source);
  if (source === "pytorch" && op.rank > 0 && axis !== channelAxis(shape, source) && !op.info?.inputOrder)
    throw new Refusal(
      `${op.attr}: layernorm(axis: -1) on a ${op.rank + 1}-axis tensor normalises a spatial axis in PyTorch's ` +
        "layout, which Keras' channels-last layout does not hold last",
    );
  // The channels are last in Keras' layout; Keras' default epsilon (1e-3) differs from PyTorch's.
  const eps = source === "pytorch" ? [`epsilon=${py(op.args["eps"]!)}`] : kw("epsilon", op.args["eps"], 1e-3);
  return one("LayerNormalization", ["axis=-1", ...eps]);
}

/** layernorm's faces: γ ("weight") and β ("bias") over the normalised axis, as nn.LayerNorm stores them. */
export const layernormUnit = {
  analysis: layernorm,
  sameShape: true,
  nonNegative: false,
  onnx: emitLayernorm,
  tensors: (layer, fw) => {
    const shape = layer.inputShape;
    const n = shape[normalisedAxis(shape, layer.args.axis, fw)]!;
    return [
      ["weight", [n], n, n],
      ["bias", [n], n, n],
    ];
  },
  pytorch: torchLayernorm,
  keras: kerasLayernorm,
} satisfies LayerUnit<"layernorm">;
