// Walks a model's statements: layers, block uses, repeats and merges, threading the tensor through them.
import type { BlockDef, ChainItem, LayerCall, Repeat, Span, Statement } from "../../../grammar/index.js";
import { resolveArgs, type Args } from "./arguments.js";
import { bindBlockArgs } from "./block-args.js";
import { findLayerKind, layerNames, type LayerKind } from "./layers/index.js";
import { applyBranches, applyLabelMerge, applyResidual } from "./merges.js";
import { checkQuotedLabel, takeName } from "./naming.js";
import { applyOutput, isOutputStatement } from "./outputs.js";
import { applyGate, applySplit } from "./structures.js";
import { recordInto, recordStep, type BlockStep, type RepeatStep, type Step } from "./program.js";
import { Scope, type Tensor } from "./scope.js";
import { closest } from "./suggest.js";
import { addToTotals, approximately, fieldOverflow, findOverflow, reportOverflow } from "./size-limits.js";
import { elements } from "./tensor.js";
import type { GroupInfo, LayerInfo, ParamCount, ReceptiveField } from "./types.js";
import { evaluate } from "./values.js";
import type { Slot, WalkContext, Walks } from "./walk-context.js";

/** More leaf layers than this in one model is certainly a runaway repeat or block nesting. */
export const MAX_LAYERS = 100_000;
const MAX_REPEAT = 10_000;
const MAX_BLOCK_DEPTH = 64;

export type { WalkContext } from "./walk-context.js";

/** The walks that merges call back into for their branches and projections. */
const walks: Walks = { body: walkBody, layer: applyLayer };

/**
 * Runs statements in order from `input`; returns the final tensor. A statement whose result the next one
 * drops (it starts from a label) is unused unless its label is used or it is an output: see unused.ts.
 */
export function walkBody(body: Statement[], input: Tensor, scope: Scope, ctx: WalkContext): Tensor {
  return walkFrom(body, 0, input, undefined, scope, ctx);
}

/**
 * walkBody from the statement at `from` on, `previous` being the last statement walked before it: a model's
 * body walked again from a point before an edit (resume.ts). Before each statement of the model's own body the
 * walk offers `ctx.checkpoint` its state, which is what resuming there needs; the checkpoint may stop the walk.
 */
export function walkFrom(
  body: Statement[],
  from: number,
  input: Tensor,
  previousStatement: Statement | undefined,
  scope: Scope,
  ctx: WalkContext,
): Tensor {
  let current = input;
  let previous = previousStatement;
  const checkpoint = body === ctx.modelBody ? ctx.checkpoint : undefined;
  for (let index = from; index < body.length; index++) {
    const statement = body[index]!;
    if (checkpoint?.(index, current, previous, scope)) return current;
    if (isOutputStatement(statement, ctx)) {
      // `output(…)` names tensors and passes the current one on: the next chain still continues it.
      applyOutput(statement, scope, ctx, body === ctx.modelBody);
      continue;
    }
    if (previous && startsFromLabel(statement, scope)) ctx.model.dropped.push({ statement: previous, scope });
    current = walkStatement(statement, current, scope, ctx);
    previous = statement;
  }
  // The model's last chain is its result only when no output(…) names the results.
  if (previous && body === ctx.modelBody && ctx.model.outputs.length > 0)
    ctx.model.dropped.push({ statement: previous, scope });
  return current;
}

/** Whether a statement starts from a labelled tensor (`up: enc2 -> upsample(2)`) rather than the current one. */
function startsFromLabel(statement: Statement, scope: Scope): boolean {
  const first = statement.chain[0];
  return first?.kind === "layer" && first.args === undefined && scope.has(first.name.text);
}

function walkStatement(statement: Statement, input: Tensor, scope: Scope, ctx: WalkContext): Tensor {
  if (ctx.model.exhausted) return {};
  let current = input;
  let chain = statement.chain;
  const first = chain[0];
  // A chain may start from a labelled tensor: `up: enc2 -> upsample(2)`; a quoted name is always a label.
  if (first?.kind === "layer" && first.args === undefined && (first.name.quoted || scope.lookup(first.name.text))) {
    const entry = scope.lookup(first.name.text);
    if (!entry) {
      ctx.report.error(
        "unknown-label",
        `no label "${first.name.text}" is defined before this point: label a layer with "${first.name.text}": conv(…)`,
        first.name.span,
      );
      return {};
    }
    current = entry;
    if (entry.save) recordStep(ctx, { step: "load", from: entry.save });
    chain = chain.slice(1);
  }
  const label = statement.label && checkQuotedLabel(statement.label, ctx) ? statement.label : undefined;
  if (label && chain.length > 1) {
    // A label on a chain of several layers names them <label>.0, <label>.1, … (as nn.Sequential): a `seq`.
    current = walkGroup("sequential", label.span, current, scope, ctx, { label }, true, (inner, from) => {
      let tensor = from;
      for (const item of chain) tensor = walkItem(item, tensor, inner, ctx, { index: true });
      return tensor;
    });
  } else if (label && chain.length === 1) {
    current = walkItem(chain[0]!, current, scope, ctx, { label });
  } else {
    // In a seq every item takes the next index; a labelled statement takes one position too.
    const slot: Slot = scope.indexed ? { index: true } : undefined;
    if (statement.label && scope.indexed && chain.length > 0) scope.skipIndex();
    for (const item of chain) current = walkItem(item, current, scope, ctx, slot);
  }
  if (label && scope.indexed && chain.length > 0) scope.skipIndex();
  if (statement.label) defineLabel(statement.label.text, statement.label.span, current, scope, ctx);
  return current;
}

export function defineLabel(name: string, span: Span, tensor: Tensor, scope: Scope, ctx: WalkContext): void {
  const save = { step: "save" as const, label: name };
  recordStep(ctx, save);
  // Spelled out rather than `{ ...tensor, span, save }`: V8 builds a spread followed by more properties on a
  // slow path, which cost a quarter of the walk of a 50,000-label model.
  const entry = {
    shape: tensor.shape,
    field: tensor.field,
    node: tensor.node,
    order: tensor.order,
    span,
    save,
    used: false,
    position: 0,
  };
  const earlier = scope.define(name, entry);
  if (earlier) {
    ctx.report.error(
      "duplicate-label",
      `label '${name}' is already defined in this ${scope.prefix ? "block" : "model"}: choose another name`,
      span,
      [{ span: earlier.span, message: `'${name}' is first defined here` }],
    );
    return;
  }
  ctx.model.labels.push({ name, span, shape: tensor.shape, via: scope.via });
}

function walkItem(item: ChainItem, input: Tensor, scope: Scope, ctx: WalkContext, slot: Slot): Tensor {
  if (ctx.model.exhausted) return {};
  switch (item.kind) {
    case "layer":
      return walkCall(item, input, scope, ctx, slot);
    case "repeat":
      return walkRepeat(item, input, scope, ctx, slot);
    case "sequential":
      return walkGroup("sequential", item.span, input, scope, ctx, slot ?? "auto", true, (inner, from) =>
        walkBody(item.body, from, inner, ctx),
      );
    case "residual":
      return structure(item.kind, slot, input, scope, ctx, (at) =>
        withGroup("residual", "residual", item.span, input, at, ctx, () => applyResidual(item, input, at, ctx, walks)),
      );
    case "mergeBranches":
      return structure(item.kind, slot, input, scope, ctx, (at) =>
        withGroup(item.op, item.op, item.span, input, at, ctx, () => applyBranches(item, input, at, ctx, walks)),
      );
    case "mergeLabels":
      return applyLabelMerge(item, input, scope, ctx);
    case "gate":
      return structure(item.kind, slot, input, scope, ctx, (at) =>
        withGroup("gate", "gate", item.span, input, at, ctx, () => applyGate(item, input, at, ctx, walks)),
      );
    case "split":
      return structure(item.kind, slot, input, scope, ctx, (at) =>
        withGroup("split", "split", item.span, input, at, ctx, () => applySplit(item, input, at, ctx, walks)),
      );
  }
}

/**
 * A structure (residual, concat/add branches, …) where it is named: with a label or a seq's index its layers
 * are named under that name as in a block use (`layer2.0.conv1`); unnamed, they are named in `scope` itself.
 */
export function structure(
  kind: string,
  slot: Slot,
  input: Tensor,
  scope: Scope,
  ctx: WalkContext,
  walk: (scope: Scope) => Tensor,
): Tensor {
  if (!slot) return walk(scope);
  return walkGroup(kind, undefined, input, scope, ctx, slot, false, (inner) => walk(inner));
}

/**
 * Walks `walk` in a group named in `slot` (or `sequential<n>` for "auto"): a scope inside the same owner whose
 * names start with the group's name; indexed for a `seq`. Records a group for hovers when `span` is given.
 */
function walkGroup(
  kind: string,
  span: Span | undefined,
  input: Tensor,
  scope: Scope,
  ctx: WalkContext,
  slot: Slot | "auto",
  indexed: boolean,
  walk: (inner: Scope, from: Tensor) => Tensor,
): Tensor {
  const name = takeName(kind, span ?? { start: 0, end: 0 }, scope, ctx, slot === "auto" ? undefined : slot);
  const inner = scope.group(`${name}.`, indexed);
  if (!span) return walk(inner, input);
  return withGroup("sequential", name, span, input, scope, ctx, () => walk(inner, input));
}

function walkCall(call: LayerCall, input: Tensor, scope: Scope, ctx: WalkContext, slot: Slot): Tensor {
  const name = call.name.text;
  if (name.toLowerCase() === "input") {
    ctx.report.error(
      "misplaced-input",
      "input(…) must be the first statement of a model (or, labelled, among the first): " +
        "remove this one, or move it to the top",
      call.span,
    );
    return {};
  }
  if (name.toLowerCase() === "output" && !ctx.blocks.has(name) && !scope.has(name)) {
    ctx.report.error(
      "misplaced-output",
      "output(…) stands alone on its line in a model's body, after the tensors it names: output(a, b)",
      call.span,
    );
    return input;
  }
  // A block named like a layer kind wins in its file (analyze() warns where it is defined).
  const block = ctx.blocks.get(name);
  if (block) return useBlock(block, call, input, scope, ctx, slot);
  const kind = findLayerKind(name);
  if (kind) return applyLayer(kind, call, input, scope, ctx, slot);
  if (scope.lookup(name)) {
    ctx.report.error(
      "unknown-layer",
      `'${name}' is a label: start a chain with it (${name} -> …) or merge it with concat(${name}) or add(${name})`,
      call.name.span,
    );
    return {};
  }
  const suggestion = closest(name, [...layerNames(), ...ctx.blocks.keys()]);
  ctx.report.error(
    "unknown-layer",
    `unknown layer or block '${name}'` +
      `${
        suggestion
          ? `: did you mean '${suggestion}'?`
          : `: define it with block ${name}(…) { … } or use a layer such as conv, dense, maxpool`
      }`,
    call.name.span,
    undefined,
    suggestion ? { suggestion } : undefined,
  );
  // Recovery: analyse a likely typo as what it probably means, so the layers after it keep their shapes.
  const meant = suggestion === undefined ? undefined : findLayerKind(suggestion);
  if (meant) return applyLayer(meant, call, input, scope, ctx, slot);
  const meantBlock = suggestion === undefined ? undefined : ctx.blocks.get(suggestion);
  if (meantBlock) return useBlock(meantBlock, call, input, scope, ctx, slot);
  return {};
}

/** Applies one layer kind and records it; unknown input or arguments give an unknown output silently. */
export function applyLayer(
  kind: LayerKind,
  call: LayerCall,
  input: Tensor,
  scope: Scope,
  ctx: WalkContext,
  slot?: Slot,
  preset?: Args,
): Tensor {
  const args =
    preset ?? resolveArgs(call.name.text, call.args ?? [], kind.args, scope.env, ctx.framework, call.span, ctx.report);
  const placed = input.shape && !args.unknown && layoutFits(kind, call, input, args, ctx);
  let outcome =
    input.shape && placed
      ? kind.apply({
          framework: ctx.framework,
          input: input.shape,
          batch: ctx.model.batch,
          args,
          report: ctx.report,
          written: call.name.text,
          generated: preset !== undefined,
          order: input.order,
          lookup: scope.lookupLabel,
        })
      : undefined;
  const name = takeName(kind.kind, call.span, scope, ctx, slot);
  if (ctx.steps) {
    const local = name.slice(scope.owner.length);
    recordStep(ctx, {
      step: "layer",
      kind: kind.kind,
      local,
      layer: ctx.model.layers.length,
      args: preset ? undefined : (call.args ?? []),
    });
  }
  const batch = ctx.model.batch;
  const figures = outcome && { shape: outcome.output, batch, params: outcome.params, macs: outcome.macs };
  const found = figures && findOverflow(figures, ctx.model.totals);
  const overflow = found && reportOverflow(found, name, call.span, ctx.report);
  if (overflow) {
    // The numbers of this layer are not exact: it counts as an error, so its output is unknown from here on.
    ctx.model.overflow ??= overflow;
    outcome = undefined;
  } else if (figures) addToTotals(ctx.model.totals, figures);
  const output: Tensor = outcome
    ? {
        shape: outcome.output,
        field: input.field && (outcome.field ? outcome.field(input.field, ctx.model.inputSizes) : input.field),
      }
    : {};
  if (outcome && input.shape) {
    const order = orderAfter(input, outcome.axes, outcome.output.length);
    if (order) output.order = order;
  }
  // A layer that passes its input's field on (activations, norms) passes a field already checked.
  if (output.field && output.field !== input.field) output.field = exactField(output.field, call.span, ctx);
  if (output.shape && input.node !== undefined)
    output.node = ctx.model.addNode({ id: -1, op: "layer", layer: ctx.model.layers.length, input: input.node });
  // One literal with every field keeps every LayerInfo the same shape for the engine (this runs per layer).
  const layer: LayerInfo = {
    name,
    kind: kind.kind,
    span: call.span,
    via: scope.via,
    inputShape: input.shape,
    inputOrder: input.order,
    outputShape: output.shape,
    outputOrder: output.order,
    params: outcome?.params ?? { trainable: 0, nonTrainable: 0 },
    macs: outcome?.macs ?? 0,
    memory: output.shape ? elements(output.shape) * ctx.model.batch * 4 : 0,
    receptiveField: output.field,
    formula: outcome?.formula,
    paramFormula: outcome?.paramFormula,
    args: args.plain(),
  };
  if (overflow) layer.overflow = overflow;
  record(layer, call.span, ctx);
  return output;
}

/** Whether the layer can take its input's layout: a permuted tensor only goes to layers that accept it. */
function layoutFits(kind: LayerKind, call: LayerCall, input: Tensor, args: Args, ctx: WalkContext): boolean {
  const order = input.order;
  if (!order || !input.shape || (kind.acceptsPermuted?.(args) ?? false)) return true;
  const back = inversePermutation(order);
  const dims = ctx.framework === "pytorch" ? [0, ...back.map((a) => a + 1)] : back.map((a) => a + 1);
  const layout = ctx.framework === "pytorch" ? "first" : "last";
  ctx.report.error(
    "permuted-layout",
    `${call.name.text} needs the channel axis ${layout}, as ${ctx.framework} lays it out, but its input ` +
      `${input.shape.join("×")} is permuted: permute back first with permute(${dims.join(", ")})`,
    call.name.span,
    undefined,
    { fix: `permute(${dims.join(", ")})` },
  );
  return false;
}

/** The axes order after a layer: permute moves axes, a flat result has none to move, others keep it. */
function orderAfter(input: Tensor, axes: number[] | undefined, outputRank: number): number[] | undefined {
  if (outputRank <= 1 || (!input.order && !axes)) return undefined;
  const before = input.order ?? [...Array(outputRank).keys()];
  if (before.length !== outputRank) return undefined;
  const order = axes ? axes.map((a) => before[a]!) : before;
  // Permuting back to the file's layout restores it.
  return order.every((a, i) => a === i) ? undefined : order;
}

function inversePermutation(order: number[]): number[] {
  const back: number[] = [];
  order.forEach((a, i) => (back[a] = i));
  return back;
}

/**
 * A receptive field whose size, jump or start left the exact range (a stride product past 2^53, so that a
 * centre would become ∞·0 = NaN) is dropped with a warning: the shapes stay right, only the field is unknown.
 */
function exactField(field: ReceptiveField, span: Span, ctx: WalkContext): ReceptiveField | undefined {
  const bad = fieldOverflow(field);
  if (!bad) return field;
  const value = bad.part === "jump" && bad.value === 0 ? "a value too small to hold" : approximately(bad.value);
  const message =
    `the receptive field's ${bad.part} reaches ${value}, beyond what the analysis counts exactly ` +
    "(2^53 − 1): the receptive field is unknown from this layer on; fewer strided or upsampling layers keep it";
  ctx.report.warning("size-overflow", message, span, undefined, { quantity: "receptive-field" });
  return undefined;
}

function record(layer: LayerInfo, span: Span, ctx: WalkContext): void {
  ctx.model.layers.push(layer);
  if (ctx.model.layers.length >= MAX_LAYERS) {
    ctx.model.exhausted = true;
    ctx.report.error(
      "too-large",
      `this model expands to more than ${MAX_LAYERS} layers: reduce the repeat counts or block nesting`,
      span,
    );
  }
}

function useBlock(block: BlockDef, call: LayerCall, input: Tensor, scope: Scope, ctx: WalkContext, slot: Slot): Tensor {
  if (scope.blockStack.includes(block.name.text)) {
    ctx.report.error(
      "recursive-block",
      `block ${block.name.text} uses itself (${[...scope.blockStack, block.name.text].join(" → ")})` +
        `: a block cannot contain itself`,
      call.span,
    );
    return {};
  }
  if (scope.blockStack.length >= MAX_BLOCK_DEPTH) {
    ctx.report.error("too-large", `blocks nested more than ${MAX_BLOCK_DEPTH} deep`, call.span);
    return {};
  }
  const env = bindBlockArgs(block, call, scope.env, ctx.report);
  if (ctx.shallow) return {};
  const useName = takeName(block.name.text, call.span, scope, ctx, slot);
  const inner = new Scope(`${useName}.`, env, [...scope.via, call.span], [...scope.blockStack, block.name.text]);
  const step: BlockStep = {
    step: "block",
    block: block.name.text,
    local: useName.slice(scope.owner.length),
    name: useName,
    args: call.args ?? [],
    group: -1,
    body: [],
  };
  recordStep(ctx, step);
  const walk = () => recordInto(ctx, step.body, () => walkBody(block.body, input, inner, ctx));
  const output = withGroup("block", useName, call.span, input, scope, ctx, walk, block.name.text);
  // withGroup adds the group once its layers are walked: it is the last one.
  step.group = ctx.model.groups.length - 1;
  return output;
}

/**
 * `repeat N { … }`. Unnamed, it is `repeat<n>` and each iteration a scope of its own (`repeat1.0.conv1`). With
 * a label its iterations are `<label>.0`, `<label>.1`, …, and in a seq each takes the next index: the names are
 * paths in the enclosing owner (an `inline` step), and an iteration that is a single item (a block use, a
 * layer, a seq) is named by the index itself (`layer1.0.conv1`, as nn.Sequential holds the blocks).
 */
function walkRepeat(item: Repeat, input: Tensor, scope: Scope, ctx: WalkContext, slot: Slot): Tensor {
  const value = evaluate(item.count, scope.env, ctx.report);
  const inline = slot !== undefined;
  const base = slot && "index" in slot ? undefined : takeName("repeat", item.span, scope, ctx, slot);
  const iterationName = (i: number) =>
    base === undefined ? takeName("repeat", item.span, scope, ctx, slot) : `${base}.${i}`;
  let count: number | undefined;
  if (value?.type === "number" && value.integer && value.value >= 1 && value.value <= MAX_REPEAT) count = value.value;
  else if (value !== undefined)
    ctx.report.error("argument-value", `repeat needs a whole number from 1 to ${MAX_REPEAT}`, item.count.span);
  const iterate = (name: string, from: Tensor): Tensor =>
    inline ? walkIteration(item, name, from, scope, ctx) : walkBody(item.body, from, scope.iteration(`${name}.`), ctx);
  if (count === undefined) {
    // Walk once anyway so that mistakes inside are still reported; the result is unknown.
    iterate(iterationName(0), {});
    return {};
  }
  // In a seq, each iteration takes the next index: the step is known by its first (set below), never by an
  // offset, so that the analysis stays a function of the text's meaning (formatting moves offsets).
  const name = base ?? "";
  const step: RepeatStep = {
    step: "repeat",
    local: name.slice(scope.owner.length),
    name,
    count: item.count,
    group: -1,
    iterations: [],
  };
  if (inline) step.inline = true;
  recordStep(ctx, step);
  const output = withGroup("repeat", base ?? "repeat", item.span, input, scope, ctx, () => {
    let current = input;
    for (let i = 0; i < count && !ctx.model.exhausted; i++) {
      const iteration: Step[] = [];
      step.iterations.push(iteration);
      const from = current;
      const at = iterationName(i);
      if (!step.name) [step.name, step.local] = [at, at.slice(scope.owner.length)];
      current = recordInto(ctx, iteration, () => iterate(at, from));
    }
    return current;
  });
  step.group = ctx.model.groups.length - 1;
  return output;
}

/** One iteration of a named repeat: a single item is named `name` itself, anything else is named under it. */
function walkIteration(item: Repeat, name: string, input: Tensor, scope: Scope, ctx: WalkContext): Tensor {
  const inner = scope.group(`${name}.`, false);
  const only = item.body.length === 1 ? item.body[0]! : undefined;
  const single = only && !only.label && only.chain.length === 1 ? only.chain[0]! : undefined;
  const reference = single?.kind === "layer" && single.args === undefined && scope.lookup(single.name.text);
  if (!single || reference || single.kind === "mergeLabels") return walkBody(item.body, input, inner, ctx);
  return walkItem(single, input, inner, ctx, { fixed: name });
}

/** Runs `inner` and records the layers it added as one group (for hovers on blocks, repeats and merges). */
export function withGroup(
  kind: GroupInfo["kind"],
  name: string,
  span: Span,
  input: Tensor,
  scope: Scope,
  ctx: WalkContext,
  inner: () => Tensor,
  definition?: string,
): Tensor {
  const first = ctx.model.layers.length;
  const firstNode = ctx.model.graph.length;
  const output = inner();
  const end = ctx.model.layers.length;
  const params: ParamCount = { trainable: 0, nonTrainable: 0 };
  let macs = 0;
  let memory = 0;
  for (let i = first; i < end; i++) {
    const l = ctx.model.layers[i]!;
    params.trainable += l.params.trainable;
    params.nonTrainable += l.params.nonTrainable;
    macs += l.macs;
    memory += l.memory;
  }
  const nodes: [number, number] = [firstNode, ctx.model.graph.length];
  const group: GroupInfo = { kind, name, span, via: scope.via, params, macs, memory, layers: [first, end], nodes };
  if (definition) group.definition = definition;
  if (output.field) group.receptiveField = output.field;
  if (input.shape) group.inputShape = input.shape;
  if (output.shape) group.outputShape = output.shape;
  ctx.model.groups.push(group);
  return output;
}
