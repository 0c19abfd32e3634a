// Layers that keep their input's shape and have no parameters: activations, dropout, identity, LRN.
import type { ArgSpec } from "../arguments.js";
import { channelAxis } from "../tensor.js";
import { sameShapeOutcome, type LayerContext, type LayerKind, type LayerOutcome } from "./kind.js";

function elementwise<K extends string>(
  kind: K,
  aliases: string[],
  doc: string,
  args: ArgSpec[] = [],
  check?: (ctx: LayerContext) => boolean,
  acceptsPermuted: LayerKind["acceptsPermuted"] = () => true,
): LayerKind<K> {
  return {
    kind,
    aliases,
    doc,
    args,
    acceptsPermuted,
    apply(ctx): LayerOutcome | undefined {
      if (check && !check(ctx)) return undefined;
      return sameShapeOutcome(ctx);
    },
  };
}

export const relu = elementwise("relu", [], "ReLU: max(0, x).");
export const relu6 = elementwise("relu6", [], "ReLU6: min(max(0, x), 6), as in MobileNet.");
export const leakyrelu = elementwise("leakyrelu", [], "Leaky ReLU: x for x > 0, slope·x otherwise.", [
  {
    name: "slope",
    aliases: ["negative_slope", "alpha"],
    type: "number",
    default: (fw) => (fw === "keras" ? 0.3 : 0.01),
    doc: "slope for negative inputs (pytorch 0.01, keras 0.3)",
  },
]);
export const elu = elementwise("elu", [], "ELU: x for x > 0, alpha·(eˣ − 1) otherwise.", [
  { name: "alpha", type: "number", default: 1, doc: "scale of the negative part" },
]);
export const gelu = elementwise("gelu", [], "GELU: x·Φ(x).");
export const sigmoid = elementwise("sigmoid", [], "Logistic sigmoid 1/(1 + e⁻ˣ).");
export const tanh = elementwise("tanh", [], "Hyperbolic tangent.");
export const identity = elementwise("identity", [], "Passes its input through unchanged.");

export const softmax = elementwise(
  "softmax",
  [],
  "Softmax over an axis (default: the channel axis).",
  [
    {
      name: "axis",
      aliases: ["dim"],
      type: "int",
      optional: true,
      doc: "axis to normalise over, without the batch axis counted (default: channels)",
    },
  ],
  (ctx) => {
    const axis = ctx.args.number("axis");
    if (axis === undefined) return true;
    const rank = ctx.input.length;
    if (axis < -rank || axis >= rank) {
      ctx.report.error(
        "argument-value",
        `axis ${axis} is outside the input's ${rank} axes (${ctx.input.join("×")})` +
          `: use 0 to ${rank - 1}, or -1` +
          `; the default is the channel axis ${channelAxis(ctx.input, ctx.framework)}`,
        ctx.args.span("axis"),
      );
      return false;
    }
    return true;
  },
  // Its default axis is the channel axis, which a permuted tensor has moved; a stated axis is plain.
  (args) => args.has("axis"),
);

export const dropout = elementwise(
  "dropout",
  ["dropout1d", "dropout2d", "dropout3d", "spatialdropout1d", "spatialdropout2d", "spatialdropout3d"],
  "Dropout: zeroes a fraction p of activations in training; identity at inference.",
  [
    {
      name: "p",
      aliases: ["rate"],
      type: "number",
      default: 0.5,
      doc: "probability of dropping an element (PyTorch p, Keras rate)",
    },
  ],
  (ctx) => {
    const p = ctx.args.number("p") ?? 0.5;
    if (p < 0 || p > 1) {
      ctx.report.error("argument-value", `dropout probability ${p} must be between 0 and 1`, ctx.args.span("p"));
      return false;
    }
    return true;
  },
);

export const lrn = elementwise(
  "lrn",
  ["localresponsenorm", "localresponsenormalization"],
  "Local response normalisation across channels (AlexNet).",
  [
    { name: "size", type: "count", default: 5, doc: "number of neighbouring channels" },
    { name: "alpha", type: "number", default: 1e-4, doc: "scale" },
    { name: "beta", type: "number", default: 0.75, doc: "exponent" },
    { name: "k", type: "number", default: 2, doc: "additive constant" },
  ],
  undefined,
  () => false,
);

export const silu = elementwise("silu", ["swish"], "SiLU (swish): x·sigmoid(x).");
export const hardswish = elementwise(
  "hardswish",
  ["hard_swish", "hard_silu", "hardsilu"],
  "Hard swish (MobileNet-V3): x·relu6(x + 3)/6.",
);
// Keras 2's hard_sigmoid was 0.2x + 0.5; PyTorch and Keras 3 agree on relu6(x + 3)/6, which is the contract.
export const hardsigmoid = elementwise(
  "hardsigmoid",
  ["hard_sigmoid"],
  "Hard sigmoid (MobileNet-V3's gates): relu6(x + 3)/6, as PyTorch and Keras 3 compute it.",
);
export const mish = elementwise("mish", [], "Mish: x·tanh(softplus(x)).");
export const softplus = elementwise("softplus", [], "Softplus: log(1 + eˣ), a smooth ReLU.");

const DROP_PATH_MODES = ["row", "batch"];

// Stochastic depth drops a whole residual branch (mode row: per sample; batch: for the whole batch) while
// training; at inference it is the identity, which is all the analysis and the simulation see.
export const droppath = elementwise(
  "droppath",
  ["stochasticdepth"],
  "Stochastic depth (torchvision's StochasticDepth): drops a residual branch with probability p in training; " +
    "identity at inference.",
  [
    { name: "p", aliases: ["rate", "drop_prob"], type: "number", doc: "probability of dropping the branch" },
    {
      name: "mode",
      type: "word",
      default: "row",
      words: DROP_PATH_MODES,
      doc: "row: each sample of the batch on its own; batch: the whole batch at once",
    },
  ],
  (ctx) => {
    const p = ctx.args.number("p");
    if (p === undefined) return false;
    if (p < 0 || p > 1) {
      ctx.report.error(
        "argument-value",
        `drop-path probability ${p} must be between 0 and 1 (StochasticDepth refuses others)`,
        ctx.args.span("p"),
      );
      return false;
    }
    return true;
  },
);

/** The kinds that keep their input's shape and have no parameters, in the documentation's order (lrn apart). */
export const simpleKinds = [
  relu,
  relu6,
  leakyrelu,
  elu,
  gelu,
  sigmoid,
  tanh,
  softmax,
  identity,
  dropout,
  silu,
  hardswish,
  hardsigmoid,
  mish,
  softplus,
  droppath,
] as const;
