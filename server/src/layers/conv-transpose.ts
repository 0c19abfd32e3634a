// convtranspose: its weights, ONNX lowering and properties (its PyTorch and Keras code: export/*-layers.ts).
import { convtranspose } from "../analysis/layers/conv-transpose.js";
import { convTranspose as convTransposeEmitter } from "../onnx/conv.js";
import { convTensors } from "./conv.js";
import type { LayerUnit } from "./unit.js";

/** convtranspose's faces: its weight is [C_in, C_out/groups, …K], as PyTorch stores it. */
export const convTransposeUnit = {
  analysis: convtranspose, sameShape: false, nonNegative: false, tensors: convTensors, onnx: convTransposeEmitter,
} satisfies LayerUnit<"convtranspose">;
