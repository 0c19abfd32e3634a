// The walk of one model: from its first statement, or resumed at a statement before an edit from the state an
// earlier walk of the same model kept there (checkpoints). A resumed walk stops as soon as, past the edited
// statements, its state is the one the earlier walk had at the same statement: the rest of the earlier walk is
// then this walk's too (its spans were moved in place with the statements, grammar/reparse.ts). An edit deep in a
// long model walks the statements it changed and those whose state it changed, not all that follow it.
import type { BlockDef, ModelDef, Span, Statement } from "../../../grammar/index.js";
import { Reporter } from "./diagnostics.js";
import type { SaveStep, Step } from "./program.js";
import { readInputs, type ModelInput } from "./model-input.js";
import { reportUnused } from "./outputs.js";
import { recordStep, replaceSaves } from "./program.js";
import { inputField } from "./receptive-field.js";
import {
  ModelState,
  Scope,
  type LabelEntry,
  type ModelMark,
  type NameClaim,
  type ScopeMark,
  type Tensor,
} from "./scope.js";
import { addToTotals, findOverflow, reportOverflow, type RunningTotals } from "./size-limits.js";
import { elements, spatial } from "./tensor.js";
import type { Diagnostic, Framework, ModelInfo } from "./types.js";
import { defineLabel, walkFrom, type WalkContext } from "./walker.js";

/** Statements between checkpoints: a resumed walk re-walks up to this many statements before the edit. */
const CHECKPOINT_EVERY = 32;

/** The walk's state before one statement of the model's body: what resuming there starts from. */
interface Checkpoint {
  /** The statement's index in the walked body (the model's body after its inputs). */
  index: number;
  current: Tensor;
  previous: Statement | undefined;
  model: ModelMark;
  scope: ScopeMark;
  diagnostics: number;
  steps: number;
  firstUses: number;
}

/** What a finished walk of a model keeps for resuming it: its state objects and the checkpoints into them. */
export interface ModelWalk {
  def: ModelDef;
  info: ModelInfo;
  inputs: ModelInput[];
  inputOverflow: boolean;
  state: ModelState;
  scope: Scope;
  /** Every diagnostic of the file up to the end of this walk, in order (the reporter's list). */
  diagnostics: readonly Diagnostic[];
  program: Step[];
  firstUses: LabelEntry[];
  checkpoints: Checkpoint[];
  /** The tensor the body's walk ended with. */
  output: Tensor;
  /** How many of `diagnostics` there were when the body's walk ended (before the model's final checks). */
  walked: number;
}

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

/**
 * Where a resumed walk (`next`) meets the earlier one (`earlier`) again: at a statement past the edited ones
 * where the earlier walk kept a checkpoint and the two states are the same (the tensor, every count and
 * counter, the labels and names defined since the walk resumed). There the earlier walk's layers, groups,
 * labels, nodes, steps, diagnostics and checkpoints from that statement on are taken over.
 */
class Join {
  joined = false;
  /** How many statements of the body the earlier walk's record was taken over for. */
  reused = 0;
  private readonly earlierAt = new Map<number, Checkpoint>();
  /**
   * The labels and names defined since resuming, checked so far against the earlier walk's in the same places:
   * a definition never changes once made, so each is checked once, and one that differs is different for good.
   */
  private checked:
    | {
        labels: number;
        claims: number;
        /** The earlier walk's definitions since resuming, listed once. */
        theirs: [string, LabelEntry][];
        theirClaims: [string, NameClaim][];
        mine: Iterator<[string, LabelEntry]>;
        myClaims: Iterator<[string, NameClaim]>;
        /** Each earlier definition with this walk's in its place. */
        pairs: Map<LabelEntry, LabelEntry>;
        /** Where the earlier walk's definitions since resuming stood: text before the edit. */
        replaced: Set<Span>;
      }
    | undefined;
  /** Set once a definition differs from the earlier walk's: the walks can no longer meet. */
  private apart = false;

  constructor(
    private readonly earlier: ModelWalk,
    private readonly next: ModelWalk,
    private readonly report: Reporter,
    private readonly resumedAt: Checkpoint,
    /** The first statement (body index, inputs excluded) after the edited ones, in the edited body. */
    private readonly endChanged: number,
    /** How many statements the edit added (negative: removed). */
    private readonly statementsAdded: number,
  ) {
    for (const c of earlier.checkpoints) if (c.index > resumedAt.index) this.earlierAt.set(c.index, c);
  }

  /** Joins the earlier walk at `index` when the states meet there; true when it did (the walk stops). */
  meets(index: number, current: Tensor, previous: Statement | undefined, scope: Scope): boolean {
    if (this.apart || scope !== this.next.scope || index < this.endChanged) return false;
    const there = this.earlierAt.get(index - this.statementsAdded);
    if (!there || there.previous !== previous || !sameTensor(there.current, current)) return false;
    const state = this.next.state;
    const now = state.mark();
    const then = there.model;
    if (
      now.layers !== then.layers ||
      now.groups !== then.groups ||
      now.labels !== then.labels ||
      now.graph !== then.graph ||
      now.outputs !== then.outputs ||
      now.dropped !== then.dropped ||
      now.exhausted !== then.exhausted ||
      now.overflow !== undefined ||
      then.overflow !== undefined ||
      this.earlier.state.overflow !== undefined ||
      !this.totalsStayExact(now.totals, then.totals)
    )
      return false;
    const mark = scope.mark();
    if (mark.labels !== there.scope.labels || mark.claims !== there.scope.claims) return false;
    if (mark.position !== there.scope.position || !scope.sameCounters(there.scope)) return false;
    const labels = this.labelsSinceResuming(there);
    if (!labels || !this.sameUses(there, labels)) return false;
    this.join(there, labels);
    return true;
  }

  /**
   * The labels this walk defined since it resumed, each with the earlier walk's definition in the same place:
   * undefined unless they have the same names and tensors, the names claimed are the same, and nothing the
   * earlier walk reported later points into what was walked again (its spans there are the text before the edit).
   */
  private labelsSinceResuming(there: Checkpoint): Map<LabelEntry, LabelEntry> | undefined {
    const from = this.resumedAt.scope;
    const checked = (this.checked ??= {
      labels: 0,
      claims: 0,
      theirs: this.earlier.scope.labelsBetween(from.labels, Infinity),
      theirClaims: this.earlier.scope.claimsBetween(from.claims, Infinity),
      mine: this.next.scope.labelsFrom(from.labels),
      myClaims: this.next.scope.claimsFrom(from.claims),
      pairs: new Map(),
      replaced: new Set(),
    });
    for (; checked.claims < there.scope.claims - from.claims; checked.claims++) {
      const mine = checked.myClaims.next();
      const theirs = checked.theirClaims[checked.claims];
      if (mine.done || !theirs || mine.value[0] !== theirs[0]) return this.part();
      checked.replaced.add(theirs[1].span);
    }
    for (; checked.labels < there.scope.labels - from.labels; checked.labels++) {
      const mine = checked.mine.next();
      const theirs = checked.theirs[checked.labels];
      if (mine.done || !theirs || mine.value[0] !== theirs[0] || !sameTensor(mine.value[1], theirs[1]))
        return this.part();
      checked.pairs.set(theirs[1], mine.value[1]);
      checked.replaced.add(theirs[1].span);
    }
    const diagnostics = this.earlier.diagnostics;
    for (let i = there.diagnostics; i < this.earlier.walked; i++) {
      const d = diagnostics[i]!;
      if (checked.replaced.has(d.span) || d.related?.some((r) => checked.replaced.has(r.span))) return undefined;
    }
    return checked.pairs;
  }

  /** The walks went apart for good: no later checkpoint is compared. */
  private part(): undefined {
    this.apart = true;
    return undefined;
  }

  /**
   * Whether the model's totals, the earlier walk's final ones changed by what this walk changed before meeting it,
   * are still exact: the running sums only grow, so no layer of the rest can have passed 2^53 − 1 either.
   */
  private totalsStayExact(now: RunningTotals, then: RunningTotals): boolean {
    const final = this.earlier.state.totals;
    return (["params", "macs", "memory"] as const).every(
      (figure) => final[figure] - then[figure] + now[figure] <= Number.MAX_SAFE_INTEGER,
    );
  }

  /**
   * Whether this walk used the labels it used since resuming, for the first time, in the order the earlier walk
   * did (each label walked again standing for the earlier definition): the labels the rest of the earlier walk
   * used first are then the ones this walk has not used yet.
   */
  private sameUses(there: Checkpoint, labels: Map<LabelEntry, LabelEntry>): boolean {
    const from = this.resumedAt.firstUses;
    const mine = this.next.firstUses;
    if (mine.length - from !== there.firstUses - from) return false;
    const theirs = this.earlier.firstUses;
    for (let i = from; i < mine.length; i++) if (mine[i] !== (labels.get(theirs[i]!) ?? theirs[i])) return false;
    return true;
  }

  private join(there: Checkpoint, labels: Map<LabelEntry, LabelEntry>): void {
    const { earlier, next } = this;
    const state = next.state;
    const diagnostics = next.diagnostics.length;
    const steps = next.program.length;
    const uses = next.firstUses.length;
    const totals = state.mark().totals;
    const then = there.model.totals;
    // The labels walked again keep the earlier definitions' save steps, which the earlier walk's later steps load.
    const saves = new Map<SaveStep, SaveStep>();
    for (const [before, now] of labels) {
      if (before.save && now.save) saves.set(now.save, before.save);
      if (before.save) now.save = before.save;
    }
    replaceSaves(next.program, saves, this.resumedAt.steps);
    state.continueFrom(earlier.state, there.model, earlier.scope, next.scope);
    next.scope.continueFrom(earlier.scope);
    for (let i = there.firstUses; i < earlier.firstUses.length; i++) {
      const entry = labels.get(earlier.firstUses[i]!) ?? earlier.firstUses[i]!;
      entry.used = true;
      next.firstUses.push(entry);
    }
    const report = earlier.diagnostics;
    for (let i = there.diagnostics; i < earlier.walked; i++) this.report.adopt(report[i]!);
    for (let i = there.steps; i < earlier.program.length; i++) next.program.push(earlier.program[i]!);
    for (const c of earlier.checkpoints) {
      if (c.index < there.index) continue;
      const sums = c.model.totals;
      next.checkpoints.push({
        ...c,
        index: c.index + this.statementsAdded,
        // The running sums differ by what the layers walked again changed (totalsStayExact).
        model: {
          ...c.model,
          totals: {
            params: sums.params - then.params + totals.params,
            macs: sums.macs - then.macs + totals.macs,
            memory: sums.memory - then.memory + totals.memory,
          },
        },
        diagnostics: c.diagnostics - there.diagnostics + diagnostics,
        steps: c.steps - there.steps + steps,
        firstUses: c.firstUses - there.firstUses + uses,
      });
    }
    this.joined = true;
    this.reused = earlier.def.body.length - earlier.inputs.length - there.index;
  }
}

/** Whether two tensors are the same: shape, receptive field, dataflow node and axis order. */
function sameTensor(a: Tensor, b: Tensor): boolean {
  return (
    a.node === b.node &&
    sameNumbers(a.shape, b.shape) &&
    sameNumbers(a.order, b.order) &&
    (a.field === b.field ||
      (a.field !== undefined &&
        b.field !== undefined &&
        a.field.global === b.field.global &&
        sameNumbers(a.field.size, b.field.size) &&
        sameNumbers(a.field.jump, b.field.jump) &&
        sameNumbers(a.field.start, b.field.start)))
  );
}

function sameNumbers(a: readonly number[] | undefined, b: readonly number[] | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
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
