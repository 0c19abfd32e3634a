// Lowers `repeat N { … }` to one loop body, with the channels entering iteration i as an expression of i.
import type { RepeatStep, Step } from "../analysis/program.js";
import { bodyKey, type Op } from "./ir.js";
import { NotGeneric, type Flow, type Frame, type LowerContext } from "./lower-context.js";
import { sameSym } from "./lower-layer.js";
import { arith, choose, equal, fromExpr, isLiteral, num, pick, variable, type Sym } from "../codegen/sym.js";

const INDEX = ["i", "j", "k"];

/**
 * Lowers the recorded iterations twice: first as they are, to learn the channels entering each (3, 64, 64 for
 * VGG's first two convs; 64, 96, 128, … in a DenseNet block), then again with those channels written as one
 * expression of the loop index; every iteration must then give the same code, which is the loop's body.
 */
export function lowerRepeat(step: RepeatStep, flow: Flow, frame: Frame, ctx: LowerContext, out: Op[]): Flow {
  if (step.inline) return lowerInline(step, flow, frame, ctx, out);
  const count = fromExpr(step.count, frame.env);
  const n = count?.value?.type === "number" ? count.value.value : undefined;
  const names = frame.take(step.local);
  // A dry run lowers the last iteration again (every iteration is the same text), so the count may differ.
  const iterationSteps = (i: number): readonly Step[] =>
    step.iterations[i] ?? step.iterations[step.iterations.length - 1] ?? [];
  if (!count || n === undefined) throw new NotGeneric(`${names.full}: the repeat count is unknown`);
  const index = INDEX[ctx.loopDepth] ?? `i${ctx.loopDepth}`;
  const inner: LowerContext = { ...ctx, loopDepth: ctx.loopDepth + 1 };
  const iteration = (i: number) => frame.iteration(`${names.full}.${i}.`);
  const walk = (i: number, from: Flow, ops: Op[]) => ctx.lowerSteps(iterationSteps(i), from, iteration(i), inner, ops);

  const entering: (Sym | undefined)[] = [];
  let f = flow;
  for (let i = 0; i < n; i++) {
    entering.push(f.channels);
    f = walk(i, f, []);
  }
  const after = f;
  const probes = [...entering, ...probe(iterationSteps(n - 1), after, frame, inner, n === 1 ? 0 : 3 - n)];
  const fitted = fit(probes, n, variable(index, undefined));

  let body: Op[] | undefined;
  let key = "";
  let loopable = true;
  f = flow;
  for (let i = 0; i < n; i++) {
    const channels = fitted ? { node: fitted.node, value: entering[i]?.value } : entering[i];
    const ops: Op[] = [];
    f = walk(i, { ...f, channels }, ops);
    const k = bodyKey(ops);
    if (body === undefined) [body, key] = [ops, k];
    else if (k !== key) loopable = false;
  }
  // A block's loop must be one loop in every use; a model's (or a specialised class') may be written out.
  if (!loopable && !ctx.literal)
    throw new NotGeneric(
      `the iterations of ${names.full} differ (not every iteration is written like the first)` +
        `, so they cannot be one loop`,
    );
  const iterations: Op[][] = [];
  // Written out only when iterations differ in code or (through block uses) in classes: else the loop stands.
  if (ctx.literal && (!loopable || usesBlocks(body ?? []))) {
    f = flow;
    for (let i = 0; i < n; i++) {
      const ops: Op[] = [];
      f = walk(i, { ...f, channels: entering[i] }, ops);
      iterations.push(ops);
    }
  }
  const group = ctx.dry ? undefined : ctx.model.info.groups[step.group];
  out.push({
    op: "repeat",
    attr: names.local,
    count,
    index,
    body: body ?? [],
    loopable,
    ...(iterations.length ? { iterations } : {}),
    ...(group?.outputShape ? { outShape: group.outputShape } : {}),
  });
  return group?.outputShape ? { ...after, shape: group.outputShape } : after;
}

/**
 * A labelled repeat, or one in a seq: its iterations are named by paths in the owner (`layer1.0`, `features.3`),
 * so each is written in place, one after the other, as the analysis walked them (a block with a repeat whose
 * count differs between uses then gets a class per kind of use).
 */
function lowerInline(step: RepeatStep, flow: Flow, frame: Frame, ctx: LowerContext, out: Op[]): Flow {
  const count = fromExpr(step.count, frame.env);
  if (count?.value?.type !== "number" || count.value.value !== step.iterations.length)
    throw new NotGeneric(`${step.name}: the repeat count is unknown`);
  let f = flow;
  for (const iteration of step.iterations) f = ctx.lowerSteps(iteration, f, frame, ctx, out);
  const group = ctx.dry ? undefined : ctx.model.info.groups[step.group];
  return group?.outputShape ? { ...f, shape: group.outputShape } : f;
}

function usesBlocks(ops: Op[]): boolean {
  return ops.some(
    (o) =>
      o.op === "block" ||
      (o.op === "repeat" && (o.iterations ?? [o.body]).some(usesBlocks)) ||
      (o.op === "residual" && (usesBlocks(o.main) || usesBlocks(o.shortcut))) ||
      (o.op === "branches" && o.branches.some(usesBlocks)),
  );
}

/** The channels entering up to `extra` further iterations, in a dry run (no analysis layers to read). */
function probe(
  steps: readonly Step[],
  from: Flow,
  frame: Frame,
  ctx: LowerContext,
  extra: number,
): (Sym | undefined)[] {
  const out: (Sym | undefined)[] = [];
  let f: Flow = { channels: from.channels, stride: undefined, base: from.base };
  for (let i = 0; i < extra && f.channels; i++) {
    out.push(f.channels);
    if (i + 1 === extra) break;
    try {
      f = ctx.lowerSteps(steps, f, frame.iteration("probe."), { ...ctx, dry: true, record: undefined }, []);
    } catch (e) {
      if (e instanceof NotGeneric) break;
      throw e;
    }
  }
  return out;
}

/**
 * One expression of the loop index for the channels entering each iteration: the same every time; the
 * first different (`3 if i == 0 else 64`); a progression (`64 + 32 * i`); or one literal per iteration.
 */
function fit(xs: (Sym | undefined)[], n: number, index: Sym): Sym | undefined {
  const known: Sym[] = [];
  for (const x of xs) {
    if (!x) break;
    known.push(x);
  }
  if (known.length < n) return undefined;
  const [p0, p1, p2] = known;
  if (n === 1 || known.every((x) => sameSym(x, p0))) return p0;
  if (known.slice(1).every((x) => sameSym(x, p1))) return choose(equal(index, num(0)), p0!, p1!, undefined);
  if (p2) {
    const d1 = step(p0!, p1!);
    const d2 = step(p1!, p2);
    if (d1 && d2 && sameSym(d1, d2)) return arith("+", p0!, arith("*", d1, index));
  }
  if (known.slice(0, n).every(isLiteral)) return pick(known.slice(0, n), index, undefined);
  return undefined;
}

/** d with b = a + d, literally or as written (`in_channels + growth` after `in_channels`). */
function step(a: Sym, b: Sym): Sym | undefined {
  if (isLiteral(a) && isLiteral(b) && a.value?.type === "number" && b.value?.type === "number")
    return num(b.value.value - a.value.value);
  const n = b.node;
  if (n.t === "op" && n.op === "+" && JSON.stringify(n.a) === JSON.stringify(a.node))
    return { node: n.b, value: undefined };
  return undefined;
}
