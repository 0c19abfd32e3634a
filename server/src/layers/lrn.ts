// lrn: ONNX lowering, properties and Keras' refusal (its PyTorch code: export/pytorch-layers.ts).
import { lrn } from "../analysis/layers/simple.js";
import { lrn as lrnEmitter } from "../onnx/resize.js";
import type { LayerUnit } from "./unit.js";

/** lrn's faces: Keras has no such layer, which its export says by name. */
export const lrnUnit = {
  analysis: lrn, sameShape: true, nonNegative: false, onnx: lrnEmitter,
  refuses: { keras: "Keras has no local response normalisation layer" },
} satisfies LayerUnit<"lrn">;
