// One layer as the exporters' intermediate form holds it (ir.ts): the input of each kind's PyTorch and Keras faces.
import { channelAxis } from "../analysis/tensor.js";
import type { Framework, LayerInfo, Shape } from "../analysis/types.js";
import type { Sym } from "./sym.js";

/** A layer: a module of the class (PyTorch) or a layer call (Keras). */
export interface LayerOp {
  op: "layer";
  attr: string;
  kind: string;
  /** Canonical argument names (the analysis' keys) to symbolic values; defaults included. */
  args: Record<string, Sym>;
  inChannels: Sym;
  /** Spatial axes of the input (0 for a flat vector). */
  rank: number;
  /** This use's input shape (source layout) and the kind of the layer that made the input; not keyed. */
  inShape?: Shape;
  prevKind?: string;
  /**
   * The code the target writes for this layer (or why it cannot), which may depend on this use's input:
   * keyed, so that uses whose layers are written differently get different classes.
   */
  fact?: string;
  /** This use's analysis record, for shape comments; not part of the key. */
  info?: LayerInfo;
}

/**
 * Whether the op's input is a tensor `permute` reordered so that its last axis holds the file's channels
 * (ConvNeXt's block): `dense` and `layernorm(axis: -1)` then act on the channels, whose count `inChannels`
 * carries as a block parameter's expression, so one class serves every width.
 */
export function channelsLast(op: LayerOp, source: Framework): boolean {
  const order = op.info?.inputOrder;
  return op.inShape !== undefined && order !== undefined && order.at(-1) === channelAxis(op.inShape, source);
}
