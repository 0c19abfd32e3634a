// maxpool and avgpool: PyTorch's ceil_mode with its last-window rule, Keras' same/valid.
import type { ArgSpec } from "../arguments.js";
import { windowOutput } from "../geometry.js";
import { throughWindow } from "../receptive-field.js";
import { channels, makeShape } from "../tensor.js";
import { featureMapRank, noParams, type LayerContext, type LayerKind, type LayerOutcome } from "./kind.js";
import { joinFormulas, onAxis, reportDropped, resolveWindow } from "./window-args.js";

function poolArgs(max: boolean): ArgSpec[] {
  const specs: ArgSpec[] = [
    {
      name: "kernel",
      aliases: ["kernel_size", "pool_size", "k"],
      type: "axes",
      default: (fw) => (fw === "keras" ? 2 : undefined),
      doc: "window size",
    },
    {
      name: "stride",
      aliases: ["strides", "s"],
      type: "axes",
      optional: true,
      doc: "step between windows (default: the window size)",
    },
    {
      name: "padding",
      aliases: ["pad", "p"],
      type: "padding",
      default: (fw) => (fw === "pytorch" ? 0 : "valid"),
      doc: "pixels added on each side (pytorch, at most half the window), or same / valid (keras)",
    },
  ];
  if (max)
    specs.push({
      name: "dilation",
      aliases: ["dilation_rate", "d"],
      type: "axes",
      default: 1,
      doc: "spacing between window elements",
    });
  specs.push({ name: "ceil_mode", type: "bool", default: false, doc: "round the output size up instead of down" });
  if (!max)
    specs.push({ name: "count_include_pad", type: "bool", default: true, doc: "count padded zeros in the average" });
  return specs;
}

function applyPool(ctx: LayerContext, max: boolean): LayerOutcome | undefined {
  const rank = featureMapRank(ctx);
  if (rank === undefined) return undefined;
  // PyTorch requires the kernel (`MaxPool2d(kernel_size)`); only keras defaults it to 2.
  if (ctx.framework === "pytorch" && !ctx.args.has("kernel")) {
    ctx.report.error(
      "argument-count",
      `${ctx.written} needs kernel (the window size): write ${ctx.written}(2)`,
      ctx.args.callSpan,
    );
    return undefined;
  }
  const window = resolveWindow(ctx, { rank, strideDefaultsToKernel: true, pool: true });
  if (!window) return undefined;
  const ceil = ctx.framework === "pytorch" && (ctx.args.bool("ceil_mode") ?? false);
  const sizes: number[] = [];
  const formulas: string[] = [];
  for (const [i, a] of window.axes.entries()) {
    if (ctx.framework === "pytorch" && a.padBefore > Math.floor(a.kernel / 2)) {
      ctx.report.error(
        "pool-padding",
        `padding ${a.padBefore} is more than half the window ${a.kernel}${onAxis(i, rank)}` +
          `: PyTorch allows at most ${Math.floor(a.kernel / 2)}`,
        ctx.args.span("padding"),
      );
      return undefined;
    }
    // PyTorch's avg_pool3d (alone among its pools, in every mode) wants each window inside the unpadded input.
    if (ctx.framework === "pytorch" && !max && rank === 3 && a.kernel > a.size) {
      ctx.report.error(
        "kernel-too-large",
        `the window ${a.kernel} is larger than the input ${a.size}${onAxis(i, rank)}` +
          `: PyTorch's AvgPool3d refuses a window larger than the unpadded input, whatever the padding` +
          `; use a window of at most ${a.size} on that axis`,
        ctx.args.span("kernel"),
      );
      return undefined;
    }
    const r = windowOutput(a, ceil);
    if (r.out <= 0) {
      const padded = a.size + a.padBefore + a.padAfter;
      ctx.report.error(
        "output-size",
        `output size ${r.out}${onAxis(i, rank)}: the window ${a.kernel}` +
          `${a.dilation > 1 ? ` (dilated to ${a.dilation * (a.kernel - 1) + 1})` : ""}` +
          ` does not fit in the padded input ${padded} (${r.formula})` +
          `; use a smaller window` +
          `${ctx.framework === "keras" ? " or padding: same" : ", padding or ceil_mode: true"}`,
        ctx.args.span("kernel"),
      );
      return undefined;
    }
    if (r.dropped > 0) {
      reportDropped(
        ctx,
        a,
        i,
        rank,
        r.dropped,
        `never pooled${ctx.framework === "pytorch" ? " (ceil_mode: true would keep them)" : ""}`,
      );
    }
    sizes.push(r.out);
    formulas.push(r.formula);
  }
  return {
    output: makeShape(channels(ctx.input, ctx.framework), sizes, ctx.framework),
    params: noParams,
    macs: 0,
    formula: joinFormulas(formulas, rank),
    field: (rf) =>
      throughWindow(rf, {
        kernel: window.axes.map((a) => a.kernel),
        stride: window.axes.map((a) => a.stride),
        dilation: window.axes.map((a) => (max ? a.dilation : 1)),
        padBefore: window.axes.map((a) => a.padBefore),
      }),
  };
}

export const maxpool: LayerKind<"maxpool"> = {
  kind: "maxpool",
  aliases: ["maxpool1d", "maxpool2d", "maxpool3d", "maxpooling1d", "maxpooling2d", "maxpooling3d", "maxpooling"],
  doc: "Max pooling (nn.MaxPool2d / keras MaxPooling2D): the largest value in each window.",
  args: poolArgs(true),
  apply: (ctx) => applyPool(ctx, true),
};

export const avgpool: LayerKind<"avgpool"> = {
  kind: "avgpool",
  aliases: [
    "avgpool1d",
    "avgpool2d",
    "avgpool3d",
    "averagepooling1d",
    "averagepooling2d",
    "averagepooling3d",
    "averagepooling",
  ],
  doc: "Average pooling (nn.AvgPool2d / keras AveragePooling2D): the mean of each window.",
  args: poolArgs(false),
  apply: (ctx) => applyPool(ctx, false),
};
