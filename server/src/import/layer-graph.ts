// The .cnn-shaped graph the operator mapping produces: layers, merges and splits over named tensors.
import type { MappedLayer } from "./op-context.js";
import type { OnnxNode } from "./ir.js";
import type { Framework } from "./channels-last.js";

export type LNode =
  /** `label`: a label the layer's name needs (`bn1: batchnorm`), from the names of cnnlens' own export. */
  | { kind: "layer"; layer: MappedLayer; input: string; output: string; source: OnnxNode; label?: string }
  | { kind: "add" | "mul" | "concat"; inputs: string[]; output: string; source: OnnxNode; outShape: number[] }
  /** A channel split into parts of `sizes` channels. */
  | { kind: "split"; input: string; outputs: string[]; sizes: number[]; source: OnnxNode };

export interface LayerGraph {
  /** The graph's first input tensor and its shape (batch first); the body starts from it. */
  input: { name: string; shape: number[] };
  /** Every input, the first one first. */
  inputs: { name: string; shape: number[] }[];
  /** In an order where every node comes after the nodes it reads. */
  nodes: LNode[];
  /** The graph outputs' tensors. */
  outputs: string[];
  /** Every tensor's shape, batch first, channels second (a Keras file's too: see channels-last.ts). */
  shapes: Map<string, number[]>;
  /** The file's framework: `keras` for a channels-last graph. */
  framework: Framework;
}

/** The tensors a node reads, first the one a chain continues from. */
export function inputsOf(n: LNode): string[] {
  return n.kind === "layer" || n.kind === "split" ? [n.input] : n.inputs;
}

export function outputsOf(n: LNode): string[] {
  return n.kind === "split" ? n.outputs : [n.output];
}
