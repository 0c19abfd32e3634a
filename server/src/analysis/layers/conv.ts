// conv: Conv1d/2d/3d and Conv1D/2D/3D, with PyTorch's explicit padding and Keras' same/valid.
import type { ArgSpec } from "../arguments.js";
import { windowOutput, type AxisWindow } from "../geometry.js";
import type { ReceptiveField } from "../types.js";
import { throughWindow } from "../receptive-field.js";
import { channels, makeShape } from "../tensor.js";
import { batchElements, featureMapRank, type LayerContext, type LayerKind, type LayerOutcome } from "./kind.js";
import { joinFormulas, onAxis, reportDropped, resolveWindow } from "./window-args.js";

export const convArgs: ArgSpec[] = [
  { name: "out_channels", aliases: ["filters", "out"], type: "count", doc: "number of output channels (filters)" },
  {
    name: "kernel",
    aliases: ["kernel_size", "k"],
    type: "axes",
    doc: "kernel size, one number or one per spatial axis",
  },
  { name: "stride", aliases: ["strides", "s"], type: "axes", default: 1, doc: "step between windows" },
  {
    name: "padding",
    aliases: ["pad", "p"],
    type: "padding",
    default: (fw) => (fw === "pytorch" ? 0 : "valid"),
    doc: "pixels added on each side, or same / valid",
  },
  {
    name: "dilation",
    aliases: ["dilation_rate", "d"],
    type: "axes",
    default: 1,
    doc: "spacing between kernel elements",
  },
  {
    name: "groups",
    type: "count",
    default: 1,
    doc: "blocked connections from input to output channels (depthwise: groups = channels)",
  },
  { name: "bias", aliases: ["use_bias"], type: "bool", default: true, doc: "whether the layer adds a learnable bias" },
];

/** Checks that groups divide both channel counts, as PyTorch does when it builds the layer. */
export function checkGroups(ctx: LayerContext, cin: number, cout: number): boolean {
  const groups = ctx.args.number("groups") ?? 1;
  for (const [what, n] of [
    ["input", cin],
    ["output", cout],
  ] as const) {
    if (n % groups !== 0) {
      ctx.report.error(
        "groups-mismatch",
        `groups ${groups} does not divide the ${n} ${what} channels: use a divisor of ${n}`,
        ctx.args.span("groups"),
      );
      return false;
    }
  }
  return true;
}

export const conv: LayerKind<"conv"> = {
  kind: "conv",
  aliases: ["conv1d", "conv2d", "conv3d", "convolution", "convolution1d", "convolution2d", "convolution3d"],
  doc: "Convolution (nn.Conv2d / keras Conv2D): each output channel is a learned filter slid over the input.",
  args: convArgs,
  apply(ctx): LayerOutcome | undefined {
    const rank = featureMapRank(ctx);
    if (rank === undefined) return undefined;
    const window = resolveWindow(ctx, { rank, strideDefaultsToKernel: false, pool: false });
    const cout = ctx.args.number("out_channels");
    if (!window || cout === undefined) return undefined;
    const cin = channels(ctx.input, ctx.framework);
    // Recovery: with groups that do not divide the channels the shape is still known, the weights are not.
    const groupsFit = checkGroups(ctx, cin, cout);
    const groups = ctx.args.number("groups") ?? 1;
    const sizes: number[] = [];
    const formulas: string[] = [];
    for (const [i, a] of window.axes.entries()) {
      const padded = a.size + a.padBefore + a.padAfter;
      const eff = a.dilation * (a.kernel - 1) + 1;
      if (padded < eff) {
        const effText = a.dilation > 1 ? ` (dilated to ${eff})` : "";
        ctx.report.error(
          "kernel-too-large",
          `kernel ${a.kernel}${effText} is larger than the padded input ${padded}${onAxis(i, rank)}` +
            `: use a kernel ≤ ${padded}` +
            `${window.mode === "explicit" ? " or more padding" : ", or padding: same"}`,
          ctx.args.span("kernel"),
        );
        return undefined;
      }
      const r = windowOutput(a);
      if (r.dropped > 0 && !ctx.generated) {
        reportDropped(ctx, a, i, rank, r.dropped, "never seen by any window");
      }
      sizes.push(r.out);
      formulas.push(r.formula);
    }
    const kernelVolume = window.axes.reduce((p, a) => p * a.kernel, 1);
    const bias = ctx.args.bool("bias") ?? true;
    const weights = kernelVolume * (cin / groups) * cout;
    const params = weights + (bias ? cout : 0);
    const output = makeShape(cout, sizes, ctx.framework);
    const kernelText = window.axes.map((a) => a.kernel).join("·");
    if (!groupsFit) return { output, formula: joinFormulas(formulas, rank), field: fieldOf(window.axes) };
    return {
      output,
      params: { trainable: params, nonTrainable: 0 },
      macs: batchElements(output, ctx.batch) * (cin / groups) * kernelVolume,
      formula: joinFormulas(formulas, rank),
      paramFormula:
        `${kernelText}·${groups === 1 ? cin : `(${cin}/${groups})`}·${cout}` +
        `${bias ? ` + ${cout}` : ""} = ${params}`,
      field: fieldOf(window.axes),
    };
  },
};

function fieldOf(axes: AxisWindow[]) {
  return (rf: ReceptiveField) =>
    throughWindow(rf, {
      kernel: axes.map((a) => a.kernel),
      stride: axes.map((a) => a.stride),
      dilation: axes.map((a) => a.dilation),
      padBefore: axes.map((a) => a.padBefore),
    });
}
