// The errors inside one model's text: what the code lens, the status bar and the simulation refuse on.
import type { Analysis, Diagnostic, ModelInfo } from "./types.js";

/** Each analysis' error indices sorted by start, made once: asked for every model, a filter would be quadratic. */
const errorsByStart = new WeakMap<Analysis, number[]>();

/** The error diagnostics whose range lies in `model`'s definition, in the analysis' order. */
export function modelErrors(analysis: Analysis, model: ModelInfo): Diagnostic[] {
  const all = analysis.diagnostics;
  let sorted = errorsByStart.get(analysis);
  if (!sorted) {
    sorted = all
      .flatMap((d, i) => (d.severity === "error" ? [i] : []))
      .sort((a, b) => all[a]!.span.start - all[b]!.span.start || a - b);
    errorsByStart.set(analysis, sorted);
  }
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (all[sorted[mid]!]!.span.start < model.span.start) lo = mid + 1;
    else hi = mid;
  }
  const inside: number[] = [];
  for (let i = lo; i < sorted.length && all[sorted[i]!]!.span.start <= model.span.end; i++) {
    if (all[sorted[i]!]!.span.end <= model.span.end) inside.push(sorted[i]!);
  }
  return inside.sort((a, b) => a - b).map((i) => all[i]!);
}
