// The exporters' intermediate form: a model or block body as modules and dataflow, framework-neutral.
import type { MergeOp } from "../../../grammar/index.js";
import type { BlockStep } from "../analysis/program.js";
import type { Framework, Shape } from "../analysis/types.js";
import type { LayerOp } from "../codegen/layer-op.js";
import type { Sym } from "../codegen/sym.js";

export type { LayerOp } from "../codegen/layer-op.js";

/**
 * One operation of a body, applied to the current tensor. `attr` is the layer's name relative to the class
 * (or repeat iteration) that owns it, so that attribute paths spell the analysis' layer names exactly.
 */
export type Op =
  LayerOp | BlockOp | RepeatOp | ResidualOp | BranchesOp | MergeLabelsOp | SaveOp | LoadOp | GateOp | SplitOp | InputOp;

/** A block use: an instance of the block's class, or a call of its function. */
export interface BlockOp {
  op: "block";
  attr: string;
  block: string;
  /** The block's arguments in the caller's terms, one per parameter (undefined: the default applies). */
  args: (Sym | undefined)[];
  inChannels: Sym;
  /** The use this op stands for, to find its class once every use is known; not part of the key. */
  use?: UseRecord;
  outShape?: Shape;
}

/** `repeat N { … }`: a container of iterations named 0, 1, …; `body` is iteration 0. */
export interface RepeatOp {
  op: "repeat";
  attr: string;
  count: Sym;
  /** The loop variable (i, j, k by depth); used by `inChannels` expressions that change per iteration. */
  index: string;
  body: Op[];
  /** Every iteration lowered to the same code as `body` (else the loop must be written out). */
  loopable: boolean;
  /**
   * In model bodies and specialised classes: each iteration with its own values, for writing the loop out
   * when its iterations need different block classes (known only once every use is lowered).
   */
  iterations?: Op[][];
  outShape?: Shape;
}

/** `residual { … } shortcut …`: the main path plus the shortcut. */
export interface ResidualOp {
  op: "residual";
  main: Op[];
  /** The shortcut's layers; empty for the identity. */
  shortcut: Op[];
  /** For `shortcut auto`: the shortcut layers exist only when this holds (a literal when always or never). */
  when?: Sym;
  outShape?: Shape;
}

/** `concat { branch … }` / `add { branch … }`: every branch from the same input. */
export interface BranchesOp {
  op: "branches";
  merge: MergeOp;
  branches: Op[][];
  outShape?: Shape;
}

/** `concat(a, b)` / `add(a)`: the current tensor with labelled ones. */
export interface MergeLabelsOp {
  op: "mergeLabels";
  merge: MergeOp;
  labels: string[];
  outShape?: Shape;
}

/** `gate { … }`: the current tensor times the body's result. */
export interface GateOp {
  op: "gate";
  body: Op[];
  outShape?: Shape;
}

/** `split { branch … }`: channel parts (equal: `sizes` undefined), one branch each, joined on the channels. */
export interface SplitOp {
  op: "split";
  parts: number;
  sizes?: Sym;
  branches: Op[][];
  outShape?: Shape;
}

/** In a model with labelled inputs: continue from input `index`. */
export interface InputOp {
  op: "input";
  index: number;
}

/** `label: …` — keep the current tensor under a name. */
export interface SaveOp {
  op: "save";
  label: string;
}

/** A chain that starts from a label. */
export interface LoadOp {
  op: "load";
  label: string;
}

/** One block use in a model, lowered once generically; its class is decided when all uses are known. */
export interface UseRecord {
  block: string;
  /** The use's full name (`repeat1.0.Bottleneck1`). */
  name: string;
  /** `model index:full name`, the same every time the lowering meets this use (repeats lower it again). */
  id: string;
  /** The body with symbolic parameters, its key, and whether it matched the analysis. */
  generic?: { body: Op[]; key: string };
  /** The body with this use's values put in, made only when the block cannot be one generic class. */
  specialized?: { body: Op[]; key: string };
  /** The parameter values of this use, to write a specialised class. */
  values: Sym[];
  inChannels: Sym;
  inShape?: Shape;
  outShape?: Shape;
  /** The generic body's output channels and spatial step, in the class' terms (for the caller's flow). */
  outChannels?: Sym;
  outStride?: Sym;
  /** The kind of the body's last layer, when it ends in one (a max pool after it may pad with zeros). */
  outPrevKind?: string;
  /** The block uses inside this use's generic body. */
  inner: UseRecord[];
  /** The model and the analysis' record of this use, to lower again for the specialised body. */
  at: { model: number; step: BlockStep };
}

/** A lowered model: its body and the source it came from. */
export interface ModelIR {
  name: string;
  /** The Python class (or function) name. */
  className: string;
  framework: Framework;
  input: Shape;
  /** Every input (`input` when unlabelled), the first being `input`'s. */
  inputs: { name: string; shape: Shape }[];
  /** The results in order; when `labelledOutputs`, each is a label of the body (output(a, b)). */
  outputs: { name: string; shape?: Shape }[];
  labelledOutputs: boolean;
  batch: number;
  body: Op[];
  outShape?: Shape;
}

/** A stable key of a body: equal keys write equal code. Shape comments and use links are left out. */
export function bodyKey(ops: Op[]): string {
  return JSON.stringify(ops, (k, v: unknown) => {
    if (k === "info" || k === "use" || k === "outShape" || k === "inShape" || k === "prevKind") return undefined;
    // A symbolic value is keyed by its expression only: its value belongs to one use.
    return v !== null && typeof v === "object" && "node" in v ? (v as Sym).node : v;
  });
}
