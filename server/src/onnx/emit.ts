// What an ONNX emitter gets and returns, and the emitters of layers without windows (dense, batchnorm, softmax…).
import type { Framework, LayerInfo } from "../analysis/types.js";
import { channelAxis } from "../analysis/tensor.js";
import type { GraphBuilder, Value } from "./graph.js";
import type { ParamRole, WeightMap } from "./tensors.js";

/** What an emitter gets: the layer, its input, and helpers for layouts and weights. */
export interface LayerEmit {
  g: GraphBuilder;
  layer: LayerInfo & { inputShape: number[]; outputShape: number[] };
  framework: Framework;
  input: Value;
  weights: WeightMap;
  /** The input in channels-first order, as ONNX's Conv, pools, BatchNormalization and Resize expect. */
  cf(): string;
  /** The input in the file's order, where flatten, dense and softmax axes are defined. */
  file(): string;
  /** The layer's tensor `<name>.<role>` as an initializer; throws when the weights lack it. */
  param(role: ParamRole): string;
}

/** An emitter adds the layer's nodes (at least one) and returns its result. */
export type Emitter = (e: LayerEmit) => Value;

/** A result in channels-first order. */
export function cfValue(name: string, rank: number): Value {
  return { name, rank, channelsLast: false };
}

/** A result in the file's order (channels last for Keras). */
export function fileValue(e: LayerEmit, name: string, rank: number): Value {
  return { name, rank, channelsLast: e.framework === "keras" };
}

/** An element-wise layer keeps its input's order. */
export function elementwise(build: (e: LayerEmit, x: string) => string): Emitter {
  return (e) => ({ ...e.input, name: build(e, e.input.name) });
}

/** A one-node element-wise layer, with float attributes read from its arguments. */
export const unary = (opType: string, attrs?: (e: LayerEmit) => Record<string, { float: number }>): Emitter =>
  elementwise((e, x) => e.g.op(opType, [x], attrs?.(e)));

/** A numeric argument of the layer, or its default. */
export const num = (e: LayerEmit, key: string, fallback: number) => Number(e.layer.args[key] ?? fallback);

/** BatchNormalization by the running statistics (inference). */
export function batchnorm(e: LayerEmit): Value {
  const c = e.layer.inputShape[channelAxis(e.layer.inputShape, e.framework)]!;
  const a = e.layer.args;
  // PyTorch's affine: false drops both; Keras' scale: false drops γ and center: false drops β, independently.
  const scale = a.affine !== false && a.scale !== false ? e.param("weight") : e.g.floatConst(Array<number>(c).fill(1));
  const shift = a.affine !== false && a.center !== false ? e.param("bias") : e.g.floatConst(Array<number>(c).fill(0));
  const inputs = [e.cf(), scale, shift, e.param("running_mean"), e.param("running_var")];
  // training_mode defaults to 0: normalise by the running statistics, as model.eval() does.
  const out = e.g.op("BatchNormalization", inputs, { epsilon: { float: num(e, "eps", 1e-5) } });
  return cfValue(out, e.input.rank);
}

/** nn.Linear / Dense on the last axis of the file's layout (Keras' Dense on a feature map mixes channels). */
export function dense(e: LayerEmit): Value {
  const x = e.file();
  const rank = e.layer.inputShape.length + 1;
  const bias = e.layer.args.bias !== false;
  const w = e.param("weight");
  if (rank === 2) {
    const inputs = bias ? [x, w, e.param("bias")] : [x, w];
    return fileValue(e, e.g.op("Gemm", inputs, { transB: 1 }), 2);
  }
  // onnxruntime folds the weight's Transpose once, when the session is created.
  const product = e.g.op("MatMul", [x, e.g.transpose(w, [1, 0])]);
  return fileValue(e, bias ? e.g.op("Add", [product, e.param("bias")]) : product, rank);
}

/** The axis counts without the batch axis, as in the file's shapes; the default is the channel axis. */
export function softmax(e: LayerEmit): Value {
  const shape = e.layer.inputShape;
  const given = e.layer.args.axis;
  const axis = given === undefined || given === null ? channelAxis(shape, e.framework) : Number(given);
  const onnxAxis = axis < 0 ? axis : axis + 1;
  return fileValue(e, e.g.op("Softmax", [e.file()], { axis: onnxAxis }), shape.length + 1);
}

/** Flatten in the file's order, so the values keep the framework's order. */
export const flatten: Emitter = (e) => fileValue(e, e.g.op("Flatten", [e.file()], { axis: 1 }), 2);
