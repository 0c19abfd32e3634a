// resize: to a given spatial size, or to that of a labelled tensor (FCN and DeepLab heads: resize(like: image)).
import { throughUpsample } from "../receptive-field.js";
import { channels, makeShape, spatial } from "../tensor.js";
import { featureMapRank, noParams, type LayerContext, type LayerKind } from "./kind.js";
import { INTERPOLATION_MODES, linearModeOf, modeFitsRank } from "./interpolation.js";
import { joinFormulas } from "./window-args.js";

/** The mode a resize uses: the one given, else the (multi)linear mode of the rank (bilinear in 2-D). */
export function resizeMode(mode: unknown, rank: number): string {
  return typeof mode === "string" ? mode : linearModeOf(rank);
}

/** The output's spatial size: the given one, or the labelled tensor's; undefined (reported if wrong) otherwise. */
function targetSize(ctx: LayerContext, rank: number): number[] | undefined {
  const hasSize = ctx.args.has("size"),
    hasLike = ctx.args.has("like");
  if (hasSize === hasLike) {
    const message = hasSize
      ? `${ctx.written}: give size or like, not both`
      : `${ctx.written} needs the output's size: write resize(size: 28) or resize(like: label)`;
    ctx.report.error("argument-count", message, ctx.args.callSpan);
    return undefined;
  }
  if (hasSize) return ctx.args.axes("size", rank);
  const label = ctx.args.value("like");
  if (label?.type !== "word") return undefined;
  const entry = ctx.lookup(label.value);
  if (!entry) {
    const message = `no label '${label.value}' is defined before this point: label a tensor with ${label.value}: …`;
    ctx.report.error("unknown-label", message, ctx.args.span("like"));
    return undefined;
  }
  if (!entry.shape) return undefined;
  const sizes = entry.shape.length > 1 ? spatial(entry.shape, ctx.framework) : [];
  if (sizes.length !== rank) {
    const message =
      `${ctx.written}: '${label.value}' is ${entry.shape.join("×")}, with ${sizes.length} spatial axes` +
      `, but the input has ${rank}: resize like a tensor of the same rank, or give size`;
    ctx.report.error("argument-value", message, ctx.args.span("like"));
    return undefined;
  }
  return sizes;
}

export const resize: LayerKind<"resize"> = {
  kind: "resize",
  aliases: ["interpolate", "resizing"],
  doc:
    "Resizes the spatial axes to a given size, or to those of a labelled tensor (resize(like: image)), " +
    "as F.interpolate(size=…, align_corners=False) / keras Resizing.",
  args: [
    { name: "size", type: "axes", optional: true, doc: "the output's spatial size (one number or one per axis)" },
    { name: "like", type: "label", optional: true, doc: "a labelled tensor whose spatial size to take" },
    {
      name: "mode",
      aliases: ["interpolation"],
      type: "word",
      optional: true,
      words: INTERPOLATION_MODES,
      doc: "bilinear (default in 2-D; linear in 1-D, trilinear in 3-D), bicubic or nearest",
    },
  ],
  apply(ctx) {
    const rank = featureMapRank(ctx);
    if (rank === undefined || !modeFitsRank(ctx, rank, ctx.args.word("mode"))) return undefined;
    const out = targetSize(ctx, rank);
    if (!out || ctx.args.unknown) return undefined;
    const sizes = spatial(ctx.input, ctx.framework);
    const smooth = resizeMode(ctx.args.word("mode"), rank) !== "nearest";
    return {
      output: makeShape(channels(ctx.input, ctx.framework), out, ctx.framework),
      params: noParams,
      macs: 0,
      formula: joinFormulas(
        sizes.map((w, i) => `${w} → ${out[i]}`),
        rank,
      ),
      // As upsample: F.interpolate(size=…) maps positions by in/out.
      field: (rf) =>
        throughUpsample(
          rf,
          out.map((o, i) => o / sizes[i]!),
          smooth,
        ),
    };
  },
};
