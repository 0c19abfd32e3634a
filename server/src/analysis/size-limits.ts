// Counts that stay exact: sizes, parameters, MACs and memory beyond 2^53 − 1 (or infinite) become a diagnostic.
import type { Span } from "../../../grammar/index.js";
import type { Reporter } from "./diagnostics.js";
import { elements } from "./tensor.js";
import type { ParamCount, ReceptiveField, Shape, SizeOverflow } from "./types.js";

/** Every figure of the analysis is a whole number; past this one a float64 can no longer count by ones. */
export const MAX_EXACT = Number.MAX_SAFE_INTEGER;

/** Bytes per value of an activation (float32), as the memory figures count them. */
const BYTES = 4;

/** Running totals of one model, checked after each layer so that the model's sums stay exact too. */
export interface RunningTotals {
  params: number;
  macs: number;
  /** Input, every layer's output and the parameters (float32), as the summary's estimated total size adds them. */
  memory: number;
}

/** What one layer (or merge, or the input) adds: its output, and its own parameters and MACs. */
export interface Figures {
  shape: Shape;
  batch: number;
  params?: ParamCount;
  macs?: number;
}

/** Whether `n` is a number the analysis can count with exactly (finite, within ±(2^53 − 1)). */
export const exact = (n: number) => Number.isFinite(n) && Math.abs(n) <= MAX_EXACT;

/**
 * A size inside a formula (the padded input, the dilated kernel, (W − 1)·S) past 2^53 − 1: the output it
 * gives would be rounded, so the layer's output is unknown. Reported as a `size-overflow` error on `span`.
 */
export function reportInexactStep(what: string, value: number, fix: string, span: Span, report: Reporter): void {
  report.error(
    "size-overflow",
    `${what} reaches ${approximately(value)}, past 2^53 − 1 (${MAX_EXACT}), beyond which ` +
      `whole numbers are not exact: ${fix}`,
    span,
    undefined,
    { quantity: "size", total: false },
  );
}

/** What `findOverflow` finds: which figure, whether it is a model total, and its (inexact) value. */
export type Overflow = Pick<SizeOverflow, "quantity" | "total" | "value">;

/** The first figure of a tensor that is not exact: one of its sizes, its value count (whole batch), its memory. */
export function shapeOverflow(shape: Shape, batch: number): Overflow | undefined {
  for (const d of shape) if (!exact(d)) return { quantity: "size", total: false, value: d };
  const values = elements(shape) * batch;
  if (!exact(values)) return { quantity: "values", total: false, value: values };
  if (!exact(values * BYTES)) return { quantity: "memory", total: false, value: values * BYTES };
  return undefined;
}

/**
 * The first figure of a layer that is not exact: its output (as `shapeOverflow`), its parameters, its MACs,
 * then the model's running totals with this layer added. Undefined when all are exact.
 */
export function findOverflow(f: Figures, totals: RunningTotals): Overflow | undefined {
  const shape = shapeOverflow(f.shape, f.batch);
  if (shape) return shape;
  const params = f.params ? f.params.trainable + f.params.nonTrainable : 0;
  const macs = f.macs ?? 0;
  if (!exact(params)) return { quantity: "params", total: false, value: params };
  if (!exact(macs)) return { quantity: "macs", total: false, value: macs };
  // Checked one by one rather than from a list: this runs for every layer, and the list was garbage.
  const paramSum = totals.params + params;
  if (!exact(paramSum)) return { quantity: "params", total: true, value: paramSum };
  const macSum = totals.macs + macs;
  if (!exact(macSum)) return { quantity: "macs", total: true, value: macSum };
  const memorySum = totals.memory + elements(f.shape) * f.batch * BYTES + params * BYTES;
  if (!exact(memorySum)) return { quantity: "memory", total: true, value: memorySum };
  return undefined;
}

/** Adds an exact layer's figures to the running totals. */
export function addToTotals(totals: RunningTotals, f: Figures): void {
  const params = f.params ? f.params.trainable + f.params.nonTrainable : 0;
  totals.params += params;
  totals.macs += f.macs ?? 0;
  totals.memory += elements(f.shape) * f.batch * BYTES + params * BYTES;
}

const what: Record<SizeOverflow["quantity"], [subject: string, fix: string]> = {
  size: ["an output size", "use smaller upsampling, padding or concatenations, or fewer repeats"],
  values: ["the number of values (whole batch)", "use a smaller input or batch, fewer channels, or fewer repeats"],
  memory: ["the activation memory in bytes", "use a smaller input or batch, fewer channels, or fewer repeats"],
  params: ["the parameter count", "use fewer channels or units, or flatten a smaller tensor"],
  macs: ["the multiply-accumulate count (MACs)", "use a smaller input or batch, or fewer channels"],
};

const totals: Record<SizeOverflow["quantity"], string> = {
  size: "size",
  values: "values",
  memory: "memory (input, activations and parameters) in bytes",
  params: "parameter count",
  macs: "MACs",
};

/** Reports an overflow as a `size-overflow` error on `span` and returns it, complete, for the model. */
export function reportOverflow(found: Overflow, where: string, span: Span, report: Reporter): SizeOverflow {
  const [subject, fix] = what[found.quantity];
  const place = where === "input" || where === "concat" ? `this ${where}` : where;
  const head = found.total
    ? `the model's total ${totals[found.quantity]}, with ${place} added,`
    : `${subject} of ${place}`;
  const advice = found.total ? "use fewer or smaller layers" : fix;
  const message =
    `${head} reaches ${approximately(found.value)}, past 2^53 − 1 (${MAX_EXACT}), beyond which ` +
    `whole numbers are not exact: ${advice}; the shapes after it are unknown`;
  report.error("size-overflow", message, span, undefined, { quantity: found.quantity, total: found.total });
  return { ...found, where, span, message };
}

/** The value a receptive field cannot hold (infinite, beyond 2^53 − 1, or a jump that vanished), if any. */
export function fieldOverflow(rf: ReceptiveField): { part: "size" | "jump" | "start"; value: number } | undefined {
  for (const value of rf.size) if (!exact(value)) return { part: "size", value };
  // A jump of 0 can only come from underflow: no finite stack of layers shrinks the step to nothing.
  for (const value of rf.jump) if (!exact(value) || value <= 0) return { part: "jump", value };
  for (const value of rf.start) if (!exact(value)) return { part: "start", value };
  return undefined;
}

/** `about 2.00e16`, or `infinity` (a count past 1.8e308). */
export function approximately(n: number): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? "an undefined value" : "infinity (more than 1.8e308)";
  return `about ${n.toExponential(2).replace("e+", "e")}`;
}
