// conv: its weights, ONNX lowering and properties (its PyTorch and Keras code: export/*-layers.ts, see unit.ts).
import { conv } from "../analysis/layers/conv.js";
import { channels } from "../analysis/tensor.js";
import { conv as convEmitter } from "../onnx/conv.js";
import { perAxis } from "../onnx/tensors.js";
import type { Framework } from "../analysis/types.js";
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

/** conv's faces. */
export const convUnit = {
  analysis: conv, sameShape: false, nonNegative: false, tensors: convTensors, onnx: convEmitter,
} satisfies LayerUnit<"conv">;
