// Lowers block uses: each use's body is lowered once with symbolic parameters, to become one class.
import type { Argument, BlockDef } from "../../../grammar/index.js";
import type { BlockStep } from "../analysis/program.js";
import { channels } from "../analysis/tensor.js";
import { bodyKey, type Op, type UseRecord } from "./ir.js";
import { Frame, NotGeneric, type Flow, type LowerContext } from "./lower-context.js";
import { mangle, type NameTarget } from "../codegen/names.js";
import { arith, fromExpr, lit, num, substitute, variable, type Sym } from "../codegen/sym.js";

/** The constructor argument that carries the input channels of a block class (PyTorch needs them). */
export const IN_CHANNELS = "in_channels";

/** Python names of a block's parameters (`variables`: see names.ts' variableTarget), one mangling for all. */
export function paramNames(block: BlockDef, variables: NameTarget): string[] {
  return block.params.map((p) => mangle(p.name.text, variables));
}

/** A use `Name(args)`: the arguments in the caller's terms; the use lowered (once) for its class. */
export function lowerBlockUse(step: BlockStep, flow: Flow, frame: Frame, ctx: LowerContext, out: Op[]): Flow {
  const block = ctx.blocks.get(step.block);
  if (!block) throw new NotGeneric(`${step.name}: there is no block ${step.block}`);
  const names = frame.take(step.local);
  const { given, all } = bindArgs(block, step.args, frame.env);
  const group = ctx.dry ? undefined : ctx.model.info.groups[step.group];
  let inChannels = flow.channels;
  const actual = group?.inputShape ? channels(group.inputShape, ctx.framework) : undefined;
  if (actual !== undefined && (inChannels?.value?.type !== "number" || inChannels.value.value !== actual))
    inChannels = num(actual);
  // Only a dry run (after a flatten, whose output no analysis measured) can lose the channels.
  if (!inChannels) throw new NotGeneric(`${names.full}: its input channels are unknown`);
  let record: UseRecord | undefined;
  let result: { channels?: Sym; stride?: Sym; prevKind?: string } | undefined;
  if (!ctx.dry) {
    const id = `${ctx.model.index}:${names.full}`;
    record = ctx.uses.get(id) ?? newRecord(id, block, step, all, inChannels, ctx);
    if (ctx.record && !ctx.record.inner.includes(record)) ctx.record.inner.push(record);
    result = {
      ...(record.outChannels ? { channels: record.outChannels } : {}),
      ...(record.outStride ? { stride: record.outStride } : {}),
      ...(record.outPrevKind ? { prevKind: record.outPrevKind } : {}),
    };
  } else {
    try {
      const lowered = lowerUseBody(block, step, all, inChannels, { ...ctx, literal: false });
      result = {
        ...(lowered.out.channels ? { channels: lowered.out.channels } : {}),
        ...(lowered.stride ? { stride: lowered.stride } : {}),
        ...(lowered.out.prevKind ? { prevKind: lowered.out.prevKind } : {}),
      };
    } catch (e) {
      if (!(e instanceof NotGeneric)) throw e;
    }
  }
  // The block's output said in the caller's terms: its parameters replaced by the arguments.
  const bindings = new Map<string, Sym>(paramNames(block, ctx.variables).map((n, i) => [n, all[i]!]));
  bindings.set(IN_CHANNELS, inChannels);
  let outChannels = result?.channels ? substitute(result.channels, bindings) : undefined;
  if (group?.outputShape) {
    const c = channels(group.outputShape, ctx.framework);
    if (outChannels?.value?.type !== "number" || outChannels.value.value !== c) outChannels = num(c);
  }
  const stride =
    result?.stride && flow.stride ? arith("*", flow.stride, substitute(result.stride, bindings)) : undefined;
  out.push({
    op: "block",
    attr: names.local,
    block: block.name.text,
    args: given,
    inChannels,
    ...(record ? { use: record } : {}),
    ...(group?.outputShape ? { outShape: group.outputShape } : {}),
  });
  const next: Flow = { channels: outChannels, stride, base: flow.base };
  if (group?.outputShape) next.shape = group.outputShape;
  if (result?.prevKind) next.prevKind = result.prevKind;
  return next;
}

function newRecord(
  id: string,
  block: BlockDef,
  step: BlockStep,
  all: Sym[],
  inChannels: Sym,
  ctx: LowerContext,
): UseRecord {
  const group = ctx.model.info.groups[step.group];
  const record: UseRecord = {
    block: block.name.text,
    name: step.name,
    id,
    values: all.map((s) => (s.value ? lit(s.value) : s)),
    inChannels: inChannels.value ? lit(inChannels.value) : inChannels,
    inner: [],
    at: { model: ctx.model.index, step },
  };
  if (group?.inputShape) record.inShape = group.inputShape;
  if (group?.outputShape) record.outShape = group.outputShape;
  ctx.uses.add(record);
  try {
    const lowered = lowerUseBody(block, step, all, inChannels, { ...ctx, literal: false, record });
    record.generic = { body: lowered.ops, key: lowered.key };
    if (lowered.out.channels) record.outChannels = lowered.out.channels;
    if (lowered.stride) record.outStride = lowered.stride;
    if (lowered.out.prevKind) record.outPrevKind = lowered.out.prevKind;
  } catch (e) {
    if (!(e instanceof NotGeneric)) throw e;
  }
  return record;
}

/**
 * Lowers a block's body for one use: generically (parameters and in_channels as variables carrying this
 * use's values) or literally (a specialised class), from the analysis' record of this use.
 */
export function lowerUseBody(
  block: BlockDef,
  step: BlockStep,
  values: Sym[],
  inChannels: Sym,
  ctx: LowerContext,
): { ops: Op[]; key: string; out: Flow; stride?: Sym } {
  const env = new Map<string, Sym>();
  paramNames(block, ctx.variables).forEach((name, i) => {
    const v = values[i]?.value;
    env.set(block.params[i]!.name.text, ctx.literal && v ? lit(v) : variable(name, v));
  });
  const input = ctx.literal && inChannels.value ? lit(inChannels.value) : variable(IN_CHANNELS, inChannels.value);
  const base = ctx.bases.next++;
  const group = ctx.dry ? undefined : ctx.model.info.groups[step.group];
  const start: Flow = { channels: input, stride: num(1), base };
  if (group?.inputShape) start.shape = group.inputShape;
  const ops: Op[] = [];
  const out = ctx.lowerSteps(step.body, start, new Frame(`${step.name}.`, env), { ...ctx, loopDepth: 0 }, ops);
  return { ops, key: bodyKey(ops), out, ...(out.base === base && out.stride ? { stride: out.stride } : {}) };
}

/** The arguments of a use, one per parameter: as given (undefined for a default), and with defaults. */
function bindArgs(
  block: BlockDef,
  args: readonly Argument[],
  env: ReadonlyMap<string, Sym>,
): { given: (Sym | undefined)[]; all: Sym[] } {
  const params = block.params;
  const given: (Sym | undefined)[] = params.map(() => undefined);
  let position = 0;
  for (const arg of args) {
    const i = arg.key ? params.findIndex((p) => p.name.text === arg.key!.text) : position++;
    if (i >= 0 && i < params.length) given[i] = fromExpr(arg.value, env);
  }
  const all: Sym[] = [];
  const local = new Map<string, Sym>();
  params.forEach((p, i) => {
    // Defaults may refer to earlier parameters (`block B(c, mid = c // 4)`), as the analysis evaluates them.
    const s = given[i] ?? (p.default ? fromExpr(p.default, local) : undefined);
    if (!s) throw new NotGeneric(`${block.name.text}: no value for ${p.name.text}`);
    all.push(s);
    local.set(p.name.text, s);
  });
  return { given, all };
}
