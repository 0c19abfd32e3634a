// upsample: ONNX lowering and properties (its PyTorch and Keras code: export/*-layers.ts).
import { upsample } from "../analysis/layers/shape-layers.js";
import { upsample as upsampleEmitter } from "../onnx/resize.js";
import type { LayerUnit } from "./unit.js";

/** upsample's faces. */
export const upsampleUnit = {
  analysis: upsample, sameShape: false, nonNegative: false, onnx: upsampleEmitter,
} satisfies LayerUnit<"upsample">;
