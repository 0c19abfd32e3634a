// Walks a model's statements: layers, block uses, repeats and merges, threading the tensor through them.
import type { BlockDef, ChainItem, LayerCall, Name, Repeat, Span, Statement } from "../../../grammar/index.js";
import { resolveArgs, type Args } from "./arguments.js";
import { bindBlockArgs } from "./block-args.js";
import { findLayerKind, layerNames, type LayerKind } from "./layers/index.js";
import { applyBranches, applyLabelMerge, applyResidual } from "./merges.js";
import { applyOutput, isOutputStatement } from "./outputs.js";
import { applyGate, applySplit } from "./structures.js";
import { recordInto, recordStep, type BlockStep, type RepeatStep, type Step } from "./program.js";
import { Scope, type Tensor } from "./scope.js";
import { closest } from "./suggest.js";
import { addToTotals, approximately, fieldOverflow, findOverflow, reportOverflow } from "./size-limits.js";
import { elements } from "./tensor.js";
import type { GroupInfo, LayerInfo, ParamCount, ReceptiveField } from "./types.js";
import { evaluate } from "./values.js";
import type { WalkContext, Walks } from "./walk-context.js";

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
  let current = input;
  let previous: Statement | undefined;
  for (const statement of body) {
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
  // A chain may start from a labelled tensor: `up: enc2 -> upsample(2)`.
  if (first?.kind === "layer" && first.args === undefined && scope.lookup(first.name.text)) {
    const entry = scope.lookup(first.name.text)!;
    current = entry;
    if (entry.save) recordStep(ctx, { step: "load", from: entry.save });
    chain = chain.slice(1);
  }
  // "A statement with a label and a single layer names that layer after the label."
  const nameOverride =
    statement.label && chain.length === 1 && chain[0]!.kind === "layer" ? statement.label : undefined;
  for (const item of chain) current = walkItem(item, current, scope, ctx, nameOverride);
  if (statement.label) defineLabel(statement.label.text, statement.label.span, current, scope, ctx);
  return current;
}

export function defineLabel(name: string, span: Span, tensor: Tensor, scope: Scope, ctx: WalkContext): void {
  const save = { step: "save" as const, label: name };
  recordStep(ctx, save);
  const earlier = scope.define(name, { ...tensor, span, save });
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

function walkItem(
  item: ChainItem,
  input: Tensor,
  scope: Scope,
  ctx: WalkContext,
  nameOverride: Name | undefined,
): Tensor {
  if (ctx.model.exhausted) return {};
  switch (item.kind) {
    case "layer":
      return walkCall(item, input, scope, ctx, nameOverride);
    case "repeat":
      return walkRepeat(item, input, scope, ctx);
    case "residual":
      return withGroup("residual", "residual", item.span, input, scope, ctx, () =>
        applyResidual(item, input, scope, ctx, walks),
      );
    case "mergeBranches":
      return withGroup(item.op, item.op, item.span, input, scope, ctx, () =>
        applyBranches(item, input, scope, ctx, walks),
      );
    case "mergeLabels":
      return applyLabelMerge(item, input, scope, ctx);
    case "gate":
      return withGroup("gate", "gate", item.span, input, scope, ctx, () => applyGate(item, input, scope, ctx, walks));
    case "split":
      return withGroup("split", "split", item.span, input, scope, ctx, () =>
        applySplit(item, input, scope, ctx, walks),
      );
  }
}

function walkCall(
  call: LayerCall,
  input: Tensor,
  scope: Scope,
  ctx: WalkContext,
  nameOverride: Name | undefined,
): Tensor {
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
  if (block) return useBlock(block, call, input, scope, ctx, nameOverride);
  const kind = findLayerKind(name);
  if (kind) return applyLayer(kind, call, input, scope, ctx, nameOverride);
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
  if (meant) return applyLayer(meant, call, input, scope, ctx, nameOverride);
  const meantBlock = suggestion === undefined ? undefined : ctx.blocks.get(suggestion);
  if (meantBlock) return useBlock(meantBlock, call, input, scope, ctx, nameOverride);
  return {};
}

/** Applies one layer kind and records it; unknown input or arguments give an unknown output silently. */
export function applyLayer(
  kind: LayerKind,
  call: LayerCall,
  input: Tensor,
  scope: Scope,
  ctx: WalkContext,
  nameOverride?: Name,
  preset?: Args,
): Tensor {
  const args =
    preset ?? resolveArgs(call.name.text, call.args ?? [], kind.args, scope.env, ctx.framework, call.span, ctx.report);
  let outcome =
    input.shape && !args.unknown
      ? kind.apply({
          framework: ctx.framework,
          input: input.shape,
          batch: ctx.model.batch,
          args,
          report: ctx.report,
          written: call.name.text,
          generated: preset !== undefined,
        })
      : undefined;
  const name = takeName(kind.kind, call.span, scope, ctx, nameOverride);
  if (ctx.steps) {
    const local = name.slice(scope.prefix.length);
    recordStep(ctx, {
      step: "layer",
      kind: kind.kind,
      local,
      layer: ctx.model.layers.length,
      ...(preset ? {} : { args: call.args ?? [] }),
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
  if (output.field) output.field = exactField(output.field, call.span, ctx);
  if (output.shape && input.node !== undefined)
    output.node = ctx.model.addNode({ id: -1, op: "layer", layer: ctx.model.layers.length, input: input.node });
  // One literal with every field keeps every LayerInfo the same shape for the engine (this runs per layer).
  const layer: LayerInfo = {
    name,
    kind: kind.kind,
    span: call.span,
    via: scope.via,
    inputShape: input.shape,
    outputShape: output.shape,
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

function useBlock(
  block: BlockDef,
  call: LayerCall,
  input: Tensor,
  scope: Scope,
  ctx: WalkContext,
  nameOverride: Name | undefined,
): Tensor {
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
  const useName = takeName(block.name.text, call.span, scope, ctx, nameOverride);
  const inner = new Scope(`${useName}.`, env, [...scope.via, call.span], [...scope.blockStack, block.name.text]);
  const step: BlockStep = {
    step: "block",
    block: block.name.text,
    local: useName.slice(scope.prefix.length),
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
 * The next `<kind><n>` name (or the label's) in the scope, reported when another layer, block use or repeat
 * of the scope already has it: the exports would write one module over the other, or compute another thing.
 */
function takeName(kind: string, span: Span, scope: Scope, ctx: WalkContext, label?: Name): string {
  const full = scope.nextName(kind, label?.text);
  const local = full.slice(scope.prefix.length);
  const earlier = scope.claim(local, { span: label?.span ?? span, label: label !== undefined });
  // Two labels of one name are a duplicate label, reported where the second is defined.
  if (!earlier || (label && earlier.label)) return full;
  if (label || earlier.label) {
    const labelSpan = label ? label.span : earlier.span;
    const other = label ? earlier.span : span;
    const where = scope.prefix ? "block" : "model";
    const message =
      `the label '${local}' is also the automatic name of another layer in this ${where}, so the two would ` +
      `share one name in the exports and in weights files: rename the label (e.g. '${local}_main', or a name that is ` +
      "not a layer kind or block followed by a number)";
    ctx.report.error("name-collision", message, labelSpan, [
      { span: other, message: `this one is named '${local}' too` },
    ]);
  } else {
    const message =
      `two layers of this ${scope.prefix ? "block" : "model"} are both named '${local}' automatically ` +
      "(a block's name plus a number equals another's): label one of them, or rename a block";
    ctx.report.error("name-collision", message, span, [
      { span: earlier.span, message: `this one is named '${local}' too` },
    ]);
  }
  return full;
}

function walkRepeat(item: Repeat, input: Tensor, scope: Scope, ctx: WalkContext): Tensor {
  const value = evaluate(item.count, scope.env, ctx.report);
  const name = takeName("repeat", item.span, scope, ctx);
  let count: number | undefined;
  if (value?.type === "number" && value.integer && value.value >= 1 && value.value <= MAX_REPEAT) count = value.value;
  else if (value !== undefined)
    ctx.report.error("argument-value", `repeat needs a whole number from 1 to ${MAX_REPEAT}`, item.count.span);
  if (count === undefined) {
    // Walk once anyway so that mistakes inside are still reported; the result is unknown.
    walkBody(item.body, {}, scope.iteration(`${name}.0.`), ctx);
    return {};
  }
  const step: RepeatStep = {
    step: "repeat",
    local: name.slice(scope.prefix.length),
    name,
    count: item.count,
    group: -1,
    iterations: [],
  };
  recordStep(ctx, step);
  const output = withGroup("repeat", name, item.span, input, scope, ctx, () => {
    let current = input;
    for (let i = 0; i < count && !ctx.model.exhausted; i++) {
      const iteration: Step[] = [];
      step.iterations.push(iteration);
      const from = current;
      current = recordInto(ctx, iteration, () => walkBody(item.body, from, scope.iteration(`${name}.${i}.`), ctx));
    }
    return current;
  });
  step.group = ctx.model.groups.length - 1;
  return output;
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
  const output = inner();
  const end = ctx.model.layers.length;
  const params: ParamCount = { trainable: 0, nonTrainable: 0 };
  let macs = 0;
  for (let i = first; i < end; i++) {
    const l = ctx.model.layers[i]!;
    params.trainable += l.params.trainable;
    params.nonTrainable += l.params.nonTrainable;
    macs += l.macs;
  }
  const group: GroupInfo = { kind, name, span, via: scope.via, params, macs, layers: [first, end] };
  if (definition) group.definition = definition;
  if (input.shape) group.inputShape = input.shape;
  if (output.shape) group.outputShape = output.shape;
  ctx.model.groups.push(group);
  return output;
}
