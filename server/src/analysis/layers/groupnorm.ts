// groupnorm: normalises each sample over groups of channels (with their spatial positions), then scales and
// shifts per channel (nn.GroupNorm, Keras 3's GroupNormalization).
import { channels, elements } from "../tensor.js";
import { noParams, type LayerContext, type LayerKind } from "./kind.js";

/**
 * Whether a normalisation's statistics are over more than one value, as PyTorch requires ("Expected more than 1
 * value per channel"): over one value the variance is 0 and the output is 0 whatever the input.
 */
export function checkStatisticsSize(ctx: LayerContext, values: number, over: string, fix: string): boolean {
  if (values > 1) return true;
  ctx.report.error(
    "single-value",
    `${ctx.written} on ${ctx.input.join("×")} would take the mean and variance of ${over} over a single value` +
      ` (PyTorch refuses: the output would be 0 whatever the input): ${fix}`,
    ctx.args.callSpan,
  );
  return false;
}

/** The divisors of n, the first eight of them, as a fix lists them: "1, 2, 4, 8, 16, 32". */
export function divisorsText(n: number): string {
  const divisors: number[] = [];
  for (let d = 1; d <= n && divisors.length <= 8; d++) if (n % d === 0) divisors.push(d);
  return divisors.length > 8 ? `${divisors.slice(0, 8).join(", ")}, …` : divisors.join(", ");
}

export const groupnorm: LayerKind<"groupnorm"> = {
  kind: "groupnorm",
  aliases: ["groupnormalization"],
  doc:
    "Group normalisation: each sample's channels in `groups` groups, each normalised over its channels and " +
    "positions, then a learned scale and shift per channel (nn.GroupNorm / keras GroupNormalization).",
  args: [
    { name: "groups", aliases: ["num_groups"], type: "count", doc: "number of channel groups; must divide C" },
    { name: "eps", aliases: ["epsilon"], type: "number", default: 1e-5, doc: "added to the variance" },
    { name: "affine", type: "bool", default: true, doc: "learnable per-channel scale and shift" },
  ],
  apply(ctx) {
    const groups = ctx.args.number("groups");
    if (groups === undefined || ctx.args.unknown) return undefined;
    const c = channels(ctx.input, ctx.framework);
    if (c % groups !== 0) {
      ctx.report.error(
        "groups-mismatch",
        `groups ${groups} does not divide the ${c} channels (PyTorch: num_channels must be divisible by num_groups)` +
          `: use one of ${divisorsText(c)}`,
        ctx.args.span("groups"),
      );
      return { output: ctx.input, params: noParams, macs: 0 };
    }
    const perGroup = (elements(ctx.input) / c) * (c / groups);
    const fix = groups > 1 ? "use fewer groups, or apply it before the map shrinks" : "apply it before the map shrinks";
    if (!checkStatisticsSize(ctx, perGroup, "each group", fix)) return { output: ctx.input, params: noParams, macs: 0 };
    const affine = ctx.args.bool("affine") ?? true;
    return {
      output: ctx.input,
      params: { trainable: affine ? 2 * c : 0, nonTrainable: 0 },
      macs: 0,
      formula: `same shape: ${ctx.input.join("×")}; ${groups} groups of ${c / groups} channels`,
      paramFormula: affine ? `2·${c} (γ, β) = ${2 * c}` : "0 (affine: false)",
    };
  },
};
