// Merges and splits: which Add, Mul and Concat nodes join paths, the shapes they give, the parts of a split.
import type { ConstTensor, OnnxNode } from "./ir.js";
import { intAttr, intsAttr } from "./ir.js";
import type { LNode } from "./layer-graph.js";
import type { OpContext } from "./op-context.js";
import { describeNode, refuse } from "./refusal.js";

/** Add, Mul, Sum and Concat of computed tensors are merges; with a constant operand they are not. */
export function mergeKind(
  n: OnnxNode,
  constants: Map<string, ConstTensor>,
  real: (v: string) => string,
): "add" | "mul" | "concat" | undefined {
  const kind =
    n.opType === "Add" || n.opType === "Sum"
      ? "add"
      : n.opType === "Mul"
        ? "mul"
        : n.opType === "Concat"
          ? "concat"
          : undefined;
  if (!kind || n.inputs.length < 2 || n.inputs.some((i) => constants.has(real(i)))) return undefined;
  return kind;
}

export function mergeShape(n: OnnxNode, kind: "add" | "mul" | "concat", shapes: number[][]): number[] {
  const first = shapes[0]!;
  const text = () => shapes.map((s) => `[${s.join(", ")}]`).join(" and ");
  if (shapes.some((s) => s.length !== first.length))
    refuse(`${describeNode(n)} joins tensors of different ranks (${text()})`);
  if (kind === "concat") {
    const axis = intAttr(n, "axis", 1);
    if (axis !== 1 && axis !== 1 - first.length)
      refuse(`${describeNode(n)} concatenates on axis ${axis}; the language concatenates channels (axis 1)`);
    if (shapes.some((s) => s.some((d, i) => i !== 1 && d !== first[i])))
      refuse(`${describeNode(n)} concatenates ${text()}, which differ outside the channel axis`);
    return [first[0]!, shapes.reduce((p, s) => p + s[1]!, 0), ...first.slice(2)];
  }
  if (kind === "add") {
    if (shapes.some((s) => s.some((d, i) => d !== first[i])))
      refuse(`${describeNode(n)} adds ${text()}; the language adds tensors of equal shapes`);
    return first;
  }
  const out = first.map((_, i) => Math.max(...shapes.map((s) => s[i]!)));
  if (shapes.some((s) => s.some((d, i) => d !== 1 && d !== out[i])))
    refuse(`${describeNode(n)} multiplies ${text()}, which do not broadcast`);
  return out;
}

export function splitSizes(c: OpContext): number[] {
  const n = c.node;
  const axis = intAttr(n, "axis", 0);
  if (axis !== 1 && axis !== 1 - c.input.length) c.refuse(`it splits axis ${axis}; the language splits channels`);
  const given = c.opset >= 13 ? (n.inputs[1] ? c.ints(1) : undefined) : intsAttr(n, "split");
  const channels = c.input[1]!;
  const parts = n.outputs.length;
  const sizes = given ?? (channels % parts === 0 ? Array<number>(parts).fill(channels / parts) : undefined);
  if (!sizes || sizes.reduce((p, s) => p + s, 0) !== channels)
    c.refuse(`its parts do not divide the ${channels} channels`);
  return sizes;
}

/** A split gathered from Slice nodes; its parts are ordered and checked once every Slice is seen. */
export type SliceSplit = Extract<LNode, { kind: "split" }> & {
  ranges: { start: number; end: number; output: string; node: OnnxNode }[];
};

/** The channels [start, end) a Slice takes; refuses any other slice (spatial crops have no layer). */
export function channelRange(c: OpContext): { start: number; end: number } {
  const n = c.node;
  const rank = c.input.length;
  const starts = c.opset >= 10 ? c.ints(1) : intsAttr(n, "starts");
  const ends = c.opset >= 10 ? c.ints(2) : intsAttr(n, "ends");
  const axes = (c.opset >= 10 ? (n.inputs[3] ? c.ints(3) : undefined) : intsAttr(n, "axes")) ?? [0];
  const steps = c.opset >= 10 && n.inputs[4] ? c.ints(4) : [1];
  if (!starts || !ends || starts.length !== 1 || axes.length !== 1 || steps?.[0] !== 1)
    c.refuse("only a slice of the channel axis with constant bounds (a chunk) is imported");
  const axis = axes[0]! < 0 ? axes[0]! + rank : axes[0]!;
  if (axis !== 1) c.refuse(`it slices axis ${axis}; the language has no crop, only a split of the channels`);
  const channels = c.input[1]!;
  const at = (v: number) => Math.max(0, Math.min(channels, v < 0 ? v + channels : v));
  return { start: at(starts[0]!), end: at(ends[0]!) };
}

/** Orders a gathered split's parts; they must cover the channels once, in order. */
export function closeSplit(split: SliceSplit, channels: number): void {
  const parts = [...split.ranges].sort((a, b) => a.start - b.start);
  let at = 0;
  for (const p of parts) {
    if (p.start !== at || p.end <= p.start)
      refuse(`${describeNode(p.node)}: the slices of '${split.input}' do not cut its channels into consecutive parts`);
    at = p.end;
  }
  if (at !== channels)
    refuse(`${describeNode(parts[0]!.node)}: the slices of '${split.input}' leave channels ${at} to ${channels} out`);
  split.outputs.push(...parts.map((p) => p.output));
  split.sizes.push(...parts.map((p) => p.end - p.start));
}
