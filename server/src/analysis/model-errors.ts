// The errors inside one model's text: what the code lens, the status bar and the simulation refuse on.
import type { Analysis, Diagnostic, ModelInfo } from "./types.js";

/** The error diagnostics whose range lies in `model`'s definition. */
export function modelErrors(analysis: Analysis, model: ModelInfo): Diagnostic[] {
  return analysis.diagnostics.filter((d) => d.severity === "error" && d.span.start >= model.span.start && d.span.end <= model.span.end);
}
