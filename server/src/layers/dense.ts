// dense: its weights, ONNX lowering and properties (its PyTorch and Keras code: export/*-layers.ts).
import { dense } from "../analysis/layers/shape-layers.js";
import { dense as denseEmitter } from "../onnx/emit.js";
import type { LayerUnit, TensorEntry } from "./unit.js";

/** dense's faces: the weight is [out, in] as nn.Linear stores it, acting on the last axis. */
export const denseUnit = {
  analysis: dense, sameShape: false, nonNegative: false, onnx: denseEmitter,
  tensors: (layer) => {
    const input = layer.inputShape;
    const inF = input[input.length - 1]!;
    const outF = Number(layer.args.out_features);
    const out: TensorEntry[] = [["weight", [outF, inF], inF, outF]];
    if (layer.args.bias !== false) out.push(["bias", [outF], inF, outF]);
    return out;
  },
} satisfies LayerUnit<"dense">;
