// zeropad: ONNX lowering and properties (its PyTorch and Keras code: export/*-layers.ts).
import { zeropad } from "../analysis/layers/shape-layers.js";
import { zeropad as zeropadEmitter } from "../onnx/resize.js";
import type { LayerUnit } from "./unit.js";

/** zeropad's faces. */
export const zeropadUnit = {
  analysis: zeropad, sameShape: false, nonNegative: false, onnx: zeropadEmitter,
} satisfies LayerUnit<"zeropad">;
