// analyze(text) → Analysis: the whole analysis of a document, a pure function of its text; reanalyze gives the
// same result for an edited text, faster when the edit lies in the file's last model.
import { parse } from "../../../grammar/index.js";
import { analyzeParsed, type AnalyzeOptions } from "./file.js";
import type { Analysis } from "./types.js";

export * from "./types.js";
export type * from "./program.js";
export { modelErrors } from "./model-errors.js";
export { Codes } from "./diagnostics.js";
export type { AnalyzeOptions } from "./file.js";
export { reanalyze, statementsReused, wasResumed } from "./edits.js";

/** Analyses a document. Never throws: every problem becomes a diagnostic and the rest is still analysed. */
export function analyze(text: string, options: AnalyzeOptions = {}): Analysis {
  return analyzeParsed(parse(text), options);
}
