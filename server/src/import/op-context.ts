// What an operator's mapping gets (the node, its input's shape, its constant inputs) and what it gives back.
import type { FloatTensor, ParamRole } from "../onnx/tensors.js";
import type { ConstTensor, OnnxNode } from "./ir.js";
import { describeNode, refuse } from "./refusal.js";

/** One layer of the .cnn file: its call, its tensors in PyTorch's layout, its output shape (batch first). */
export interface MappedLayer {
  call: string;
  tensors: [ParamRole, FloatTensor][];
  outShape: number[];
  /** A name from the file for the layer's label: the weight's name without `.weight`, or the node's name. */
  hint: string;
  /** A layer written before this one for the same node (the zeropad of a conv with uneven padding). */
  before?: MappedLayer;
}

export class OpContext {
  constructor(
    readonly node: OnnxNode,
    readonly opset: number,
    /** The shape of the node's first input, batch first. */
    readonly input: number[],
    private readonly constants: (name: string) => ConstTensor | undefined,
  ) {}

  /** The node's input `i` as a constant, or undefined (absent or computed). */
  constant(i: number): ConstTensor | undefined {
    const name = this.node.inputs[i];
    return name ? this.constants(name) : undefined;
  }

  /** The node's input `i` as a float constant; refuses when it is computed by the graph. */
  floats(i: number, what: string): FloatTensor {
    const t = this.constant(i);
    if (!t?.float)
      this.refuse(`its ${what} (input ${i + 1}, '${this.node.inputs[i] ?? ""}') is not a constant float tensor`);
    return { shape: t.dims, data: t.float };
  }

  /** Integer values of constant input `i` (a Clip bound, a Split's sizes), or undefined. */
  ints(i: number): number[] | undefined {
    const t = this.constant(i);
    return t?.ints ?? (t?.float ? Array.from(t.float) : undefined);
  }

  /** Refuses with the node named: `node 'Conv_3' (Conv): <why>; <fix>`. */
  refuse(why: string): never {
    refuse(`${describeNode(this.node)}: ${why}`);
  }

  /** The weight's name without its role (`layer1.0.conv1.weight` → `layer1.0.conv1`), else the node's name. */
  hint(weightInput = 1): string {
    const w = this.node.inputs[weightInput];
    if (w && this.constants(w)) return w.replace(/\.(weight|bias|running_mean|running_var)$/, "");
    return this.node.name;
  }

  /** A layer with the hint taken from the weight input (or the node). */
  layer(call: string, outShape: number[], tensors: [ParamRole, FloatTensor][] = []): MappedLayer {
    return { call, outShape, tensors, hint: this.hint(tensors.length > 0 ? 1 : -1) };
  }
}
