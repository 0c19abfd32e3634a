// groupnorm: its scale and shift, ONNX lowering (opset 17 has no GroupNormalization), PyTorch and Keras code.
import { groupnorm } from "../analysis/layers/groupnorm.js";
import { channelAxis } from "../analysis/tensor.js";
import { kw, one } from "../codegen/layer-code.js";
import { isValue } from "../codegen/layer-values.js";
import { py } from "../codegen/python.js";
import { cfValue, num, type LayerEmit } from "../onnx/emit.js";
import type { Value } from "../onnx/graph.js";
import type { LayerUnit, TensorEntry } from "./unit.js";

/**
 * Normalises `x` (channels first) over groups of its channels and their positions, then scales and shifts
 * per channel: x as N × groups × rest, InstanceNormalization over rest (γ = 1, β = 0 per group), back to
 * x's shape, times γ plus β per channel. This is nn.GroupNorm exactly (GroupNormalization is opset 18).
 */
export function normaliseGroups(e: LayerEmit, groups: number, affine: boolean): Value {
  const g = e.g;
  const x = e.cf();
  const eps = num(e, "eps", 1e-5);
  const grouped = g.op("Reshape", [x, g.int64Const([0, groups, -1])]);
  const unit = g.op(
    "InstanceNormalization",
    [grouped, g.floatConst(Array<number>(groups).fill(1)), g.floatConst(Array<number>(groups).fill(0))],
    {
      epsilon: { float: eps },
    },
  );
  const normalised = g.op("Reshape", [unit, g.op("Shape", [x])]);
  if (!affine) return cfValue(normalised, e.input.rank);
  // γ and β are (C,): as (C, 1, …, 1) they broadcast over the positions of N × C × ….
  const perChannel = (t: string) =>
    e.input.rank > 2 ? g.op("Reshape", [t, g.int64Const([-1, ...Array<number>(e.input.rank - 2).fill(1)])]) : t;
  const scaled = g.op("Mul", [normalised, perChannel(e.param("weight"))]);
  return cfValue(g.op("Add", [scaled, perChannel(e.param("bias"))]), e.input.rank);
}

/** γ (1) and β (0) per channel when affine, as nn.GroupNorm, InstanceNorm(affine=True) and Keras have them. */
export function affineTensors(input: number[], fw: "pytorch" | "keras", affine: boolean): TensorEntry[] {
  if (!affine) return [];
  const c = input[channelAxis(input, fw)]!;
  return [
    ["weight", [c], c, c, { initial: 1 }],
    ["bias", [c], c, c, { initial: 0 }],
  ];
}

/** groupnorm's faces. Keras' GroupNormalization is Keras 3's (TF.js, a Keras 2, has none). */
export const groupnormUnit = {
  analysis: groupnorm,
  sameShape: true,
  nonNegative: false,
  tensors: (layer, fw) => affineTensors(layer.inputShape, fw, layer.args["affine"] !== false),
  onnx: (e) => normaliseGroups(e, Number(e.layer.args["groups"]), e.layer.args["affine"] !== false),
  pytorch: (op) => {
    const args = [py(op.args["groups"]!), py(op.inChannels), ...kw("eps", op.args["eps"], 1e-5)];
    return { ctor: `nn.GroupNorm(${[...args, ...kw("affine", op.args["affine"], true)].join(", ")})` };
  },
  // Keras' default epsilon is 1e-3, so it is always stated; affine: false is Keras' center and scale off.
  keras: (op) => {
    const off = isValue(op.args["affine"], false) ? ["center=False", "scale=False"] : [];
    return one("GroupNormalization", [`groups=${py(op.args["groups"]!)}`, `epsilon=${py(op.args["eps"]!)}`, ...off]);
  },
} satisfies LayerUnit<"groupnorm">;
