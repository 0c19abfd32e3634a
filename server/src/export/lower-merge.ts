// Lowers residual { } (with shortcut auto's projection), concat/add branches and label merges.
import { conv } from "../analysis/layers/conv.js";
import { batchnorm } from "../analysis/layers/shape-layers.js";
import type { MergeOp } from "../../../grammar/index.js";
import type { BranchesStep, LayerStep, MergeLabelsStep, ResidualStep } from "../analysis/program.js";
import { broadcastShape } from "../analysis/broadcast.js";
import { channelAxis } from "../analysis/tensor.js";
import type { Shape } from "../analysis/types.js";
import type { Op, ResidualOp } from "./ir.js";
import { NotGeneric, type Flow, type Frame, type LowerContext } from "./lower-context.js";
import { defaults, layerInfo, pushLayer, sameSym } from "./lower-layer.js";
import {
  arith,
  bool,
  fromPlain,
  isLiteral,
  lit,
  num,
  or,
  notEqual,
  sameValue,
  uniform,
  type Sym,
} from "../codegen/sym.js";

/** `residual { main } shortcut …`: the main path, then the shortcut (the analysis' naming order), then add. */
export function lowerResidual(step: ResidualStep, flow: Flow, frame: Frame, ctx: LowerContext, out: Op[]): Flow {
  const base = ctx.bases.next++;
  const start: Flow = { ...flow, stride: num(1), base };
  const op: ResidualOp = { op: "residual", main: [], shortcut: [] };
  const main = ctx.lowerSteps(step.main, start, frame, ctx, op.main);
  if (step.auto) autoShortcut(step, flow, main, base, frame, ctx, op);
  else ctx.lowerSteps(step.shortcut, start, frame, ctx, op.shortcut);
  if (main.shape) op.outShape = main.shape;
  out.push(op);
  const stride = main.base === base && main.stride && flow.stride ? arith("*", flow.stride, main.stride) : undefined;
  const next: Flow = { channels: main.channels, stride, base: flow.base };
  if (main.shape) next.shape = main.shape;
  return next;
}

/**
 * `shortcut auto`: the projection `conv(C, 1, stride: s, bias: false) -> batchnorm` exists when the main
 * path changes the shape. The condition is written over the block's parameters when the main path only
 * strides (`stride != 1 or in_channels != width * 4`, torchvision's test), else as this use's fact.
 */
function autoShortcut(
  step: ResidualStep,
  input: Flow,
  main: Flow,
  base: number,
  frame: Frame,
  ctx: LowerContext,
  op: ResidualOp,
): void {
  const auto = step.auto!;
  // A dry run has no use of its own: the projection is there or not as the symbols say.
  const present = ctx.dry ? undefined : auto.present;
  const [convStep, normStep] = step.shortcut as LayerStep[];
  const projected = present && convStep ? layerInfo(convStep.layer, ctx) : undefined;
  const mainStride = main.base === base ? main.stride : undefined;
  let when: Sym | undefined =
    mainStride && main.channels && input.channels
      ? or(notEqual(mainStride, num(1)), notEqual(input.channels, main.channels))
      : undefined;
  if (when && present !== undefined && (when.value?.type !== "bool" || when.value.value !== present)) when = undefined;
  let stride = mainStride;
  const theirs = projected ? uniform(fromPlain(projected.args["stride"])) : undefined;
  if (theirs && (!stride?.value || !sameValue(stride.value, theirs))) stride = lit(theirs);
  if (!when) {
    if (present === undefined) return;
    when = bool(present);
  }
  if (isLiteral(when) && when.value?.type === "bool" && !when.value.value) return;
  if (!isLiteral(when)) op.when = when;
  // Not in this use, but in others: the names are the ones it would take, and no other layer may take them.
  const take = (local: string) => (present ? frame.take(local) : frame.reserve(local));
  const convArgs = {
    ...defaults(conv, ctx.framework),
    out_channels: main.channels ?? num(0),
    kernel: num(1),
    stride: stride ?? num(1),
    bias: bool(false),
  };
  const afterConv = pushLayer(
    "conv",
    convArgs,
    take(auto.conv),
    projected,
    { ...input, stride: undefined },
    ctx,
    op.shortcut,
  );
  // Without the analysis' layer (a use without the projection) only the rank of the input is known.
  const bnInput = afterConv.shape || !input.shape ? afterConv : { ...afterConv, shape: input.shape };
  const normInfo = present && normStep ? layerInfo(normStep.layer, ctx) : undefined;
  pushLayer("batchnorm", defaults(batchnorm, ctx.framework), take(auto.batchnorm), normInfo, bnInput, ctx, op.shortcut);
  if (!stride && !present) throw new NotGeneric("the projection stride of shortcut auto is unknown in some uses");
}

/** `concat { branch … }` / `add { branch … }`: every branch starts from the same tensor. */
export function lowerBranches(step: BranchesStep, flow: Flow, frame: Frame, ctx: LowerContext, out: Op[]): Flow {
  const branches: Op[][] = [];
  const flows = step.branches.map((b) => {
    const ops: Op[] = [];
    branches.push(ops);
    return ctx.lowerSteps(b, flow, frame, ctx, ops);
  });
  const next = merged(step.merge, flows, ctx);
  out.push({ op: "branches", merge: step.merge, branches, ...(next.shape ? { outShape: next.shape } : {}) });
  return next;
}

/** `concat(a, b)` / `add(a)`: the current tensor with each labelled one, in that order. */
export function lowerLabelMerge(step: MergeLabelsStep, flow: Flow, ctx: LowerContext, out: Op[]): Flow {
  const labels: string[] = [];
  const flows = [flow];
  for (const save of step.labels) {
    const found = ctx.labels.get(save);
    if (!found) throw new NotGeneric(`the label ${save.label} is merged before it is defined`);
    labels.push(save.label);
    flows.push(found);
  }
  const next = merged(step.merge, flows, ctx);
  out.push({ op: "mergeLabels", merge: step.merge, labels, ...(next.shape ? { outShape: next.shape } : {}) });
  return next;
}

export function merged(op: MergeOp, flows: Flow[], ctx: LowerContext): Flow {
  const first = flows[0]!;
  const sameBase = flows.every((f) => f.base === first.base && sameSym(f.stride, first.stride));
  let channels: Sym | undefined = first.channels;
  if (op === "concat") {
    for (const f of flows.slice(1)) channels = channels && f.channels ? arith("+", channels, f.channels) : undefined;
  }
  const next: Flow = { channels, stride: sameBase ? first.stride : undefined, base: first.base };
  // Merging tensors that all come from one kind of activation (relu) keeps what is known about their sign.
  if (first.prevKind && flows.every((f) => f.prevKind === first.prevKind)) next.prevKind = first.prevKind;
  const shapes = flows.map((f) => f.shape);
  if (op === "mul") return multiplied(flows, next, ctx);
  if (shapes.every((s): s is Shape => s !== undefined)) {
    const shape = shapes[0]!.slice();
    if (op === "concat") {
      const axis = channelAxis(shape, ctx.framework);
      shape[axis] = shapes.reduce((sum, s) => sum + s[axis]!, 0);
    }
    next.shape = shape;
  }
  return next;
}

/** `mul`: the broadcast shape; the channels of the input whose channel axis is not the stretched 1. */
function multiplied(flows: Flow[], next: Flow, ctx: LowerContext): Flow {
  let shape: Shape | undefined = flows[0]!.shape;
  for (const f of flows.slice(1)) shape = shape && f.shape ? broadcastShape(shape, f.shape) : undefined;
  if (!shape) return next;
  const axis = channelAxis(shape, ctx.framework);
  const full = flows.find((f) => f.shape && f.shape[axis] === shape[axis]);
  return { ...next, shape, channels: full?.channels ?? next.channels };
}
