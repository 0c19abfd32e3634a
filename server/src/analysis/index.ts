// analyze(text) → Analysis: the whole analysis of a document, a pure function of its text.
import { parse, type BlockDef, type ModelDef, type Span } from "../../../grammar/index.js";
import { Reporter } from "./diagnostics.js";
import type { Step } from "./program.js";
import { findLayerKind } from "./layers/index.js";
import { readInputs, type ModelInput } from "./model-input.js";
import { reportUnused } from "./outputs.js";
import { recordStep } from "./program.js";
import { inputField } from "./receptive-field.js";
import { ModelState, Scope, type Tensor } from "./scope.js";
import { addToTotals, findOverflow, reportOverflow } from "./size-limits.js";
import { closest } from "./suggest.js";
import { elements, spatial } from "./tensor.js";
import type { Analysis, BlockInfo, Framework, ModelInfo } from "./types.js";
import { defineLabel, walkBody, type WalkContext } from "./walker.js";

export * from "./types.js";
export type * from "./program.js";
export { modelErrors } from "./model-errors.js";
export { Codes } from "./diagnostics.js";

export interface AnalyzeOptions {
  /** The framework of a file without a `framework` line (the editor's setting); pytorch by default. */
  defaultFramework?: Framework;
}

/** Analyses a document. Never throws: every problem becomes a diagnostic and the rest is still analysed. */
export function analyze(text: string, options: AnalyzeOptions = {}): Analysis {
  const { ast, errors } = parse(text);
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
  const modelInfos = models.map((m) => analyzeModel(m, framework, blocks, report));
  const blockInfos = [...blocks.values()].map((b) => checkBlock(b, framework, blocks, report, modelInfos));
  return { framework, models: modelInfos, blocks: blockInfos, diagnostics: report.diagnostics, ast };
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

function analyzeModel(def: ModelDef, framework: Framework, blocks: Map<string, BlockDef>, report: Reporter): ModelInfo {
  const read = readInputs(def.body, framework, report);
  const input = read.inputs[0];
  const state = new ModelState(input?.batch ?? 1);
  const info: ModelInfo = {
    name: def.name.text,
    nameSpan: def.name.span,
    span: def.span,
    framework,
    inputs: [],
    batch: state.batch,
    params: { total: 0, trainable: 0, nonTrainable: 0 },
    macs: 0,
    memory: { input: 0, activations: 0, params: 0 },
    layers: state.layers,
    groups: state.groups,
    labels: state.labels,
    outputs: [],
    graph: state.graph,
  };
  if (!input) {
    report.error(
      "missing-input",
      `model ${def.name.text} has no input` +
        `: start it with input(${framework === "pytorch" ? "3, 224, 224" : "224, 224, 3"})`,
      def.name.span,
    );
  }
  const scope = new Scope("", new Map(), [], []);
  const program: Step[] = [];
  info.program = program;
  const body = def.body.slice(read.inputs.length);
  const ctx: WalkContext = { framework, blocks, report, model: state, steps: program, modelBody: body };
  const starts = read.inputs.map((one, index) => startOf(one, index, state, report, framework));
  const inputOverflow = starts.some((t) => t === undefined);
  info.inputs = read.inputs.map((one) => ({
    name: one.label?.text ?? "input",
    span: one.span,
    ...(one.shape ? { shape: one.shape } : {}),
  }));
  if (input?.shape) info.input = input.shape;
  // Labelled inputs are tensors like any label; the record switches to each one to keep it, then to the first.
  read.inputs.forEach((one, index) => {
    if (!one.label) return;
    recordStep(ctx, { step: "input", index });
    defineLabel(one.label.text, one.label.span, starts[index] ?? {}, scope, ctx);
  });
  if (program.length > 0) recordStep(ctx, { step: "input", index: 0 });
  const output = walkBody(body, starts[0] ?? {}, scope, ctx);
  if (state.outputs.length > 0) {
    info.outputs = state.outputs;
    const first = state.outputs[0]!;
    if (first.shape) info.output = first.shape;
    if (state.outputFields[0]) info.receptiveField = state.outputFields[0];
    if (first.node !== undefined && state.outputs.every((o) => o.node !== undefined)) info.outputNode = first.node;
  } else {
    info.outputs = [{ name: "output", ...(output.shape ? { shape: output.shape } : {}) }];
    if (output.node !== undefined) info.outputs[0]!.node = output.node;
    if (output.shape) info.output = output.shape;
    if (output.field) info.receptiveField = output.field;
    if (output.node !== undefined) info.outputNode = output.node;
  }
  reportUnused(state, report);
  for (const l of state.layers) {
    info.params.trainable += l.params.trainable;
    info.params.nonTrainable += l.params.nonTrainable;
    info.macs += l.macs;
    info.memory.activations += l.memory;
  }
  info.params.total = info.params.trainable + info.params.nonTrainable;
  info.memory.params = info.params.total * 4;
  info.memory.input = inputOverflow
    ? 0
    : read.inputs.reduce((sum, one) => sum + (one.shape ? elements(one.shape) * state.batch * 4 : 0), 0);
  if (state.overflow) info.overflow = state.overflow;
  return info;
}

/**
 * The tensor an input starts with: its shape, a fresh receptive field and its dataflow node; undefined when
 * its values or bytes are past 2^53 − 1 (then the whole model is unknown), empty when its shape is wrong.
 */
function startOf(
  one: ModelInput,
  index: number,
  state: ModelState,
  report: Reporter,
  framework: Framework,
): Tensor | undefined {
  if (!one.shape) return {};
  const figures = { shape: one.shape, batch: state.batch };
  const overflow = findOverflow(figures, state.totals);
  if (overflow) {
    state.overflow ??= reportOverflow(overflow, "input", one.span, report);
    return undefined;
  }
  addToTotals(state.totals, figures);
  const sizes = one.shape.length > 1 ? spatial(one.shape, framework) : [];
  // Fields are counted in the first input's pixels, which global fields span.
  if (index === 0) state.inputSizes = sizes;
  const node = state.addNode(index === 0 ? { id: -1, op: "input" } : { id: -1, op: "input", index });
  return { shape: one.shape, field: inputField(sizes.length), node };
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
