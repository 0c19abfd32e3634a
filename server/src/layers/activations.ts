// The activations and other shape-keeping kinds without parameters: one entry per kind holds all its faces.
import {
  droppath,
  dropout,
  elu,
  gelu,
  hardsigmoid,
  hardswish,
  identity,
  leakyrelu,
  mish,
  relu,
  relu6,
  sigmoid,
  silu,
  softmax,
  softplus,
  tanh,
} from "../analysis/layers/simple.js";
import type { simpleKinds } from "../analysis/layers/simple.js";
import { kw, one } from "../codegen/layer-code.js";
import { softmaxAxis } from "../codegen/layer-values.js";
import { py } from "../codegen/python.js";
import { elementwise, num, softmax as softmaxEmitter, unary, type LayerEmit } from "../onnx/emit.js";
import type { Value } from "../onnx/graph.js";
import type { LayerUnit } from "./unit.js";

const same = { sameShape: true, nonNegative: false } as const;
const positive = { sameShape: true, nonNegative: true } as const;

/** Each simple kind's faces, by name. */
export const activationUnits = {
  relu: {
    analysis: relu,
    ...positive,
    onnx: unary("Relu"),
    pytorch: { cls: "nn.ReLU" },
    keras: { cls: "ReLU" },
  },
  relu6: {
    analysis: relu6,
    ...positive,
    onnx: elementwise((e, x) => e.g.op("Clip", [x, e.g.scalar(0), e.g.scalar(6)])),
    pytorch: { cls: "nn.ReLU6" },
    keras: { cls: "ReLU", args: ["max_value=6"] },
  },
  // Keras files state the slope only when it is not Keras' default; PyTorch files always (the defaults differ).
  leakyrelu: {
    analysis: leakyrelu,
    ...same,
    onnx: unary("LeakyRelu", (e) => ({ alpha: { float: num(e, "slope", 0.01) } })),
    pytorch: (op) => ({ ctor: `nn.LeakyReLU(${kw("negative_slope", op.args["slope"], 0.01).join("")})` }),
    keras: (op, source) => {
      const slope = op.args["slope"];
      const given = source === "pytorch" ? [`negative_slope=${py(slope!)}`] : kw("negative_slope", slope, 0.3);
      return one("LeakyReLU", given);
    },
  },
  elu: {
    analysis: elu,
    ...same,
    onnx: unary("Elu", (e) => ({ alpha: { float: num(e, "alpha", 1) } })),
    pytorch: { cls: "nn.ELU", kwargs: [["alpha", "alpha", 1]] },
    keras: { cls: "ELU", kwargs: [["alpha", "alpha", 1]] },
  },
  gelu: {
    analysis: gelu,
    ...same,
    // Opset 17 has no Gelu: PyTorch's and Keras' exact form x·½·(1 + erf(x/√2)).
    onnx: elementwise((e, x) => {
      const erf = e.g.op("Erf", [e.g.op("Mul", [x, e.g.scalar(Math.SQRT1_2)])]);
      return e.g.op("Mul", [e.g.op("Mul", [x, e.g.scalar(0.5)]), e.g.op("Add", [erf, e.g.scalar(1)])]);
    }),
    pytorch: { cls: "nn.GELU" },
    keras: { cls: "Activation", args: ['"gelu"'] },
  },
  sigmoid: {
    analysis: sigmoid,
    ...positive,
    onnx: unary("Sigmoid"),
    pytorch: { cls: "nn.Sigmoid" },
    keras: { cls: "Activation", args: ['"sigmoid"'] },
  },
  tanh: {
    analysis: tanh,
    ...same,
    onnx: unary("Tanh"),
    pytorch: { cls: "nn.Tanh" },
    keras: { cls: "Activation", args: ['"tanh"'] },
  },
  // The axis counts without the batch axis and defaults to the channels, in the source's layout.
  softmax: {
    analysis: softmax,
    ...positive,
    onnx: softmaxEmitter,
    pytorch: (op, source) => ({ ctor: `nn.Softmax(dim=${softmaxAxis(op, source, "pytorch")})` }),
    keras: (op, source) => {
      const axis = softmaxAxis(op, source, "keras");
      return one("Softmax", axis === "-1" ? [] : [`axis=${axis}`]);
    },
  },
  identity: {
    analysis: identity,
    ...same,
    onnx: unary("Identity"),
    pytorch: { cls: "nn.Identity" },
    keras: { cls: "Identity" },
  },
  // Inference: dropout passes everything through, unscaled (PyTorch scales during training instead).
  dropout: {
    analysis: dropout,
    ...same,
    onnx: dropoutNode,
    pytorch: (op) => ({ ctor: `nn.Dropout(p=${py(op.args["p"]!)})` }),
    keras: (op) => one("Dropout", [py(op.args["p"]!)]),
  },
  // Keras' names are Keras 3's activations; TF.js (a Keras 2) lacks hard_silu and computes hard_sigmoid as
  // 0.2x + 0.5 (docs/keras.md says so), so the Keras goldens state Keras 3's result for those.
  silu: {
    analysis: silu,
    ...same,
    onnx: elementwise((e, x) => e.g.op("Mul", [x, e.g.op("Sigmoid", [x])])),
    pytorch: { cls: "nn.SiLU" },
    keras: { cls: "Activation", args: ['"silu"'] },
  },
  hardswish: {
    analysis: hardswish,
    ...same,
    onnx: unary("HardSwish"),
    pytorch: { cls: "nn.Hardswish" },
    keras: { cls: "Activation", args: ['"hard_silu"'] },
  },
  // ONNX's HardSigmoid is max(0, min(1, αx + β)): α = 1/6, β = 1/2 is relu6(x + 3)/6.
  hardsigmoid: {
    analysis: hardsigmoid,
    ...positive,
    onnx: unary("HardSigmoid", () => ({ alpha: { float: 1 / 6 }, beta: { float: 0.5 } })),
    pytorch: { cls: "nn.Hardsigmoid" },
    keras: { cls: "Activation", args: ['"hard_sigmoid"'] },
  },
  // Opset 17 has no Mish (it is opset 18): x·tanh(softplus(x)).
  mish: {
    analysis: mish,
    ...same,
    onnx: elementwise((e, x) => e.g.op("Mul", [x, e.g.op("Tanh", [e.g.op("Softplus", [x])])])),
    pytorch: { cls: "nn.Mish" },
    keras: { cls: "Activation", args: ['"mish"'] },
  },
  softplus: {
    analysis: softplus,
    ...positive,
    onnx: unary("Softplus"),
    pytorch: { cls: "nn.Softplus" },
    keras: { cls: "Activation", args: ['"softplus"'] },
  },
  // Inference: stochastic depth keeps every branch. PyTorch has it in torchvision (the export imports it).
  droppath: {
    analysis: droppath,
    ...same,
    onnx: dropoutNode,
    pytorch: (op) => ({
      ctor: `torchvision.ops.StochasticDepth(p=${py(op.args["p"]!)}, mode=${py(op.args["mode"]!)})`,
    }),
    keras: { refuses: "Keras has no stochastic-depth layer (keras_cv's is not part of Keras)" },
  },
} satisfies { [K in (typeof simpleKinds)[number]["kind"]]: LayerUnit<K> };

/**
 * ONNX's Dropout with its ratio: the identity at inference (training_mode is false), and the probability stays in
 * the file, so `cnnlens import` writes `dropout(p: …)` back rather than leaving the layer out.
 */
function dropoutNode(e: LayerEmit): Value {
  return { ...e.input, name: e.g.op("Dropout", [e.input.name, e.g.scalar(num(e, "p", 0.5))]) };
}
