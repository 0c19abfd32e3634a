// instancenorm: normalises each channel of each sample over its positions (nn.InstanceNorm1d/2d/3d), with a
// learned per-channel scale and shift only when affine (PyTorch's default is without, and without running stats).
import { channels, elements } from "../tensor.js";
import { checkStatisticsSize } from "./groupnorm.js";
import { featureMapRank, noParams, type LayerKind } from "./kind.js";

export const instancenorm: LayerKind<"instancenorm"> = {
  kind: "instancenorm",
  aliases: ["instancenorm1d", "instancenorm2d", "instancenorm3d", "instancenormalization"],
  doc:
    "Instance normalisation: each channel of each sample normalised over its positions (nn.InstanceNorm2d); " +
    "a learned scale and shift per channel only with affine: true.",
  args: [
    { name: "affine", type: "bool", default: false, doc: "learnable per-channel scale and shift (PyTorch: false)" },
    { name: "eps", aliases: ["epsilon"], type: "number", default: 1e-5, doc: "added to the variance" },
  ],
  apply(ctx) {
    if (featureMapRank(ctx) === undefined) return undefined;
    const c = channels(ctx.input, ctx.framework);
    const positions = elements(ctx.input) / c;
    const fix = "apply it before the map shrinks to one position, or use batchnorm, whose statistics span the batch";
    if (!checkStatisticsSize(ctx, positions, "each channel", fix))
      return { output: ctx.input, params: noParams, macs: 0 };
    const affine = ctx.args.bool("affine") ?? false;
    return {
      output: ctx.input,
      params: { trainable: affine ? 2 * c : 0, nonTrainable: 0 },
      macs: 0,
      formula: `same shape: ${ctx.input.join("×")}`,
      paramFormula: affine ? `2·${c} (γ, β) = ${2 * c}` : "0 (affine: false)",
    };
  },
};
