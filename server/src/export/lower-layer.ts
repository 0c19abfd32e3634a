// Lowers one recorded layer: its written arguments as symbolic values, with the analysis' name and shapes.
import { findSpec } from "../analysis/arguments.js";
import type { LayerKind } from "../analysis/layers/index.js";
import type { LayerStep } from "../analysis/program.js";
import { channelAxis, channelPosition, channels } from "../analysis/tensor.js";
import type { Framework, LayerInfo } from "../analysis/types.js";
import type { LayerOp, Op } from "./ir.js";
import { Refusal, type Flow, type Frame, type LowerContext } from "./lower-context.js";
import { arith, fromExpr, fromPlain, key, lit, num, type Sym } from "../codegen/sym.js";
import { SAME_SHAPE } from "../layers/index.js";

/** A layer of the record: its arguments evaluated in the frame's (symbolic) environment. */
export function lowerLayer(
  kind: LayerKind,
  step: LayerStep,
  flow: Flow,
  frame: Frame,
  ctx: LowerContext,
  out: Op[],
): Flow {
  const args: Record<string, Sym> = {};
  let position = 0;
  for (const a of step.args ?? []) {
    const spec = a.key ? findSpec(kind.args, a.key.text) : kind.args[position++];
    const value = spec && fromExpr(a.value, frame.env);
    if (!spec || !value) continue;
    // The analysis lower-cases words like `Bilinear`; literal words are written as it reads them.
    args[spec.name] =
      spec.type === "word" && value.value?.type === "word" && value.node.t === "lit"
        ? lit({ type: "word", value: value.value.value.toLowerCase() })
        : value;
  }
  for (const [name, v] of Object.entries(defaults(kind, ctx.framework))) args[name] ??= v;
  return pushLayer(kind.kind, args, frame.take(step.local), layerInfo(step.layer, ctx), flow, ctx, out);
}

/** The arguments a layer kind takes by default in this framework. */
export function defaults(kind: LayerKind, fw: Framework): Record<string, Sym> {
  const out: Record<string, Sym> = {};
  for (const spec of kind.args) {
    const d = typeof spec.default === "function" ? spec.default(fw) : spec.default;
    const v = d === undefined ? undefined : fromPlain(d);
    if (v) out[spec.name] = lit(v);
  }
  return out;
}

/** The analysis' layer at a recorded index; none in dry runs, which no analysis walked. */
export function layerInfo(index: number, ctx: LowerContext): LayerInfo | undefined {
  return ctx.dry ? undefined : ctx.model.info.layers[index];
}

/** Records a layer op with this use's analysis layer (if any); returns the flow after it. */
export function pushLayer(
  kind: string,
  args: Record<string, Sym>,
  names: { local: string },
  layer: LayerInfo | undefined,
  flow: Flow,
  ctx: LowerContext,
  out: Op[],
): Flow {
  const inShape = layer?.inputShape ?? flow.shape;
  const rank = inShape ? inShape.length - 1 : -1;
  let inChannels = flow.channels;
  // What the analysis says wins over what was tracked: the code is then literal here, and the key tells
  // whether every use agrees (else the block gets one class per use).
  const order = layer?.inputOrder;
  const actual = inShape ? inShape[channelPosition(inShape, ctx.framework, order)] : undefined;
  if (actual !== undefined && (inChannels?.value?.type !== "number" || inChannels.value.value !== actual))
    inChannels = num(actual);
  const op: LayerOp = { op: "layer", attr: names.local, kind, args, inChannels: inChannels ?? num(0), rank };
  if (inShape) op.inShape = inShape;
  if (flow.prevKind) op.prevKind = flow.prevKind;
  if (layer) op.info = layer;
  op.fact = factOf(op, ctx);
  out.push(op);
  // Dense on a tensor permuted to hold the channels last (ConvNeXt's MLP) changes the channels, as a 1×1 conv.
  const channelsLast =
    inShape !== undefined && order !== undefined && order.at(-1) === channelAxis(inShape, ctx.framework);
  const next: Flow = {
    channels:
      kind === "dense" && channelsLast
        ? args["out_features"]
        : outChannels(kind, args, inChannels, rank, ctx.framework),
    stride: strideThrough(kind, args, ctx.framework, flow.stride),
    base: flow.base,
    prevKind: kind,
  };
  if (layer?.outputShape) next.shape = layer.outputShape;
  if (kind === "flatten" || (kind === "dense" && rank > 0 && !channelsLast)) {
    // Flattening multiplies in the spatial sizes, which only this use's shape knows.
    const shape = layer?.outputShape;
    next.channels = shape ? num(channels(shape, ctx.framework)) : undefined;
  }
  return next;
}

/** The target's code for the layer, or its refusal (which then stops the export if this code is written). */
function factOf(op: LayerOp, ctx: LowerContext): string {
  try {
    return ctx.fact(op, ctx.framework);
  } catch (e) {
    if (e instanceof Refusal) return `refused: ${e.message}`;
    throw e;
  }
}

function outChannels(
  kind: string,
  args: Record<string, Sym>,
  inChannels: Sym | undefined,
  rank: number,
  fw: Framework,
): Sym | undefined {
  if (kind === "conv" || kind === "convtranspose") return args["out_channels"];
  if (kind === "dense") return rank === 0 || fw === "keras" ? args["out_features"] : inChannels;
  return inChannels;
}

/**
 * The spatial step through a layer when its output size is ⌊(W − 1)/S⌋ + 1 (padding that exactly
 * offsets the kernel, or Keras' `same`): such steps multiply, which is what `shortcut auto`'s projection
 * stride is. Anything else (a pool that shrinks, an upsampling) gives undefined.
 */
export function strideThrough(
  kind: string,
  args: Record<string, Sym>,
  fw: Framework,
  before: Sym | undefined,
): Sym | undefined {
  if (before === undefined) return undefined;
  if (SAME_SHAPE.has(kind)) return before;
  if (kind !== "conv" && kind !== "maxpool" && kind !== "avgpool") return undefined;
  const pool = kind !== "conv";
  const k = numberOf(scalar(args["kernel"]));
  const stride = args["stride"] ? scalar(args["stride"]) : pool ? scalar(args["kernel"]) : num(1);
  const s = numberOf(stride);
  const d = kind === "avgpool" ? 1 : numberOf(scalar(args["dilation"] ?? num(1)));
  const p = args["padding"]?.value;
  if (k === undefined || s === undefined || d === undefined || !stride || !p) return undefined;
  if (args["ceil_mode"]?.value?.type === "bool" && args["ceil_mode"].value.value && s !== 1) return undefined;
  const offsets = (pad: number | undefined) => pad !== undefined && 2 * pad === d * (k - 1);
  const ok =
    p.type === "word"
      ? p.value === "same" || offsets(0)
      : p.type === "number"
        ? offsets(p.value)
        : p.type === "tuple" && p.items.every((i) => offsets(i?.type === "number" ? i.value : undefined));
  if (!ok) return undefined;
  return arith("*", before, stride);
}

function numberOf(s: Sym | undefined): number | undefined {
  return s?.value?.type === "number" ? s.value.value : undefined;
}

/** A per-axis argument as one value: a scalar, or a literal tuple whose items are all equal. */
function scalar(s: Sym | undefined): Sym | undefined {
  if (!s?.value) return undefined;
  if (s.value.type === "number") return s;
  if (s.value.type === "tuple" && s.node.t === "lit") {
    const first = s.value.items[0];
    if (first?.type === "number" && s.value.items.every((i) => i?.type === "number" && i.value === first.value))
      return num(first.value);
  }
  return undefined;
}

/** Two symbolic values say the same thing in every use. */
export function sameSym(a: Sym | undefined, b: Sym | undefined): boolean {
  return a !== undefined && b !== undefined && key(a) === key(b);
}
