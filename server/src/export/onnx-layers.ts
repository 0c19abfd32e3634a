// Layer kind → ONNX nodes: the registry, and the layers without windows (activations, dense, batchnorm…).
import type { Framework, LayerInfo } from "../analysis/types.js";
import { channelAxis } from "../analysis/tensor.js";
import { conv, convTranspose } from "./onnx-conv.js";
import type { GraphBuilder, Value } from "./onnx-graph.js";
import type { ParamRole, WeightMap } from "./onnx-params.js";
import { adaptivePool, globalPool, pool } from "./onnx-pool.js";
import { lrn, upsample, zeropad } from "./onnx-resize.js";

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
function fileValue(e: LayerEmit, name: string, rank: number): Value {
  return { name, rank, channelsLast: e.framework === "keras" };
}

/** An element-wise layer keeps its input's order. */
function elementwise(build: (e: LayerEmit, x: string) => string): Emitter {
  return (e) => ({ ...e.input, name: build(e, e.input.name) });
}

const unary = (opType: string, attrs?: (e: LayerEmit) => Record<string, { float: number }>): Emitter =>
  elementwise((e, x) => e.g.op(opType, [x], attrs?.(e)));

const num = (e: LayerEmit, key: string, fallback: number) => Number(e.layer.args[key] ?? fallback);

export const emitters: Record<string, Emitter> = {
  conv,
  convtranspose: convTranspose,
  maxpool: (e) => pool(e, true),
  avgpool: (e) => pool(e, false),
  adaptiveavgpool: (e) => adaptivePool(e, false),
  adaptivemaxpool: (e) => adaptivePool(e, true),
  globalavgpool: (e) => globalPool(e, false),
  globalmaxpool: (e) => globalPool(e, true),
  batchnorm,
  relu: unary("Relu"),
  relu6: elementwise((e, x) => e.g.op("Clip", [x, e.g.scalar(0), e.g.scalar(6)])),
  leakyrelu: unary("LeakyRelu", (e) => ({ alpha: { float: num(e, "slope", 0.01) } })),
  elu: unary("Elu", (e) => ({ alpha: { float: num(e, "alpha", 1) } })),
  // Opset 17 has no Gelu: PyTorch's and Keras' exact form x·½·(1 + erf(x/√2)).
  gelu: elementwise((e, x) => {
    const erf = e.g.op("Erf", [e.g.op("Mul", [x, e.g.scalar(Math.SQRT1_2)])]);
    return e.g.op("Mul", [e.g.op("Mul", [x, e.g.scalar(0.5)]), e.g.op("Add", [erf, e.g.scalar(1)])]);
  }),
  sigmoid: unary("Sigmoid"),
  tanh: unary("Tanh"),
  identity: unary("Identity"),
  // Inference: dropout passes everything through, unscaled (PyTorch scales during training instead).
  dropout: unary("Identity"),
  softmax,
  flatten: (e) => fileValue(e, e.g.op("Flatten", [e.file()], { axis: 1 }), 2),
  dense,
  lrn,
  upsample,
  zeropad,
};

function batchnorm(e: LayerEmit): Value {
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
function dense(e: LayerEmit): Value {
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
function softmax(e: LayerEmit): Value {
  const shape = e.layer.inputShape;
  const given = e.layer.args.axis;
  const axis = given === undefined || given === null ? channelAxis(shape, e.framework) : Number(given);
  const onnxAxis = axis < 0 ? axis : axis + 1;
  return fileValue(e, e.g.op("Softmax", [e.file()], { axis: onnxAxis }), shape.length + 1);
}
