// conv and convtranspose: their weights, ONNX lowering and properties (PyTorch/Keras code: export/*-layers.ts).
import { conv } from "../analysis/layers/conv.js";
import { convtranspose } from "../analysis/layers/conv-transpose.js";
import { channels } from "../analysis/tensor.js";
import { conv as convEmitter, convTranspose as convTransposeEmitter } from "../onnx/conv.js";
import { perAxis } from "../onnx/tensors.js";
import type { ShapedLayer, TensorEntry, LayerUnit } from "./unit.js";
import type { Framework } from "../analysis/types.js";

/**
 * Weights in PyTorch's layout, also in Keras files: conv [C_out, C_in/groups, …K]; a transposed conv's is
 * [C_in, C_out/groups, …K], and its fan_in reads dim 1 as PyTorch's does.
 */
function convTensors(layer: ShapedLayer, fw: Framework): TensorEntry[] {
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

const windowed = { sameShape: false, nonNegative: false } as const;

/** The convolutions' faces, by name. */
export const convUnits = {
  conv: { analysis: conv, ...windowed, tensors: convTensors, onnx: convEmitter },
  convtranspose: { analysis: convtranspose, ...windowed, tensors: convTensors, onnx: convTransposeEmitter },
} satisfies { [K in "conv" | "convtranspose"]: LayerUnit<K> };
