// layernorm: normalises over one axis at each position, the channel axis (torchvision's LayerNorm2d, Keras'
// LayerNormalization(axis=-1) in channels-last) or the last axis (nn.LayerNorm after a permute).
import { channelAxis } from "../tensor.js";
import type { Args } from "../arguments.js";
import type { LayerContext, LayerKind } from "./kind.js";
import { normEpsilon } from "./shape-layers.js";

/** The axis (of the sample, 0-based) a layernorm normalises over, or undefined (reported) when it takes none. */
export function layernormAxis(ctx: LayerContext): number | undefined {
  const rank = ctx.input.length;
  const given = ctx.args.value("axis");
  const channel = channelAxis(ctx.input, ctx.framework);
  if (rank === 1 || given === undefined || given.type === "word") return rank === 1 ? 0 : channel;
  const axis = given.type === "number" ? given.value : NaN;
  const resolved = axis < 0 ? axis + rank : axis;
  if (resolved === rank - 1 || resolved === channel) return resolved;
  ctx.report.error(
    "argument-value",
    `layernorm normalises over the channel axis (${channel}) or the last axis (-1) of ${ctx.input.join("×")}` +
      `, not axis ${axis}: write axis: channel or axis: -1`,
    ctx.args.span("axis"),
  );
  return undefined;
}

/** `axis: -1` names the last axis whatever the layout; `channel` (the default) needs the layout in place. */
function normalisesLastAxis(args: Args): boolean {
  const v = args.value("axis");
  return v?.type === "number" && v.value === -1;
}

export const layernorm: LayerKind<"layernorm"> = {
  kind: "layernorm",
  aliases: ["layernormalization", "layernorm2d"],
  doc:
    "Layer normalisation over one axis at each position: the channel axis (torchvision's LayerNorm2d, Keras' " +
    "LayerNormalization), or with axis: -1 the last axis (nn.LayerNorm after a permute); learnable γ and β.",
  args: [
    normEpsilon,
    {
      name: "axis",
      aliases: ["dim"],
      type: "axis",
      default: "channel",
      doc: "channel (default) or -1, the last axis",
    },
  ],
  acceptsPermuted: normalisesLastAxis,
  apply(ctx) {
    const axis = layernormAxis(ctx);
    if (axis === undefined) return undefined;
    const n = ctx.input[axis]!;
    return {
      output: ctx.input,
      params: { trainable: 2 * n, nonTrainable: 0 },
      macs: 0,
      formula: `same shape: ${ctx.input.join("×")}, normalised over axis ${axis} (${n})`,
      paramFormula: `2·${n} (γ, β) = ${2 * n}`,
    };
  },
};
