// What a layer kind provides: its arguments, and from an input shape its output, parameters, MACs and RF.
import type { Args, ArgSpec } from "../arguments.js";
import type { Reporter } from "../diagnostics.js";
import type { Framework, ParamCount, ReceptiveField, Shape } from "../types.js";
import { elements, spatial } from "../tensor.js";
import type { LayerKindName } from "./names.js";

export interface LayerContext {
  framework: Framework;
  input: Shape;
  batch: number;
  args: Args;
  report: Reporter;
  /** The kind as the user wrote it, for messages (`Conv2d`, `conv`). */
  written: string;
  /** Made by the analysis (the projection of `shortcut auto`): information the user cannot act on is left out. */
  generated: boolean;
  /**
   * Set when the input is permuted (see Tensor.order): axis i holds the file layout's axis `order[i]`. Dense on
   * it is meant (ConvNeXt's block), not a missing flatten.
   */
  order: number[] | undefined;
  /** The tensor a label names in this scope (`resize(like: image)`): undefined when there is no such label. */
  lookup(label: string): { shape?: Shape } | undefined;
}

export interface LayerOutcome {
  output: Shape;
  params?: ParamCount;
  macs?: number;
  formula?: string;
  paramFormula?: string;
  /** How the receptive field changes (given the model input's spatial sizes); identity when omitted. */
  field?: (rf: ReceptiveField, modelInput: number[]) => ReceptiveField;
  /** permute only: output axis i is input axis `axes[i]` (sample axes, 0-based), which the walk tracks. */
  axes?: number[];
}

/** One kind's analysis face; `K` is its canonical name, so the registry can check names against kinds. */
export interface LayerKind<K extends string = LayerKindName> {
  kind: K;
  /** Other accepted names, lower case: PyTorch and Keras class names. */
  aliases: string[];
  doc: string;
  args: ArgSpec[];
  /**
   * Whether the layer works on a permuted tensor (its channel axis moved by `permute`): element-wise layers,
   * dense and flatten do; layers that need the channel or spatial axes in place (conv, pools, …) do not.
   */
  acceptsPermuted?: (args: Args) => boolean;
  /** Called only with a known input shape; returns undefined (after reporting) when the output is unknown. */
  apply(ctx: LayerContext): LayerOutcome | undefined;
}

/** Spatial rank of a feature map, or undefined (reported) when the input is flat or too high-ranked. */
export function featureMapRank(ctx: LayerContext): number | undefined {
  const rank = ctx.input.length - 1;
  const layout =
    ctx.framework === "pytorch" ? "(C, L), (C, H, W) or (C, D, H, W)" : "(L, C), (H, W, C) or (D, H, W, C)";
  // `Conv2D`, `MaxPool1d`: a class name with its dimension builds a layer of that rank only (Keras checks
  // the input's ndim, PyTorch the input's dims); the short names (`conv`, `maxpool`) follow the input.
  const stated = /([123])d(?:transpose)?$/i.exec(ctx.written)?.[1];
  if (stated !== undefined && rank >= 1 && Number(stated) !== rank) {
    const fix = rank <= 3 ? `write ${ctx.written.replace(/[123](?=d(?:transpose)?$)/i, String(rank))}, or ` : "";
    const has = `its input ${ctx.input.join("×")} has ${rank} spatial ${rank === 1 ? "axis" : "axes"}`;
    const message = `${ctx.written} needs a ${stated}-D feature map, but ${has}: ${fix}`;
    const short = "use the name without a dimension (conv, maxpool, …), which follows the input";
    ctx.report.error("input-rank", `${message}${short}`, ctx.args.callSpan);
    return undefined;
  }
  if (rank >= 1 && rank <= 3) return rank;
  ctx.report.error(
    "input-rank",
    `${ctx.written} needs a feature map ${layout}, but its input is ${ctx.input.join("×")}` +
      `${rank === 0 ? " (flat): remove the flatten before it, or use dense" : ""}`,
    ctx.args.callSpan,
  );
  return undefined;
}

export const noParams: ParamCount = { trainable: 0, nonTrainable: 0 };

/** A layer that keeps its input's shape and has no parameters (activations, dropout, identity). */
export function sameShapeOutcome(ctx: LayerContext): LayerOutcome {
  // Shapes are never mutated once made, so the input's array can be shared.
  return { output: ctx.input, params: noParams, macs: 0 };
}

/** Multiply-accumulates over the whole batch. */
export function batchElements(shape: Shape, batch: number): number {
  return elements(shape) * batch;
}

export { spatial };
