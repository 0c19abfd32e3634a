// residual, concat and add: shapes that must agree, the auto projection shortcut, and fields through merges.
import type { MergeBranches, MergeLabels, MergeOp, Residual, Span } from "../../../grammar/index.js";
import { Args } from "./arguments.js";
import { broadcastShape } from "./broadcast.js";
import { conv } from "./layers/conv.js";
import { batchnorm } from "./layers/shape-layers.js";
import type { LayerKind } from "./layers/index.js";
import {
  recordInto,
  recordStep,
  type BranchesStep,
  type LayerStep,
  type ResidualStep,
  type SaveStep,
} from "./program.js";
import { mergeFields } from "./receptive-field.js";
import type { Scope, Tensor } from "./scope.js";
import { reportOverflow, shapeOverflow } from "./size-limits.js";
import { axisName, channelAxis, channels, formatShape, sameShape, spatial } from "./tensor.js";
import type { Framework, ReceptiveField, Shape } from "./types.js";
import type { Value } from "./values.js";
import type { WalkContext, Walks } from "./walk-context.js";

/** `residual { main } shortcut …`: main path first, then the shortcut (as torchvision runs them), then add. */
export function applyResidual(item: Residual, input: Tensor, scope: Scope, ctx: WalkContext, walks: Walks): Tensor {
  const step: ResidualStep = { step: "residual", main: [], shortcut: [] };
  recordStep(ctx, step);
  const main = recordInto(ctx, step.main, () => walks.body(item.body, input, scope, ctx));
  let shortcut: Tensor = input;
  let shortcutSpan: Span = item.keyword;
  if (item.shortcut?.kind === "body") {
    const body = item.shortcut.body;
    shortcut = recordInto(ctx, step.shortcut, () => walks.body(body, input, scope, ctx));
    shortcutSpan = item.shortcut.span;
  } else if (item.shortcut?.kind === "auto") {
    shortcutSpan = item.shortcut.span;
    const span = item.shortcut.span;
    shortcut = recordInto(ctx, step.shortcut, () => autoShortcut(input, main, span, scope, ctx, walks));
    const [conv, norm] = step.shortcut as LayerStep[];
    // The names the projection takes here; or, where the shapes agree, would take in a use that has one.
    step.auto =
      conv && norm
        ? { present: true, conv: conv.local, batchnorm: norm.local }
        : { present: false, conv: scope.peekName("conv"), batchnorm: scope.peekName("batchnorm") };
  }
  if (!main.shape || !shortcut.shape) return {};
  if (permutedMerge("residual add", [main, shortcut], item.keyword, ctx)) return {};
  if (!sameShape(main.shape, shortcut.shape)) {
    const fix = item.shortcut
      ? "make both paths end in the same shape"
      : "add `shortcut auto` for a projection, or make the main path keep the shape";
    ctx.report.error(
      "shape-mismatch",
      `residual add: the main path gives ${formatShape(main.shape)}` +
        ` but the shortcut gives ${formatShape(shortcut.shape)}: ${fix}`,
      item.keyword,
      [
        {
          span: lastStatementSpan(item) ?? item.span,
          message: `the main path ends here with ${formatShape(main.shape)}`,
        },
        { span: shortcutSpan, message: `the shortcut gives ${formatShape(shortcut.shape)}` },
      ],
      { main: main.shape, shortcut: shortcut.shape },
    );
    // Recovery: the main path's shape flows on, so one mismatch gives one diagnostic.
    return { shape: main.shape };
  }
  return {
    shape: main.shape,
    field: mergedField([main.field, shortcut.field], item.keyword, ctx),
    node: mergeNode("add", [main, shortcut], item.keyword, ctx),
  };
}

function lastStatementSpan(item: Residual): Span | undefined {
  return item.body[item.body.length - 1]?.span;
}

/**
 * `shortcut auto`: identity when the shapes already match, else `conv(C_out, 1, stride: s, bias: false) ->
 * batchnorm` with the stride that maps the spatial size (torchvision's downsample).
 */
function autoShortcut(input: Tensor, main: Tensor, span: Span, scope: Scope, ctx: WalkContext, walks: Walks): Tensor {
  if (!input.shape || !main.shape) return {};
  if (sameShape(input.shape, main.shape)) return input;
  const fw = ctx.framework;
  const from = spatial(input.shape, fw);
  const to = spatial(main.shape, fw);
  const strides = from.length === to.length ? from.map((w, i) => projectionStride(w, to[i]!)) : [];
  if (from.length !== to.length || input.shape.length !== main.shape.length || strides.some((s) => s === undefined)) {
    ctx.report.error(
      "shape-mismatch",
      `shortcut auto cannot project ${formatShape(input.shape)} to ${formatShape(main.shape)}` +
        ` with a strided 1×1 conv: write the shortcut { … } yourself`,
      span,
    );
    return {};
  }
  const call = (kind: LayerKind, values: Record<string, Value>) => {
    const given = new Map(Object.entries(values).map(([k, v]) => [k, { value: v, span }]));
    return {
      kind: "layer" as const,
      name: { text: kind.kind, span },
      args: [],
      span,
      synthetic: new Args(given, kind.args, fw, span, ctx.report),
    };
  };
  const num = (value: number): Value => ({ type: "number", value, integer: true });
  const projection = call(conv, {
    out_channels: num(channels(main.shape, fw)),
    kernel: num(1),
    stride: { type: "tuple", items: strides.map((s) => num(s!)) },
    bias: { type: "bool", value: false },
  });
  const afterConv = walks.layer(conv, projection, input, scope, ctx, undefined, projection.synthetic);
  const norm = call(batchnorm, {});
  return walks.layer(batchnorm, norm, afterConv, scope, ctx, undefined, norm.synthetic);
}

/**
 * Merges join tensors in the file's layout (concat on the channel axis); a permuted input is reported, with the
 * fix of permuting back before the merge.
 */
function permutedMerge(what: string, tensors: Tensor[], keyword: Span, ctx: WalkContext): boolean {
  const permuted = tensors.find((t) => t.order !== undefined);
  if (!permuted) return false;
  ctx.report.error(
    "permuted-layout",
    `${what}: an input ${formatShape(permuted.shape)} is permuted; merges take tensors in the ${ctx.framework} ` +
      "layout: permute it back before the merge",
    keyword,
  );
  return true;
}

/** The smallest stride s with ⌊(from − 1)/s⌋ + 1 = to, if there is one. */
function projectionStride(from: number, to: number): number | undefined {
  for (let s = 1; s <= from; s++) if (Math.floor((from - 1) / s) + 1 === to) return s;
  return undefined;
}

/** `concat { branch {…} … }` / `add { branch {…} … }`: every branch starts from the same tensor. */
export function applyBranches(
  item: MergeBranches,
  input: Tensor,
  scope: Scope,
  ctx: WalkContext,
  walks: Walks,
): Tensor {
  const step: BranchesStep = { step: "branches", merge: item.op, branches: [] };
  recordStep(ctx, step);
  const outs = item.branches.map((b) => {
    const steps: BranchesStep["branches"][number] = [];
    step.branches.push(steps);
    return {
      tensor: b.body.length ? recordInto(ctx, steps, () => walks.body(b.body, input, scope, ctx)) : input,
      span: b.keyword,
    };
  });
  if (outs.length === 0) {
    ctx.report.error("argument-count", `${item.op} needs at least one branch { … }`, item.keyword);
    return {};
  }
  return merge(item.op, outs, item.keyword, ctx);
}

/** `concat(a, b)` / `add(a)`: the current tensor merged with each labelled one, in order. */
export function applyLabelMerge(item: MergeLabels, input: Tensor, scope: Scope, ctx: WalkContext): Tensor {
  const parts: { tensor: Tensor; span: Span }[] = [{ tensor: input, span: item.keyword }];
  const labels: SaveStep[] = [];
  let ok = true;
  for (const arg of item.args) {
    const v = arg.value;
    if (arg.key || v.kind !== "word") {
      ctx.report.error(
        "argument-type",
        `${item.op}(…) takes labels of earlier layers, e.g. ${item.op}(enc1)`,
        arg.span,
      );
      ok = false;
      continue;
    }
    const entry = scope.lookup(v.name);
    if (!entry) {
      // Recovery: merge the labels that do exist, so the layers after this one keep their shapes.
      ctx.report.error(
        "unknown-label",
        `no label '${v.name}' is defined before this point: label a layer with ${v.name}: conv(…)`,
        v.span,
      );
      continue;
    }
    parts.push({ tensor: entry, span: v.span });
    if (entry.save) labels.push(entry.save);
  }
  recordStep(ctx, { step: "mergeLabels", merge: item.op, labels });
  if (item.args.length === 0) {
    ctx.report.error("argument-count", `${item.op}(…) needs at least one label, e.g. ${item.op}(enc1)`, item.keyword);
    return {};
  }
  if (!ok) return {};
  return merge(item.op, parts, item.keyword, ctx);
}

/** Merges tensors as `op` does: concat on the channel axis, add with equal shapes, mul with broadcasting. */
export function merge(
  op: MergeOp,
  parts: { tensor: Tensor; span: Span }[],
  keyword: Span,
  ctx: WalkContext,
  what: string = op,
): Tensor {
  const shapes = parts.map((p) => p.tensor.shape);
  if (shapes.some((s) => s === undefined)) return {};
  if (
    permutedMerge(
      op,
      parts.map((p) => p.tensor),
      keyword,
      ctx,
    )
  )
    return {};
  const known = shapes as Shape[];
  const first = known[0]!;
  const related = parts.map((p, i) => ({
    span: p.span,
    message: `${i === 0 ? "the first" : "this"} input is ${formatShape(known[i])}`,
  }));
  if (op === "mul") return multiply(parts, known, keyword, related, ctx, what);
  if (op === "add") {
    const bad = known.findIndex((s) => !sameShape(s, first));
    if (bad >= 0) {
      ctx.report.error(
        "shape-mismatch",
        `add needs equal shapes, but gets ${known.map(formatShape).join(" and ")}`,
        keyword,
        related,
      );
      return {};
    }
    return merged("add", first.slice(), parts, keyword, ctx);
  }
  const axis = channelAxis(first, ctx.framework);
  const bad = known.findIndex((s) => s.length !== first.length || s.some((d, i) => i !== axis && d !== first[i]));
  if (bad >= 0) {
    ctx.report.error(
      "concat-mismatch",
      `concat joins on the channel axis and needs the other axes equal` +
        `, but gets ${known.map(formatShape).join(" and ")}`,
      keyword,
      related,
    );
    return {};
  }
  const out = first.slice();
  out[axis] = known.reduce((sum, s) => sum + s[axis]!, 0);
  // Doubling the channels in a repeat reaches 2^53 quickly: past it the count is no longer exact.
  const found = shapeOverflow(out, ctx.model.batch);
  if (found) {
    ctx.model.overflow ??= reportOverflow(found, "concat", keyword, ctx.report);
    return {};
  }
  return merged("concat", out, parts, keyword, ctx);
}

/** `mul`: the product's shape stretches axes of size 1; any other difference is an error naming both shapes. */
function multiply(
  parts: { tensor: Tensor; span: Span }[],
  shapes: Shape[],
  keyword: Span,
  related: { span: Span; message: string }[],
  ctx: WalkContext,
  what: string,
): Tensor {
  let out: Shape = shapes[0]!;
  for (const s of shapes.slice(1)) {
    const next = broadcastShape(out, s);
    if (!next) {
      ctx.report.error("broadcast-mismatch", broadcastMessage(what, out, s, ctx.framework), keyword, related, {
        shapes,
      });
      // Recovery: the first input's shape flows on (a gate's input), so one mismatch gives one diagnostic.
      return { shape: shapes[0]!.slice() };
    }
    out = next;
  }
  return merged("mul", out.slice(), parts, keyword, ctx);
}

/** Why two shapes do not broadcast, with the axis that differs and what would fix it. */
function broadcastMessage(what: string, a: Shape, b: Shape, fw: Framework): string {
  const head =
    `${what} multiplies element-wise and stretches axes of size 1` +
    `, but cannot multiply ${formatShape(a)} by ${formatShape(b)}`;
  if (a.length !== b.length)
    return (
      `${head}: they have ${a.length} and ${b.length} axes; keep the axes of size 1 ` +
      `(${fw === "keras" ? "globalavgpool(keepdims: true)" : "adaptiveavgpool(1)"} rather than a flat tensor)` +
      " so that both have the same number"
    );
  const i = a.findIndex((x, k) => x !== b[k] && x !== 1 && b[k] !== 1);
  if (a.length > 1 && i === channelAxis(a, fw))
    return (
      `${head}: the channels are ${a[i]} against ${b[i]}` +
      `; make them equal (e.g. end the gate with conv(${a[i]}, 1))`
    );
  const spatialIndex = fw === "pytorch" ? i - 1 : i;
  const axis = a.length > 1 && spatialIndex >= 0 ? axisName(spatialIndex, a.length - 1) : `axis ${i + 1}`;
  return `${head}: ${axis} is ${a[i]} against ${b[i]}; make the sizes equal, or pool it to 1 (adaptiveavgpool(1))`;
}

/** The merge's tensor: its shape, the merged receptive field (warned when misaligned) and its dataflow node. */
function merged(
  op: "add" | "concat" | "mul",
  shape: Shape,
  parts: { tensor: Tensor }[],
  keyword: Span,
  ctx: WalkContext,
): Tensor {
  const field = mergedField(
    parts.map((p) => p.tensor.field),
    keyword,
    ctx,
  );
  return {
    shape,
    field,
    node: mergeNode(
      op,
      parts.map((p) => p.tensor),
      keyword,
      ctx,
    ),
  };
}

/** A merge node in the dataflow, when every input has one. */
function mergeNode(op: "add" | "concat" | "mul", inputs: Tensor[], span: Span, ctx: WalkContext): number | undefined {
  const ids = inputs.map((t) => t.node);
  if (ids.some((id) => id === undefined)) return undefined;
  return ctx.model.addNode({ id: -1, op, inputs: ids as number[], span });
}

function mergedField(fields: (ReceptiveField | undefined)[], span: Span, ctx: WalkContext): ReceptiveField | undefined {
  if (fields.some((f) => f === undefined)) return undefined;
  const { field, aligned } = mergeFields(fields as ReceptiveField[]);
  if (!aligned) {
    ctx.report.warning(
      "rf-misaligned",
      "the merged paths' receptive fields are not aligned (they differ in stride or centre)" +
        ": the merge mixes positions that look at different places",
      span,
    );
  }
  return field;
}
