// What the writer writes: the layer graph's nodes, and structures (split, residual, concat, gate) that hold
// bodies of them, each with one input and one output.
import type { LNode } from "./layer-graph.js";
import { inputsOf, outputsOf } from "./layer-graph.js";

export interface Structure {
  kind: "struct";
  struct: "split" | "residual" | "concat" | "gate";
  input: string;
  output: string;
  /** The branches (split, concat), the main path (residual, gate: one body). */
  bodies: Unit[][];
  /** residual: the shortcut's body; empty for the identity. */
  shortcut?: Unit[];
  /** split: the channels of each part. */
  sizes?: number[];
}

export type Unit = LNode | Structure;

export function unitInputs(u: Unit): string[] {
  return u.kind === "struct" ? [u.input] : inputsOf(u);
}

export function unitOutputs(u: Unit): string[] {
  return u.kind === "struct" ? [u.output] : outputsOf(u);
}
