// The analysis of a parsed document: its framework, its definitions, each model walked and each block checked.
import type { BlockDef, ModelDef, ParseResult, Span } from "../../../grammar/index.js";
import { Reporter } from "./diagnostics.js";
import { findLayerKind } from "./layers/index.js";
import { analyzeModel, type ModelWalk } from "./model.js";
import { reportUnused } from "./outputs.js";
import { ModelState, Scope } from "./scope.js";
import { closest } from "./suggest.js";
import type { Analysis, BlockInfo, Framework, ModelInfo } from "./types.js";
import { walkBody } from "./walker.js";

export interface AnalyzeOptions {
  /** The framework of a file without a `framework` line (the editor's setting); pytorch by default. */
  defaultFramework?: Framework;
}

/** What an analysis keeps for the analysis of the next edit of its text (edits.ts). */
export interface EditBase {
  parsed: ParseResult;
  options: AnalyzeOptions;
  blocks: Map<string, BlockDef>;
  /** The walk of the file's last definition, when that is a model that was walked. */
  walk: ModelWalk | undefined;
}

const editBases = new WeakMap<Analysis, EditBase>();

export function keepForEdits(analysis: Analysis, base: EditBase): void {
  editBases.set(analysis, base);
}

export function editBaseOf(analysis: Analysis): EditBase | undefined {
  return editBases.get(analysis);
}

/**
 * Analyses a parsed document. Never throws: every problem becomes a diagnostic and the rest is still analysed.
 * What a later edit of the file's last model needs (edits.ts) is kept beside the result.
 */
export function analyzeParsed(parsed: ParseResult, options: AnalyzeOptions): Analysis {
  const { ast, errors } = parsed;
  const report = new Reporter();
  for (const e of errors) report.error(e.code, e.message, e.span);
  const framework = readFramework(ast.definitions, report, options.defaultFramework ?? "pytorch");
  const blocks = new Map<string, BlockDef>();
  const modelNames = new Map<string, Span>();
  const models: ModelDef[] = [];
  for (const def of ast.definitions) {
    if (def.kind === "framework" || !def.name.text) continue;
    const taken = def.kind === "block" ? blocks.get(def.name.text)?.name.span : modelNames.get(def.name.text);
    if (taken) {
      report.error(
        "duplicate-definition",
        `${def.kind} ${def.name.text} is already defined: rename one of them`,
        def.name.span,
        [{ span: taken, message: "first defined here" }],
      );
      continue;
    }
    if (def.kind === "block") {
      const hidden = findLayerKind(def.name.text);
      // The block wins in its file (every use of it works); the warning says which layer it hides.
      if (hidden)
        report.warning(
          "block-hides-layer",
          `block ${def.name.text} has the name of the layer kind '${hidden.kind}': in this file ` +
            `${def.name.text}(…) uses the block, never the layer; rename the block to use both`,
          def.name.span,
        );
      blocks.set(def.name.text, def);
    } else {
      modelNames.set(def.name.text, def.name.span);
      models.push(def);
    }
  }
  const last = ast.definitions[ast.definitions.length - 1];
  let walk: ModelWalk | undefined;
  const modelInfos = models.map((m) =>
    analyzeModel(m, framework, blocks, report, m === last ? (kept) => (walk = kept) : undefined),
  );
  const blockInfos = checkBlocks(blocks, framework, report, modelInfos);
  const analysis: Analysis = {
    framework,
    models: modelInfos,
    blocks: blockInfos,
    diagnostics: report.diagnostics,
    ast,
  };
  keepForEdits(analysis, { parsed, options, blocks, walk });
  return analysis;
}

function readFramework(defs: Analysis["ast"]["definitions"], report: Reporter, fallback: Framework): Framework {
  let framework: Framework = fallback;
  let seen: Span | undefined;
  let sawDefinition = false;
  for (const def of defs) {
    if (def.kind !== "framework") {
      sawDefinition = true;
      continue;
    }
    const word = def.value.text.toLowerCase();
    if (seen)
      report.error("framework", "the framework is already set above: keep one framework line", def.span, [
        { span: seen, message: "set here" },
      ]);
    else if (word !== "pytorch" && word !== "keras") {
      const guess = closest(word, ["pytorch", "keras"]);
      report.error(
        "framework",
        `unknown framework '${def.value.text}'` +
          `: write framework pytorch or framework keras` +
          `${guess ? ` (did you mean '${guess}'?)` : ""}`,
        def.value.text ? def.value.span : def.span,
        undefined,
        guess ? { suggestion: guess } : undefined,
      );
    } else {
      if (sawDefinition)
        report.warning("framework", "the framework line applies to the whole file: move it to the top", def.span);
      framework = word;
    }
    seen ??= def.span;
  }
  return framework;
}

/** Checks every block (see checkBlock), in the order they are defined. */
export function checkBlocks(
  blocks: Map<string, BlockDef>,
  framework: Framework,
  report: Reporter,
  models: ModelInfo[],
): BlockInfo[] {
  return [...blocks.values()].map((b) => checkBlock(b, framework, blocks, report, models));
}

/**
 * Walks each block once on an unknown input so that mistakes that need no shapes (an unknown layer, a bad
 * argument) are reported even in a block no model uses.
 */
function checkBlock(
  def: BlockDef,
  framework: Framework,
  blocks: Map<string, BlockDef>,
  report: Reporter,
  models: ModelInfo[],
): BlockInfo {
  const env = new Map(def.params.map((p) => [p.name.text, undefined]));
  const scope = new Scope(`${def.name.text}.`, env, [], [def.name.text]);
  const state = new ModelState(1);
  walkBody(def.body, {}, scope, { framework, blocks, report, model: state, shallow: true });
  reportUnused(state, report);
  const uses = new Map<number, Span>();
  for (const m of models) for (const g of m.groups) if (g.definition === def.name.text) uses.set(g.span.start, g.span);
  return {
    name: def.name.text,
    nameSpan: def.name.span,
    span: def.span,
    params: def.params.map((p) => ({ name: p.name.text, span: p.name.span })),
    uses: [...uses.values()].sort((a, b) => a.start - b.start),
  };
}
