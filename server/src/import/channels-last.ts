// Channels-last graphs (a Keras file exported by cnnlens, onnx/graph.ts' Layout): the input is [N, …S, C], a Transpose
// to channels first comes before the operators that need the channels second (Conv, the pools, BatchNormalization,
// the merges) and a Transpose back before those that work in the file's order (Flatten, a dense on a feature map,
// Softmax, the graph's outputs). The importer reads such a graph as a `framework keras` file: those Transposes are
// the same tensor in another order, not layers, and every tensor's shape is kept channels first inside the importer.
import type { OnnxGraph, OnnxNode } from "./ir.js";
import { intsAttr } from "./ir.js";
import { describeNode, refuse } from "./refusal.js";

export type Framework = "pytorch" | "keras";

/** Where a tensor's channels are: second (as ONNX's Conv wants them) or last (the Keras file's own order). */
type Order = "first" | "last";

/** Operators that need the channels second: they read a tensor that a Transpose put channels first. */
const CHANNELS_FIRST = new Set([
  "Conv",
  "MaxPool",
  "AveragePool",
  "GlobalAveragePool",
  "GlobalMaxPool",
  "BatchNormalization",
  "Pad",
  "Concat",
  "Split",
  "Slice",
  "ReduceMean",
  "ReduceMax",
  "Resize",
  "Upsample",
  "LRN",
]);

/** Operators that act on the last axis or flatten in the file's order: they read a channels-last feature map. */
const CHANNELS_LAST = new Set(["Flatten", "Reshape", "Softmax", "LayerNormalization", "MatMul", "Gemm"]);

/** Operators that act on every element alike: they keep the order of what they read. */
const ELEMENTWISE = new Set([
  "Relu",
  "Sigmoid",
  "Tanh",
  "HardSwish",
  "HardSigmoid",
  "Softplus",
  "LeakyRelu",
  "Elu",
  "Clip",
  "Mul",
  "Add",
  "Sum",
  "Identity",
  "Dropout",
]);

/** The permutation from channels-last [N, …S, C] to channels-first [N, C, …S], and its inverse. */
const toFirst = (rank: number) => [0, rank - 1, ...Array.from({ length: rank - 2 }, (_, i) => i + 1)];
const toLast = (rank: number) => [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1];
const same = (a: number[] | undefined, b: number[]) => a?.length === b.length && a.every((v, i) => v === b[i]);

/** A shape (batch first) in the file's order: Keras puts the channels of a feature map last. */
export function fileShape(shape: number[], framework: Framework): number[] {
  return framework === "keras" && shape.length >= 3 ? [shape[0]!, ...shape.slice(2), shape[1]!] : shape;
}

/** A graph input's shape as the file gives it → channels first, as the importer keeps every shape. */
export function firstShape(shape: number[], framework: Framework): number[] {
  return framework === "keras" && shape.length >= 3 ? [shape[0]!, shape.at(-1)!, ...shape.slice(1, -1)] : shape;
}

/**
 * The channels-last reading of `graph`, or undefined for a channels-first one. A graph is channels last when each
 * of its feature-map inputs is read only by Transposes to channels first, as the Keras export writes it.
 */
export function channelsLastGraph(graph: OnnxGraph, order: OnnxNode[]): ChannelsLast | undefined {
  const maps = graph.inputs.filter((i) => (i.dims?.length ?? 0) >= 3);
  if (maps.length === 0) return undefined;
  const readers = (v: string) => order.filter((n) => n.inputs.includes(v));
  const keras = maps.every((i) => {
    const users = readers(i.name);
    return users.length > 0 && users.every((n) => isTranspose(n, toFirst(i.dims!.length)));
  });
  return keras ? new ChannelsLast(graph, order) : undefined;
}

/** Each tensor's order, from the graph alone (a Transpose sets it, every other node keeps its first input's). */
export class ChannelsLast {
  private readonly order = new Map<string, Order>();
  private readonly rank = new Map<string, number>();

  constructor(graph: OnnxGraph, nodes: OnnxNode[]) {
    for (const i of graph.inputs) {
      this.order.set(i.name, "last");
      this.rank.set(i.name, i.dims?.length ?? 0);
    }
    for (const n of nodes) {
      const x = n.inputs[0] ?? "";
      const rank = this.rank.get(x) ?? 0;
      const moved = n.opType === "Transpose" ? this.moves(n, rank) : undefined;
      const given = moved ?? this.order.get(x) ?? "first";
      // Flatten, Gemm and a Reshape give a flat tensor; ranks are only followed as far as the layout needs them.
      const out = n.opType === "Flatten" || n.opType === "Gemm" || n.opType === "Reshape" ? 2 : rank;
      for (const o of n.outputs) {
        this.order.set(o, given);
        this.rank.set(o, out);
      }
    }
  }

  /** The order a Transpose between the two orders gives, or undefined for another permutation. */
  moves(n: OnnxNode, rank: number): Order | undefined {
    if (rank < 3) return undefined;
    return isTranspose(n, toFirst(rank)) ? "first" : isTranspose(n, toLast(rank)) ? "last" : undefined;
  }

  /** True for a Transpose that only changes the order: the importer reads its output as its input. */
  isReorder(n: OnnxNode): boolean {
    return n.opType === "Transpose" && this.moves(n, this.rank.get(n.inputs[0] ?? "") ?? 0) !== undefined;
  }

  /**
   * Refuses a node that reads a feature map in the order it cannot work in (a Conv on channels last, a Flatten of
   * channels first), and the operators a Keras file is not imported with yet, naming the node and the operator.
   */
  check(n: OnnxNode, spatialOnes: (v: string) => boolean): void {
    const maps = n.inputs.filter((v) => (this.rank.get(v) ?? 0) >= 3);
    const orders = new Set(maps.map((v) => this.order.get(v)));
    const why = (text: string) => refuse(`${describeNode(n)} in a channels-last (Keras) graph: ${text}`);
    if (n.opType === "Transpose")
      why(`its permutation [${intsAttr(n, "perm")?.join(", ") ?? ""}] is not a change between channels first and last`);
    if (orders.size > 1) why("it joins tensors with the channels in different places");
    // A constant operand broadcasts over the file's order; only the channels-first case is read (as a scale).
    if ((n.opType === "Add" || n.opType === "Mul") && maps.length < n.inputs.length && orders.has("last"))
      why("it computes with a constant on a tensor with the channels last");
    if (n.opType === "MatMul" && maps.length > 0) why("a dense layer on a feature map is not imported yet");
    const [order] = orders;
    if (order === "last" && CHANNELS_FIRST.has(n.opType))
      why("it reads a tensor with the channels last, where ONNX's operator needs them second");
    // A flatten reads the same values in either order when the spatial axes have size 1 (a global pool's).
    const flat = (n.opType === "Flatten" || n.opType === "Reshape") && maps.every(spatialOnes);
    if (order === "first" && CHANNELS_LAST.has(n.opType) && !flat)
      why(`it reads a tensor with the channels second, where a Keras file's ${n.opType} reads them last`);
    if (!CHANNELS_FIRST.has(n.opType) && !CHANNELS_LAST.has(n.opType) && !ELEMENTWISE.has(n.opType))
      why(`${n.opType} is not imported into a Keras file yet; export the model channels first (a pytorch file)`);
  }

  /** Refuses a feature-map output with the channels second: a Keras model gives its outputs channels last. */
  checkOutput(v: string): void {
    if ((this.rank.get(v) ?? 0) >= 3 && this.order.get(v) === "first")
      refuse(`the graph output '${v}' has its channels second, which a Keras file's output cannot have`);
  }
}

function isTranspose(n: OnnxNode, perm: number[]): boolean {
  return n.opType === "Transpose" && same(intsAttr(n, "perm"), perm);
}
