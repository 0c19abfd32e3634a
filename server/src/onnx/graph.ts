// Accumulates ONNX nodes, initializers and constants with unique names while the builder walks a model.
import { DataType, floatBytes, int64Bytes, type AttrValue, type NodeData, type TensorData } from "./proto.js";
import type { FloatTensor } from "./tensors.js";

/** A value in the graph: its rank (batch included) and whether it is in Keras' channels-last order. */
export interface Value {
  name: string;
  rank: number;
  channelsLast: boolean;
}

/** Node names carry the layer they belong to, so profiles can be summed per layer. */
export const NODE_SEPARATOR = "#";

export class GraphBuilder {
  readonly nodes: NodeData[] = [];
  readonly initializers: TensorData[] = [];
  private readonly names = new Set<string>();
  private counter = 0;
  /** The layer being emitted; its nodes are named `<layer>#<n>`. */
  owner = "graph";

  /** Claims a name, failing loudly on a clash (two layers must never share an output). */
  claim(name: string): string {
    if (this.names.has(name)) throw new Error(`ONNX builder: the name '${name}' is used twice`);
    this.names.add(name);
    return name;
  }

  fresh(): string {
    return this.claim(`${this.owner}${NODE_SEPARATOR}${this.counter++}`);
  }

  /** Adds a node and returns its (single) output; `output` names it, else a fresh name is made. */
  op(opType: string, inputs: string[], attributes?: Record<string, AttrValue>, output?: string): string {
    const out = output === undefined ? this.fresh() : this.claim(output);
    const name = `${this.owner}${NODE_SEPARATOR}${this.nodes.length}`;
    this.nodes.push({ opType, inputs, outputs: [out], name, ...(attributes ? { attributes } : {}) });
    return out;
  }

  /** A float32 initializer under a given name (weights keep their state_dict names). */
  floatTensor(name: string, tensor: FloatTensor): string {
    this.initializers.push({
      name: this.claim(name),
      dims: tensor.shape,
      dataType: DataType.FLOAT,
      raw: floatBytes(tensor.data),
    });
    return name;
  }

  floatConst(values: number[], dims: number[] = [values.length]): string {
    const name = this.fresh();
    this.initializers.push({ name, dims, dataType: DataType.FLOAT, raw: floatBytes(Float32Array.from(values)) });
    return name;
  }

  /** A scalar float constant (rank 0), for element-wise arithmetic with broadcasting. */
  scalar(value: number): string {
    return this.floatConst([value], []);
  }

  int64Const(values: number[]): string {
    const name = this.fresh();
    this.initializers.push({ name, dims: [values.length], dataType: DataType.INT64, raw: int64Bytes(values) });
    return name;
  }

  transpose(x: string, perm: number[], output?: string): string {
    return this.op("Transpose", [x], { perm }, output);
  }
}

/** The permutation from channels-last [N, …S, C] to channels-first [N, C, …S] for a tensor of `rank`. */
export function toChannelsFirst(rank: number): number[] {
  return [0, rank - 1, ...Array.from({ length: rank - 2 }, (_, i) => i + 1)];
}

/** The permutation from channels-first [N, C, …S] to channels-last [N, …S, C]. */
export function toChannelsLast(rank: number): number[] {
  return [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1];
}
