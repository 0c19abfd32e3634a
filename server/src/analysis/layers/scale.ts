// scale: ConvNeXt's layer scale, a learned multiplier per channel. Its one tensor is named by the layer itself
// (`layer_scale`, shaped C×1×…×1), as torchvision's nn.Parameter is, not `<layer>.weight`.
import { channels } from "../tensor.js";
import type { LayerKind } from "./kind.js";

export const scale: LayerKind<"scale"> = {
  kind: "scale",
  aliases: ["layerscale"],
  doc:
    "Layer scale (ConvNeXt): multiplies each channel by a learned factor, initially `init`. Its tensor is " +
    "named by the layer itself, shaped C×1×…×1.",
  args: [{ name: "init", type: "number", default: 1e-6, doc: "initial value of every factor" }],
  apply(ctx) {
    const c = channels(ctx.input, ctx.framework);
    return {
      output: ctx.input,
      params: { trainable: c, nonTrainable: 0 },
      macs: 0,
      formula: `same shape: ${ctx.input.join("×")}`,
      paramFormula: `${c} factors, one per channel`,
    };
  },
};
