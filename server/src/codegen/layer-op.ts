// One layer as the exporters' intermediate form holds it (ir.ts): the input of each kind's PyTorch and Keras faces.
import type { LayerInfo, Shape } from "../analysis/types.js";
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
