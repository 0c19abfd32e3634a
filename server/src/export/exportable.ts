// What both code writers share: refusing files with errors, choosing models, catching refusals.
import { lineOfOffset } from "./source-lines.js";
import type { Analysis } from "../analysis/types.js";
import { lowerFile, type LoweredFile } from "./lower-file.js";
import { Refusal, type LayerFact } from "./lower-context.js";

/** Generated code, what the user should know about it, and why nothing was generated (if so). */
export interface ExportResult {
  /** The Python source; empty when `errors` is not. */
  code: string;
  /** Choices the writer made that change how the code looks (explicit padding, moved axes, …). */
  notes: string[];
  /** Why the file cannot be exported exactly; the code is then empty. */
  errors: string[];
}

/** Which models to write, and the file name for the header comment. */
export interface ExportOptions {
  /** Only this model (default: every model of the file). */
  model?: string;
  /** The .cnn file's name, for the header comment. */
  fileName?: string;
}

/**
 * Lowers the analysis for a writer and runs it. A file with errors, an unknown model and anything the
 * target cannot express exactly give `errors` and no code: the export never writes approximate code.
 */
export function runExport(
  analysis: Analysis,
  text: string,
  options: ExportOptions,
  fact: LayerFact,
  write: (file: LoweredFile) => { code: string; notes: string[] },
): ExportResult {
  const problems = analysis.diagnostics.filter((d) => d.severity === "error");
  if (problems.length > 0) {
    // One refusal, said once, then each error where it is (the editor shows them too; `cnnlens check` lists them).
    const count = problems.length === 1 ? "an error" : `${problems.length} errors`;
    return fail([
      `the file has ${count}, so it is not exported; fix ${problems.length === 1 ? "it" : "them"} first`,
      ...problems.map((d) => `line ${lineOfOffset(text, d.span.start) + 1}: ${d.message} [${d.code}]`),
    ]);
  }
  const selected =
    options.model === undefined
      ? analysis
      : { ...analysis, models: analysis.models.filter((m) => m.name === options.model) };
  if (selected.models.length === 0) {
    return fail([
      options.model === undefined
        ? "the file defines no model"
        : `no model '${options.model}' (models: ${analysis.models.map((m) => m.name).join(", ") || "none"})`,
    ]);
  }
  try {
    return { ...write(lowerFile(selected, fact)), errors: [] };
  } catch (e) {
    if (e instanceof Refusal) return fail([e.message]);
    throw e;
  }
}

function fail(errors: string[]): ExportResult {
  return { code: "", notes: [], errors };
}
