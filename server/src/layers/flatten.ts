// flatten: ONNX lowering and properties (its PyTorch and Keras code: export/*-layers.ts).
import { flatten } from "../analysis/layers/shape-layers.js";
import { flatten as flattenEmitter } from "../onnx/emit.js";
import type { LayerUnit } from "./unit.js";

/** flatten's faces. */
export const flattenUnit = {
  analysis: flatten, sameShape: false, nonNegative: false, onnx: flattenEmitter,
} satisfies LayerUnit<"flatten">;
