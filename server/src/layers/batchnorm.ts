// batchnorm: its tensors, ONNX lowering and properties (its PyTorch and Keras code: export/*-layers.ts).
import { batchnorm } from "../analysis/layers/shape-layers.js";
import { batchnorm as batchnormEmitter } from "../onnx/emit.js";
import type { LayerUnit, TensorEntry } from "./unit.js";

/** batchnorm's faces: γ and β (when affine, or Keras' scale and center), then the running statistics, which PyTorch keeps as buffers. */
export const batchnormUnit = {
  analysis: batchnorm, sameShape: true, nonNegative: false, onnx: batchnormEmitter,
  tensors: (layer, fw) => {
    const input = layer.inputShape;
    const c = input.length === 1 || fw === "keras" ? input[input.length - 1]! : input[0]!;
    const a = layer.args;
    // Keras' scale (γ, "weight") and center (β, "bias") come and go independently; affine is PyTorch's both.
    const out: TensorEntry[] = [];
    if (a.affine !== false && a.scale !== false) out.push(["weight", [c], c, c]);
    if (a.affine !== false && a.center !== false) out.push(["bias", [c], c, c]);
    out.push(["running_mean", [c], c, c], ["running_var", [c], c, c]);
    return out;
  },
} satisfies LayerUnit<"batchnorm">;
