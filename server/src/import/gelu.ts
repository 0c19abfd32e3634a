// GELU as exporters write it without a Gelu operator (before opset 20): x · ½ · (1 + erf(x / √2)), in either of
// the two orders PyTorch and cnnlens' own export use. Found before the walk, because its first node (x / √2) comes
// before the Erf that identifies it.
import type { ConstTensor, OnnxGraph, OnnxNode } from "./ir.js";
import { foldNode } from "./fold.js";

export interface GeluMatch {
  /** The tensor the pattern reads and the one it writes. */
  input: string;
  output: string;
  nodes: OnnxNode[];
}

/** Every GELU subgraph, by its first node in `order`. */
export function findGelus(graph: OnnxGraph, order: OnnxNode[]): Map<OnnxNode, GeluMatch> {
  const producer = new Map<string, OnnxNode>();
  const users = new Map<string, OnnxNode[]>();
  for (const n of order) {
    for (const o of n.outputs) producer.set(o, n);
    for (const i of n.inputs) users.set(i, [...(users.get(i) ?? []), n]);
  }
  const constant = (name: string): number | undefined => {
    const p = producer.get(name);
    const t: ConstTensor | undefined =
      graph.constants.get(name) ??
      (p?.opType === "Constant"
        ? foldNode(p, graph.opset, { constant: () => undefined, shape: () => undefined })
        : undefined);
    const values = t?.float ? Array.from(t.float) : t?.ints;
    return values?.length === 1 ? values[0] : undefined;
  };
  const only = (v: string) => (users.get(v)?.length === 1 ? users.get(v)![0] : undefined);
  /** For a binary node with one constant operand: the other operand and the constant. */
  const split = (n: OnnxNode | undefined, op: string) => {
    if (n?.opType !== op || n.inputs.length !== 2) return undefined;
    const [a, b] = n.inputs as [string, string];
    const ca = constant(a);
    const cb = constant(b);
    if (cb !== undefined && ca === undefined) return { other: a, value: cb };
    if (ca !== undefined && cb === undefined && op !== "Div") return { other: b, value: ca };
    return undefined;
  };
  const near = (v: number, want: number) => Math.abs(v - want) < 1e-6;
  const found = new Map<OnnxNode, GeluMatch>();
  for (const erf of order) {
    if (erf.opType !== "Erf") continue;
    const pre = producer.get(erf.inputs[0]!);
    const scaled = split(pre, "Mul") ?? split(pre, "Div");
    if (!pre || !scaled || !near(pre.opType === "Mul" ? scaled.value : 1 / scaled.value, Math.SQRT1_2)) continue;
    const x = scaled.other;
    const add = only(erf.outputs[0]!);
    const one = split(add, "Add");
    if (!add || !one || !near(one.value, 1)) continue;
    const product = only(add.outputs[0]!);
    if (product?.opType !== "Mul") continue;
    const other = product.inputs.find((i) => i !== add.outputs[0]);
    if (other === undefined) continue;
    let nodes: OnnxNode[];
    let output: string;
    const half = split(producer.get(other), "Mul");
    if (other === x) {
      // PyTorch: (x · (1 + erf)) · ½
      const last = only(product.outputs[0]!);
      const h = split(last, "Mul");
      if (!last || !h || !near(h.value, 0.5)) continue;
      nodes = [pre, erf, add, product, last];
      output = last.outputs[0]!;
    } else if (half && half.other === x && near(half.value, 0.5) && only(other) === product) {
      // cnnlens: (x · ½) · (1 + erf)
      nodes = [pre, erf, producer.get(other)!, add, product];
      output = product.outputs[0]!;
    } else continue;
    const first = order.find((n) => nodes.includes(n))!;
    found.set(first, { input: x, output, nodes });
  }
  return found;
}
