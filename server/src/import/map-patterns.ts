// Patterns of several nodes that are one layer: x·sigmoid(x), a channel shuffle's reshapes, a mean over the image.
import type { ConstTensor, OnnxNode } from "./ir.js";
import { intAttr, intsAttr } from "./ir.js";
import type { OpContext } from "./op-context.js";

/** Sigmoid(x)·x → silu, Tanh(Softplus(x))·x → mish, starting from the Sigmoid or Softplus node. */
export function fusedActivation(
  n: OnnxNode,
  only: (v: string) => OnnxNode | undefined,
  x: string,
  real: (v: string) => string,
): { kind: string; mul: OnnxNode; nodes: OnnxNode[] } | undefined {
  let last = n;
  const nodes = [n];
  let kind = "silu";
  if (n.opType === "Softplus") {
    const tanh = only(n.outputs[0]!);
    if (tanh?.opType !== "Tanh") return undefined;
    nodes.push(tanh);
    last = tanh;
    kind = "mish";
  } else if (n.opType !== "Sigmoid") return undefined;
  const mul = only(last.outputs[0]!);
  if (mul?.opType !== "Mul" || mul.inputs.length !== 2) return undefined;
  const other = mul.inputs.find((i) => i !== last.outputs[0]);
  if (other === undefined || real(other) !== x) return undefined;
  return { kind, mul, nodes: [...nodes, mul] };
}

/** Reshape [N, g, C/g, …] → Transpose(0, 2, 1, …) → Reshape [N, C, …]: ShuffleNet's channel shuffle. */
export function shufflePattern(
  n: OnnxNode,
  c: OpContext,
  only: (v: string) => OnnxNode | undefined,
): { groups: number; last: OnnxNode; nodes: OnnxNode[] } | undefined {
  if (n.opType !== "Reshape" || c.input.length < 3) return undefined;
  const target = c.ints(1);
  const transpose = only(n.outputs[0]!);
  if (!target || transpose?.opType !== "Transpose") return undefined;
  const back = only(transpose.outputs[0]!);
  if (back?.opType !== "Reshape") return undefined;
  const perm = intsAttr(transpose, "perm");
  const channels = c.input[1]!;
  const groups = target[1]!;
  if (!perm || perm[0] !== 0 || perm[1] !== 2 || perm[2] !== 1 || perm.slice(3).some((p, i) => p !== i + 3))
    return undefined;
  if (groups <= 0 || channels % groups !== 0 || (target[2] !== channels / groups && target[2] !== -1)) return undefined;
  return { groups, last: back, nodes: [n, transpose, back] };
}

/** The axes of a ReduceMean/ReduceMax when they are every spatial axis, and whether it keeps them. */
export function globalReduce(
  n: OnnxNode,
  opset: number,
  rank: number,
  constant: (v: string) => ConstTensor | undefined,
): { keep: boolean } | undefined {
  const given = opset >= 18 && n.inputs[1] ? constant(n.inputs[1])?.ints : intsAttr(n, "axes");
  if (!given || rank < 3) return undefined;
  const axes = given.map((a) => (a < 0 ? a + rank : a)).sort((a, b) => a - b);
  const spatial = Array.from({ length: rank - 2 }, (_, i) => i + 2);
  if (axes.length !== spatial.length || axes.some((a, i) => a !== spatial[i])) return undefined;
  return { keep: intAttr(n, "keepdims", 1) === 1 };
}

/** Transpose(0, 2, 3, 1) → LayerNormalization(axis −1) → Transpose(0, 3, 1, 2): the language's `layernorm`. */
export function channelLayerNorm(
  n: OnnxNode,
  c: OpContext,
  only: (v: string) => OnnxNode | undefined,
): { norm: OnnxNode; last: OnnxNode; nodes: OnnxNode[]; lastShape: number[] } | undefined {
  const rank = c.input.length;
  if (n.opType !== "Transpose" || rank < 3) return undefined;
  const toLast = [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1];
  const toFirst = [0, rank - 1, ...Array.from({ length: rank - 2 }, (_, i) => i + 1)];
  const same = (a: number[] | undefined, b: number[]) => a?.length === b.length && a.every((v, i) => v === b[i]);
  if (!same(intsAttr(n, "perm"), toLast)) return undefined;
  const norm = only(n.outputs[0]!);
  if (norm?.opType !== "LayerNormalization") return undefined;
  const axis = intAttr(norm, "axis", -1);
  if (axis !== -1 && axis !== rank - 1) return undefined;
  const last = only(norm.outputs[0]!);
  if (last?.opType !== "Transpose" || !same(intsAttr(last, "perm"), toFirst)) return undefined;
  return { norm, last, nodes: [n, norm, last], lastShape: toLast.map((p) => c.input[p]!) };
}
