// The walk of one model: from its first statement, or resumed at a statement before an edit from the state an
// earlier walk of the same model kept there (checkpoints). A resumed walk stops as soon as, past the edited
// statements, its state is the one the earlier walk had at the same statement: the rest of the earlier walk is
// then this walk's too (its spans were moved in place with the statements, grammar/reparse.ts). An edit deep in a
// long model walks the statements it changed and those whose state it changed, not all that follow it.
import type { BlockDef, ModelDef } from "../../../grammar/index.js";
import { Reporter } from "./diagnostics.js";
import type { Step } from "./program.js";
import { readInputs, type ModelInput } from "./model-input.js";
import type { Checkpoint, ModelWalk } from "./model-walk.js";
import { reportUnused } from "./outputs.js";
import { recordStep } from "./program.js";
import { inputField } from "./receptive-field.js";
import { ModelState, Scope, type LabelEntry, type Tensor } from "./scope.js";
import { addToTotals, findOverflow, reportOverflow } from "./size-limits.js";
import { elements, spatial } from "./tensor.js";
import type { Framework, ModelInfo } from "./types.js";
import { Join } from "./walk-join.js";
import { defineLabel, walkFrom, type WalkContext } from "./walker.js";

export type { ModelWalk } from "./model-walk.js";

/** Statements between checkpoints: a resumed walk re-walks up to this many statements before the edit. */
const CHECKPOINT_EVERY = 32;

/** Analyses a model from its start; `keep` receives what resuming its walk later needs. */
export function analyzeModel(
  def: ModelDef,
  framework: Framework,
  blocks: Map<string, BlockDef>,
  report: Reporter,
  keep?: (walk: ModelWalk) => void,
): ModelInfo {
  const read = readInputs(def.body, framework, report);
  const input = read.inputs[0];
  const state = new ModelState(input?.batch ?? 1);
  const info = startInfo(
    { name: def.name.text, nameSpan: def.name.span, span: def.span, framework, inputs: [], batch: state.batch },
    state,
  );
  if (!input) {
    report.error(
      "missing-input",
      `model ${def.name.text} has no input` +
        `: start it with input(${framework === "pytorch" ? "3, 224, 224" : "224, 224, 3"})`,
      def.name.span,
    );
  }
  const firstUses: LabelEntry[] = [];
  const scope = new Scope("", new Map(), [], [], undefined, "", false, firstUses);
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
  const walk: ModelWalk | undefined = keep && {
    def,
    info,
    inputs: read.inputs,
    inputOverflow,
    state,
    scope,
    diagnostics: report.diagnostics,
    program,
    firstUses,
    checkpoints: [],
    output: {},
    walked: 0,
  };
  if (walk) ctx.checkpoint = recorder(walk, 0);
  const output = walkFrom(body, 0, starts[0] ?? {}, undefined, scope, ctx);
  if (walk) {
    walk.output = output;
    walk.walked = report.diagnostics.length;
  }
  finishModel(info, state, output, read.inputs, inputOverflow, report);
  if (walk) keep!(walk);
  return info;
}

/**
 * The analysis of `def`, an edited copy of `walk.def` whose statements before `changed` and from `endChanged` on
 * (indices into its body) are the very objects walk.def had, walked again from the last checkpoint before
 * `changed` until its state meets the earlier walk's. The file's diagnostics before this model do not change.
 * Undefined when the edit reached the inputs.
 */
export function resumeModel(
  walk: ModelWalk,
  def: ModelDef,
  changed: number,
  endChanged: number,
  framework: Framework,
  blocks: Map<string, BlockDef>,
  keep: (walk: ModelWalk) => void,
): { info: ModelInfo; report: Reporter; reused: number } | undefined {
  const inputs = walk.inputs.length;
  const at = changed - inputs;
  if (at < 1) return undefined;
  let checkpoint: Checkpoint | undefined;
  for (const c of walk.checkpoints) if (c.index <= at) checkpoint = c;
  if (!checkpoint) return undefined;
  const firstUses = walk.firstUses.slice(0, checkpoint.firstUses);
  const scope = walk.scope.rewound(checkpoint.scope, firstUses, walk.firstUses.slice(checkpoint.firstUses));
  const state = walk.state.rewound(checkpoint.model, walk.scope, scope);
  const report = Reporter.continuing(walk.diagnostics.slice(0, checkpoint.diagnostics));
  const program = walk.program.slice(0, checkpoint.steps);
  const { name, nameSpan, framework: kept, inputs: read, batch, input } = walk.info;
  const info = startInfo({ name, nameSpan, span: def.span, framework: kept, inputs: read, batch }, state);
  if (input) info.input = input;
  info.program = program;
  const body = def.body.slice(inputs);
  const ctx: WalkContext = { framework, blocks, report, model: state, steps: program, modelBody: body };
  const next: ModelWalk = {
    ...walk,
    def,
    info,
    state,
    scope,
    diagnostics: report.diagnostics,
    program,
    firstUses,
    checkpoints: walk.checkpoints.filter((c) => c.index < checkpoint.index),
  };
  const added = def.body.length - walk.def.body.length;
  const join = new Join(walk, next, report, checkpoint, endChanged - inputs, added);
  const record = recorder(next, checkpoint.index);
  ctx.checkpoint = (index, current, previous, scope) =>
    join.meets(index, current, previous, scope) || record(index, current, previous, scope);
  const walked = walkFrom(body, checkpoint.index, checkpoint.current, checkpoint.previous, scope, ctx);
  // A walk that did not meet the earlier one holds every name itself, so that the earlier walk can go.
  if (!join.joined) scope.settle();
  next.output = join.joined ? walk.output : walked;
  next.walked = report.diagnostics.length;
  finishModel(info, state, next.output, walk.inputs, walk.inputOverflow, report);
  keep(next);
  return { info, report, reused: join.reused };
}

/** A model's record before its walk: its header, zero totals, and the state's lists, which the walk fills. */
function startInfo(
  header: Pick<ModelInfo, "name" | "nameSpan" | "span" | "framework" | "inputs" | "batch">,
  state: ModelState,
): ModelInfo {
  // Written out, not spread: V8 gives an object made by a spread and more properties a slower layout, and
  // every feature reads the models (the lens, the status bar and hovers search them by offset).
  return {
    name: header.name,
    nameSpan: header.nameSpan,
    span: header.span,
    framework: header.framework,
    inputs: header.inputs,
    batch: header.batch,
    params: { total: 0, trainable: 0, nonTrainable: 0 },
    macs: 0,
    memory: { input: 0, activations: 0, params: 0 },
    layers: state.layers,
    groups: state.groups,
    labels: state.labels,
    outputs: [],
    graph: state.graph,
  };
}

/** Keeps a checkpoint every CHECKPOINT_EVERY statements from `from` on (the first one always); never stops. */
function recorder(walk: ModelWalk, from: number): NonNullable<WalkContext["checkpoint"]> {
  return (index, current, previous, scope) => {
    if (scope !== walk.scope || ((index - from) % CHECKPOINT_EVERY !== 0 && index !== from)) return false;
    walk.checkpoints.push({
      index,
      current,
      previous,
      model: walk.state.mark(),
      scope: scope.mark(),
      diagnostics: walk.diagnostics.length,
      steps: walk.program.length,
      firstUses: walk.firstUses.length,
    });
    return false;
  };
}

/** The model's results and totals once its body is walked, and the warnings that need the whole walk. */
function finishModel(
  info: ModelInfo,
  state: ModelState,
  output: Tensor,
  inputs: ModelInput[],
  inputOverflow: boolean,
  report: Reporter,
): void {
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
    : inputs.reduce((sum, one) => sum + (one.shape ? elements(one.shape) * state.batch * 4 : 0), 0);
  if (state.overflow) info.overflow = state.overflow;
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
