// Reads kernel, stride, dilation and padding of a conv or pool and turns them into per-axis windows.
import type { AxisWindow } from "../geometry.js";
import { samePadding } from "../geometry.js";
import { exact, reportInexactStep } from "../size-limits.js";
import { axisName, spatial } from "../tensor.js";
import type { LayerContext } from "./kind.js";

export interface WindowOptions {
  rank: number;
  /** Pools stride by their kernel unless told otherwise; convs by 1. */
  strideDefaultsToKernel: boolean;
  /** PyTorch pools take padding only in pixels. */
  pool: boolean;
}

export interface ResolvedWindow {
  axes: AxisWindow[];
  /** `same`, `valid` or explicit pixels: Keras size rules apply for the words in keras files. */
  mode: "same" | "valid" | "explicit";
}

/** Per-axis windows, or undefined after reporting what is wrong. */
export function resolveWindow(ctx: LayerContext, opts: WindowOptions): ResolvedWindow | undefined {
  const { args, framework, report } = ctx;
  const kernel = args.axes("kernel", opts.rank);
  const stride = args.has("stride") || !opts.strideDefaultsToKernel ? args.axes("stride", opts.rank) : kernel;
  const dilation = args.axes("dilation", opts.rank) ?? Array<number>(opts.rank).fill(1);
  if (!kernel || !stride || args.unknown) return undefined;
  const sizes = spatial(ctx.input, framework);
  const padWord = args.word("padding");
  const mode: ResolvedWindow["mode"] = padWord === "same" ? "same" : padWord === "valid" ? "valid" : "explicit";
  if (framework === "keras" && mode === "explicit") {
    report.error(
      "argument-value",
      `keras ${ctx.written} takes padding "same" or "valid"` +
        `; for explicit pixels put zeropad(${args.number("padding") ?? "P"}) before it`,
      args.span("padding"),
    );
    return undefined;
  }
  if (framework === "keras" && stride.some((s) => s > 1) && dilation.some((d) => d > 1)) {
    report.error(
      "stride-dilation",
      `keras does not allow strides ${stride.join(", ")} together with dilation_rate ${dilation.join(", ")}` +
        `: one of them must be 1`,
      args.span(args.has("dilation") ? "dilation" : "stride"),
    );
    return undefined;
  }
  if (framework === "pytorch" && mode === "same") {
    if (opts.pool) {
      report.error(
        "argument-value",
        `PyTorch pools take padding in pixels, not "same": write padding: ${Math.floor(kernel[0]! / 2)}`,
        args.span("padding"),
      );
      return undefined;
    }
    if (stride.some((s) => s > 1)) {
      report.error(
        "same-stride",
        `PyTorch does not support padding "same" with stride ${stride.join(", ")}` +
          `: write the padding in pixels (e.g. padding: ${Math.floor((dilation[0]! * (kernel[0]! - 1)) / 2)}` +
          `) or use stride 1`,
        args.span("padding"),
      );
      return undefined;
    }
  }
  const pads = mode === "explicit" ? args.axes("padding", opts.rank) : Array<number>(opts.rank).fill(0);
  if (!pads) return undefined;
  const axes = sizes.map((size, i): AxisWindow => {
    const k = kernel[i]!,
      s = stride[i]!,
      d = dilation[i]!;
    if (mode === "same") {
      // PyTorch's stride-1 `same` and TensorFlow's agree: total D(K−1), the odd pixel after.
      const p = samePadding(size, k, s, d);
      return { size, kernel: k, stride: s, dilation: d, padBefore: p.padBefore, padAfter: p.padAfter };
    }
    return { size, kernel: k, stride: s, dilation: d, padBefore: pads[i]!, padAfter: pads[i]! };
  });
  // The padded input and the dilated kernel enter the size formula: past 2^53 − 1 its result would be rounded.
  for (const [i, a] of axes.entries()) {
    const padded = a.size + a.padBefore + a.padAfter,
      reach = a.dilation * (a.kernel - 1) + 1;
    if (!exact(padded) || !exact(reach)) {
      const what = `${exact(padded) ? "the dilated kernel" : "the padded input"}${onAxis(i, opts.rank)}`;
      const fix = "use a smaller padding, kernel or dilation";
      reportInexactStep(`${what} of ${ctx.written}`, exact(padded) ? reach : padded, fix, args.callSpan, report);
      return undefined;
    }
  }
  return { axes, mode };
}

/**
 * The `inexact-division` information: which input rows (or columns, on the last axis) no window reaches.
 * `fate` finishes the sentence ("never seen by any window", "never pooled").
 */
export function reportDropped(
  ctx: LayerContext,
  axis: AxisWindow,
  i: number,
  rank: number,
  dropped: number,
  fate: string,
): void {
  const unit = rank === 1 || i === rank - 1 ? "column" : "row";
  ctx.report.info(
    "inexact-division",
    `input size ${axis.size}${onAxis(i, rank)} does not fit stride ${axis.stride} evenly` +
      `: the last ${dropped} ${unit}${dropped > 1 ? "s are" : " is"} ${fate}`,
    ctx.args.callSpan,
    undefined,
    { axis: i, dropped },
  );
}

/** "on H", "on W"; omitted for 1-D. */
export function onAxis(i: number, rank: number): string {
  return rank === 1 ? "" : ` on ${axisName(i, rank)}`;
}

/** Joins per-axis formulas, showing one when all axes agree. */
export function joinFormulas(formulas: string[], rank: number): string {
  if (formulas.every((f) => f === formulas[0])) return formulas[0]!;
  return formulas.map((f, i) => `${axisName(i, rank)}: ${f}`).join("\n");
}
