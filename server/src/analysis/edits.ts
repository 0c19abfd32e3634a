// reanalyze(previous, previousText, text): analyze(text), made from the analysis of the text before an edit when
// the edit lies inside the body of the file's last model: the statements before the edit keep their parse, the
// walk resumes at the last checkpoint before them, and it stops where its state meets the earlier walk's again,
// taking over the rest of that walk (model.ts). Anything else is analysed whole. The result is equal to
// analyze(text) in every case (test/unit/incremental.test.ts edits every example and fixture). The analysis
// before the edit is used up: its later statements and records become the new analysis' own, moved in place.
import { parse, reparse } from "../../../grammar/index.js";
import { analyzeParsed, checkBlocks, editBaseOf, keepForEdits, type AnalyzeOptions } from "./file.js";
import { resumeModel, type ModelWalk } from "./model.js";
import type { Analysis } from "./types.js";

/** The analyses that resumed an earlier walk, with how many statements' record they took over from it. */
const resumed = new WeakMap<Analysis, number>();

/**
 * The analysis of `text`, an edit of `previousText` whose analysis (with the same options) is `previous`, which
 * must not be read afterwards (its spans after the edit may have moved).
 */
export function reanalyze(
  previous: Analysis,
  previousText: string,
  text: string,
  options: AnalyzeOptions = {},
): Analysis {
  const base = editBaseOf(previous);
  const sameOptions = base?.options.defaultFramework === options.defaultFramework;
  const walk = base?.walk;
  const reparsed = base && sameOptions && walk ? reparse(base.parsed, previousText, text) : undefined;
  if (!base || !walk || !reparsed) return analyzeParsed(reparsed ?? parse(text), options);
  const definitions = reparsed.ast.definitions;
  const def = definitions[definitions.length - 1];
  if (def?.kind !== "model") return analyzeParsed(reparsed, options);
  let next: ModelWalk | undefined;
  const done = resumeModel(
    walk,
    def,
    reparsed.firstChanged,
    reparsed.endChanged,
    previous.framework,
    base.blocks,
    (w) => (next = w),
  );
  if (!done) return analyzeParsed(reparsed, options);
  const models = [...previous.models.slice(0, -1), done.info];
  const blocks = checkBlocks(base.blocks, previous.framework, done.report, models);
  const analysis: Analysis = {
    framework: previous.framework,
    models,
    blocks,
    diagnostics: done.report.diagnostics,
    ast: reparsed.ast,
  };
  keepForEdits(analysis, { parsed: reparsed, options, blocks: base.blocks, walk: next });
  resumed.set(analysis, done.reused);
  return analysis;
}

/** Whether an analysis resumed an earlier walk (for tests and benchmarks, which must see the fast path taken). */
export function wasResumed(analysis: Analysis): boolean {
  return resumed.has(analysis);
}

/**
 * How many statements after the edit an analysis took from the earlier walk without walking them (its state met
 * the earlier walk's there): 0 when it walked to the end. For tests and benchmarks, like wasResumed.
 */
export function statementsReused(analysis: Analysis): number {
  return resumed.get(analysis) ?? 0;
}
