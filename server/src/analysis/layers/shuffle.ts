// shuffle: ShuffleNet's channel shuffle, which interleaves the channels of `groups` groups (nn.ChannelShuffle).
import { channels } from "../tensor.js";
import { divisorsText } from "./groupnorm.js";
import { featureMapRank, noParams, type LayerKind } from "./kind.js";

export const shuffle: LayerKind<"shuffle"> = {
  kind: "shuffle",
  aliases: ["channelshuffle"],
  doc:
    "Channel shuffle (ShuffleNet): C channels seen as groups×(C/groups), transposed, so that each group's " +
    "channels are spread over all groups (nn.ChannelShuffle).",
  args: [{ name: "groups", type: "count", doc: "number of groups; must divide C" }],
  apply(ctx) {
    const groups = ctx.args.number("groups");
    if (groups === undefined || ctx.args.unknown) return undefined;
    // PyTorch's channel_shuffle needs channels and at least one spatial axis.
    if (featureMapRank(ctx) === undefined) return undefined;
    const c = channels(ctx.input, ctx.framework);
    if (c % groups !== 0) {
      ctx.report.error(
        "groups-mismatch",
        `groups ${groups} does not divide the ${c} channels (PyTorch: number of channels must be divisible by ` +
          `groups): use one of ${divisorsText(c)}`,
        ctx.args.span("groups"),
      );
      return { output: ctx.input, params: noParams, macs: 0 };
    }
    return {
      output: ctx.input,
      params: noParams,
      macs: 0,
      formula: `same shape: ${ctx.input.join("×")}; ${groups} groups of ${c / groups} channels interleaved`,
    };
  },
};
