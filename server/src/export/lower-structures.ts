// Lowers gate { … } and split { branch … } from the analysis' record.
import type { GateStep, SplitStep } from "../analysis/program.js";
import type { Op, SplitOp } from "./ir.js";
import type { Flow, Frame, LowerContext } from "./lower-context.js";
import { merged } from "./lower-merge.js";
import { channelAxis } from "../analysis/tensor.js";
import { arith, fromExpr, lit, num, type Sym } from "../codegen/sym.js";

/** `gate { body }`: the body from the current tensor, then the current tensor times its result. */
export function lowerGate(step: GateStep, flow: Flow, frame: Frame, ctx: LowerContext, out: Op[]): Flow {
  const body: Op[] = [];
  const result = ctx.lowerSteps(step.body, flow, frame, ctx, body);
  const next = merged("mul", [flow, result], ctx);
  out.push({ op: "gate", body, ...(next.shape ? { outShape: next.shape } : {}) });
  // The spatial step of a gate's product is the input's (the body's pools broadcast back over it).
  return { ...next, stride: flow.stride, base: flow.base };
}

/**
 * `split { branch … }`: equal parts are the channels divided by the branch count (torch.chunk); given sizes
 * are the expression as written, over the block's parameters (torch.split).
 */
export function lowerSplit(step: SplitStep, flow: Flow, frame: Frame, ctx: LowerContext, out: Op[]): Flow {
  const n = step.branches.length;
  const given = step.given ? fromExpr(step.given, frame.env) : undefined;
  const op: SplitOp = { op: "split", parts: n, branches: [] };
  if (step.given) op.sizes = given ?? lit({ type: "tuple", items: step.sizes.map((v) => num(v).value!) });
  const partChannels = (i: number): Sym | undefined => {
    if (given?.node.t === "tuple") return partOf(given, i);
    if (step.given) return num(step.sizes[i]!);
    return flow.channels && arith("//", flow.channels, num(n));
  };
  const flows = step.branches.map((b, i) => {
    const ops: Op[] = [];
    op.branches.push(ops);
    const shape = flow.shape && partShape(flow.shape, step.sizes[i]!, ctx);
    const part: Flow = { ...flow, channels: partChannels(i) };
    if (shape) part.shape = shape;
    return ctx.lowerSteps(b, part, frame, ctx, ops);
  });
  const next = merged("concat", flows, ctx);
  if (next.shape) op.outShape = next.shape;
  out.push(op);
  return next;
}

/** Item `i` of a symbolic tuple, with its value in this use. */
function partOf(sizes: Sym, i: number): Sym | undefined {
  const node = sizes.node;
  if (node.t !== "tuple" || !node.items[i]) return undefined;
  const value = sizes.value?.type === "tuple" ? sizes.value.items[i] : undefined;
  return { node: node.items[i]!, value };
}

function partShape(shape: number[], size: number, ctx: LowerContext): number[] {
  const out = shape.slice();
  out[channelAxis(shape, ctx.framework)] = size;
  return out;
}
