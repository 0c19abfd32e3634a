// conv: its weights, ONNX lowering, properties, and its PyTorch and Keras code (Keras' `same` with a stride).
import { conv } from "../analysis/layers/conv.js";
import { channels } from "../analysis/tensor.js";
import { conv as convEmitter } from "../onnx/conv.js";
import { perAxis } from "../onnx/tensors.js";
import type { Framework } from "../analysis/types.js";
import { kw, type KerasStep, type TorchLayer } from "../codegen/layer-code.js";
import type { LayerOp } from "../codegen/layer-op.js";
import { isValue, literalAxes, wordOf } from "../codegen/layer-values.js";
import { py } from "../codegen/python.js";
import { Refusal } from "../codegen/refusal.js";
import { describeSides as describe, evenPadding, samePads } from "../codegen/same-padding.js";
import { isLiteral, key } from "../codegen/sym.js";
import type { LayerUnit, ShapedLayer, TensorEntry } from "./unit.js";

/**
 * Weights in PyTorch's layout, also in Keras files: conv [C_out, C_in/groups, …K]; a transposed conv's is
 * [C_in, C_out/groups, …K], and its fan_in reads dim 1 as PyTorch's does.
 */
export function convTensors(layer: ShapedLayer, fw: Framework): TensorEntry[] {
  const input = layer.inputShape;
  const a = layer.args;
  const rank = input.length - 1;
  const kernel = perAxis(a.kernel, rank);
  const volume = kernel.reduce((p, k) => p * k, 1);
  const groups = Number(a.groups ?? 1);
  const cin = channels(input, fw);
  const cout = Number(a.out_channels);
  const shape = layer.kind === "conv" ? [cout, cin / groups, ...kernel] : [cin, cout / groups, ...kernel];
  const fanIn = shape[1]! * volume;
  const fanOut = shape[0]! * volume;
  const out: TensorEntry[] = [["weight", shape, fanIn, fanOut]];
  if (a.bias !== false) out.push(["bias", [cout], fanIn, fanOut]);
  return out;
}

function torchConv(op: LayerOp): TorchLayer {
  const a = op.args;
  const pad = convPadding(op);
  const ctor =
    `nn.Conv${Math.max(op.rank, 1)}d(` +
    [
      py(op.inChannels),
      py(a["out_channels"]!),
      py(a["kernel"]!),
      ...kw("stride", a["stride"], 1),
      ...pad.kw,
      ...kw("dilation", a["dilation"], 1),
      ...kw("groups", a["groups"], 1),
      ...kw("bias", a["bias"], true),
    ].join(", ") +
    ")";
  return { ctor, ...pad.wrap };
}

function convPadding(op: LayerOp): { kw: string[]; wrap: Partial<TorchLayer> } {
  const p = op.args["padding"]!;
  const word = wordOf(p);
  if (word === "valid" || isValue(p, 0)) return { kw: [], wrap: {} };
  if (word === undefined) return { kw: [`padding=${py(p)}`], wrap: {} };
  if (isValue(op.args["stride"], 1)) return { kw: [`padding=${py(p)}`], wrap: {} };
  if (!isLiteral(p))
    throw new Refusal(
      `${op.attr}: padding ${py(p)} with stride ${py(op.args["stride"]!)}` +
        ` cannot be written once for every use` +
        `; give the padding as a word in the block`,
    );
  // TensorFlow's `same` with a stride puts the odd pixel after; PyTorch pads evenly (and refuses `same`).
  const sides = samePads(op, 1);
  if (sides.every(([b, e]) => b === e)) return { kw: [`padding=${evenPadding(sides)}`], wrap: {} };
  const pads = sides.slice().reverse().flat().join(", ");
  return {
    kw: [],
    wrap: {
      pre: (x) => `F.pad(${x}, (${pads}))`,
      note:
        `Keras "same" with stride ${py(op.args["stride"]!)} pads ${describe(sides)}` +
        `, PyTorch evenly: explicit F.pad`,
    },
  };
}

function kerasConv(op: LayerOp): KerasStep[] {
  const a = op.args;
  const d = Math.max(op.rank, 1);
  const stride = a["stride"]!,
    dilation = a["dilation"]!,
    pad = a["padding"]!;
  if (!isValue(stride, 1) && !isValue(dilation, 1))
    throw new Refusal(`${op.attr}: Keras does not allow a stride and a dilation both above 1 in one conv`);
  const word = wordOf(pad);
  const steps: KerasStep[] = [];
  let padding: string[] = [];
  if (word === "same") padding = ['padding="same"'];
  else if (word === undefined && !isValue(pad, 0)) {
    const k = literalAxes(a["kernel"], op.rank),
      dl = literalAxes(dilation, op.rank),
      p = literalAxes(pad, op.rank);
    // Symmetric padding that exactly offsets the kernel, with stride 1, is Keras' "same"; else explicit zeros.
    if (k && dl && p && isValue(stride, 1) && p.every((x, i) => 2 * x === dl[i]! * (k[i]! - 1)))
      padding = ['padding="same"'];
    else steps.push({ cls: `ZeroPadding${d}D`, args: [py(pad)], suffix: "_pad" });
  } else if (word === undefined && !isLiteral(pad)) padding = [`padding=${py(pad)}`];
  const groups = a["groups"]!;
  const depthwise =
    d === 2 && !isValue(groups, 1) && key(groups) === key(op.inChannels) && key(groups) === key(a["out_channels"]!);
  const rest = [...kw("strides", stride, 1), ...padding, ...kw("dilation_rate", dilation, 1)];
  const bias = kw("use_bias", a["bias"], true);
  if (depthwise) steps.push({ cls: "DepthwiseConv2D", args: [py(a["kernel"]!), ...rest, ...bias], suffix: "" });
  else
    steps.push({
      cls: `Conv${d}D`,
      args: [py(a["out_channels"]!), py(a["kernel"]!), ...rest, ...kw("groups", groups, 1), ...bias],
      suffix: "",
    });
  return steps;
}

/** conv's faces. */
export const convUnit = {
  analysis: conv,
  sameShape: false,
  nonNegative: false,
  tensors: convTensors,
  onnx: convEmitter,
  pytorch: torchConv,
  keras: kerasConv,
} satisfies LayerUnit<"conv">;
