// InstanceNormalization, and GroupNorm as opset 17 writes it (PyTorch's export and cnnlens' own, layers/groupnorm.ts):
// Reshape [N, G, -1] → InstanceNormalization (γ 1, β 0 per group) → Reshape back → Mul γ → Add β per channel.
import type { ConstTensor, OnnxNode } from "./ir.js";
import { floatAttr, intsAttr } from "./ir.js";
import { layerCall } from "./layer-text.js";
import type { MappedLayer, OpContext } from "./op-context.js";

/** What the pattern reads of the graph. */
export interface NormGraph {
  opset: number;
  constant(v: string): ConstTensor | undefined;
  producer(v: string): OnnxNode | undefined;
  /** The one node reading a tensor that is not a graph output. */
  only(v: string): OnnxNode | undefined;
}

/**
 * `instancenorm`, with `affine: true` when the scale and shift are the file's own tensors (named `….weight`, or not
 * the identity); a scale of ones and a shift of zeros that the exporter made up is PyTorch's default, no affine.
 */
export function mapInstanceNorm(c: OpContext): MappedLayer {
  const scale = c.floats(1, "scale");
  const shift = c.floats(2, "bias");
  const named = /\.weight$/.test(c.node.inputs[1] ?? "");
  const affine = named || scale.data.some((v) => v !== 1) || shift.data.some((v) => v !== 0);
  const call = layerCall(
    "instancenorm",
    [],
    [
      ["affine", affine ? true : undefined],
      ["eps", epsilon(c.node)],
    ],
  );
  return c.layer(call, c.input, affine ? [...tensors(scale.data, shift.data)] : []);
}

/** A GroupNorm starting at the Reshape `n`: the groups, the layer, and the last node of the pattern. */
export function groupNormPattern(
  n: OnnxNode,
  c: OpContext,
  g: NormGraph,
): { layer: MappedLayer; last: OnnxNode; nodes: OnnxNode[] } | undefined {
  const shape = c.input;
  const channels = shape[1]!;
  const target = c.ints(1);
  if (n.opType !== "Reshape" || shape.length < 3 || target?.length !== 3 || target[2] !== -1) return undefined;
  const groups = target[1]!;
  if ((target[0] !== 0 && target[0] !== shape[0]) || groups <= 0 || channels % groups !== 0) return undefined;
  const norm = g.only(n.outputs[0]!);
  if (norm?.opType !== "InstanceNormalization" || norm.inputs[0] !== n.outputs[0]) return undefined;
  const unit = (i: number, value: number) => valueOf(norm.inputs[i] ?? "", g)?.float?.every((v) => v === value);
  if (!unit(1, 1) || !unit(2, 0)) return undefined;
  const back = g.only(norm.outputs[0]!);
  if (back?.opType !== "Reshape" || !backToShape(back, n.inputs[0]!, shape, g)) return undefined;
  const nodes = [n, norm, back];
  const eps = epsilon(norm);
  // γ and β per channel after it make it affine (nn.GroupNorm's default); without both it is `affine: false`.
  const mul = g.only(back.outputs[0]!);
  const gamma = mul?.opType === "Mul" ? otherOperand(mul, back.outputs[0]!, shape, g) : undefined;
  const add = gamma ? g.only(mul!.outputs[0]!) : undefined;
  const beta = add?.opType === "Add" ? otherOperand(add, mul!.outputs[0]!, shape, g) : undefined;
  if (!gamma || !beta) {
    const call = layerCall(
      "groupnorm",
      [groups],
      [
        ["eps", eps],
        ["affine", false],
      ],
    );
    return { layer: c.layer(call, shape), last: back, nodes };
  }
  const call = layerCall("groupnorm", [groups], [["eps", eps]]);
  const layer = { ...c.layer(call, shape), tensors: tensors(gamma, beta), hint: weightHint(mul!, g) ?? n.name };
  return { layer, last: add!, nodes: [...nodes, mul!, add!] };
}

/** The second Reshape goes back to the input's shape: a constant equal to it, or the input's own Shape. */
function backToShape(back: OnnxNode, x: string, shape: number[], g: NormGraph): boolean {
  const to = back.inputs[1] ?? "";
  const given = valueOf(to, g)?.ints;
  if (given) return given.length === shape.length && given.every((d, i) => d === shape[i] || (i === 0 && d === 0));
  const source = g.producer(to);
  return source?.opType === "Shape" && source.inputs[0] === x;
}

/** The per-channel constant (C, 1, …, 1) a Mul or Add applies, read through the Reshape or Unsqueeze that shapes it. */
function otherOperand(n: OnnxNode, from: string, shape: number[], g: NormGraph): Float32Array | undefined {
  if (n.inputs.length !== 2) return undefined;
  const v = n.inputs[0] === from ? n.inputs[1]! : n.inputs[0]!;
  const perChannel = (dims: number[]) => {
    const rest = dims.length === shape.length ? dims.slice(1) : dims;
    return (
      (dims.length !== shape.length || dims[0] === 1) && sameDims(rest, [shape[1]!, ...shape.slice(2).map(() => 1)])
    );
  };
  const direct = valueOf(v, g);
  if (direct?.float) return perChannel(direct.dims) ? direct.float : undefined;
  // Not folded yet (the mapping meets the pattern's first node before the weight's Reshape): read through it.
  const p = g.producer(v);
  const source = p ? g.constant(p.inputs[0] ?? "") : undefined;
  if (!p || !source?.float || source.float.length !== shape[1]) return undefined;
  if (p.opType === "Reshape") {
    const target = g.constant(p.inputs[1] ?? "")?.ints;
    const known = target?.map((d) => (d === -1 ? source.float!.length : d));
    return known && perChannel(known) ? source.float : undefined;
  }
  if (p.opType === "Unsqueeze") {
    const axes = g.opset >= 13 ? g.constant(p.inputs[1] ?? "")?.ints : intsAttr(p, "axes");
    const dims = [...source.dims];
    const rank = dims.length + (axes?.length ?? 0);
    for (const a of [...(axes ?? [])].map((x) => (x < 0 ? x + rank : x)).sort((a, b) => a - b)) dims.splice(a, 0, 1);
    return axes && perChannel(dims) ? source.float : undefined;
  }
  return undefined;
}

/**
 * A constant input, also when a Constant node that the mapping has not met yet makes it (PyTorch writes γ 1 and β 0
 * of the groups as Constant nodes after the first Reshape).
 */
function valueOf(v: string, g: NormGraph): ConstTensor | undefined {
  const found = g.constant(v);
  if (found) return found;
  const source = g.producer(v);
  const value = source?.opType === "Constant" ? source.attrs.get("value") : undefined;
  return value?.kind === "tensor" ? value.value : undefined;
}

/** The weight's name without `.weight` (`layer1.gn.weight` → `layer1.gn`), read through its Reshape, for labels. */
function weightHint(mul: OnnxNode, g: NormGraph): string | undefined {
  const names = mul.inputs.flatMap((v) => [v, ...(g.producer(v)?.inputs ?? [])]);
  return names.find((v) => v.endsWith(".weight"))?.replace(/\.weight$/, "");
}

function tensors(scale: Float32Array, shift: Float32Array): MappedLayer["tensors"] {
  return [
    ["weight", { shape: [scale.length], data: scale }],
    ["bias", { shape: [shift.length], data: shift }],
  ];
}

/** The epsilon when it is not the language's default 1e-5. */
function epsilon(n: OnnxNode): number | undefined {
  const eps = floatAttr(n, "epsilon", 1e-5);
  return Math.fround(eps) === Math.fround(1e-5) ? undefined : eps;
}

const sameDims = (a: number[], b: number[]) => a.length === b.length && a.every((d, i) => d === b[i]);
