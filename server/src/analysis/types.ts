// The result of analysing a .cnn document: plain data with source offsets, no editor or framework types.
import type { FileAst, Span } from "../../../grammar/index.js";
import type { LayerKindName } from "./layers/names.js";
import type { Step } from "./program.js";

export type Framework = "pytorch" | "keras";

/** One sample's shape in the file's own layout (channels first for pytorch, last for keras), no batch axis. */
export type Shape = number[];

export type Severity = "error" | "warning" | "information" | "hint";

export interface RelatedInfo {
  span: Span;
  message: string;
}

export interface Diagnostic {
  severity: Severity;
  code: string;
  message: string;
  span: Span;
  related?: RelatedInfo[];
  /** Machine-readable data for quick fixes (e.g. the suggested name). */
  data?: Record<string, unknown>;
}

/** Receptive field per spatial axis of the model input, in input pixels (centres are 0-based pixel indices). */
export interface ReceptiveField {
  size: number[];
  jump: number[];
  start: number[];
  /** True once a dense layer, flatten or a global pool has mixed every position. */
  global: boolean;
}

export interface ParamCount {
  trainable: number;
  nonTrainable: number;
}

/**
 * A figure too large to count exactly (beyond 2^53 − 1, or infinite): the analysis reports it once, as a
 * `size-overflow` error where it first happens, and leaves the shapes after it unknown.
 */
export interface SizeOverflow {
  /** An output size, the output's value count (whole batch), its bytes, the parameters or the MACs. */
  quantity: "size" | "values" | "memory" | "params" | "macs";
  /** True when the model's running total overflowed rather than the layer's own figure. */
  total: boolean;
  /** The inexact value (possibly Infinity), for messages only. */
  value: number;
  /** The layer name, `input` or the merge (`concat`, `add`) where it happened. */
  where: string;
  span: Span;
  message: string;
}

export interface LayerInfo {
  /** The name used in summaries and for weights: `conv1`, `layer1.conv2`, `repeat1.0.batchnorm1`. */
  name: string;
  /** Canonical kind: `conv`, `batchnorm`, … */
  kind: LayerKindName;
  /** The layer call in the text (inside the block definition for layers of a block). */
  span: Span;
  /** The block uses that lead to this layer, outermost first. */
  via: Span[];
  inputShape?: Shape;
  /** Set when the input is permuted: its axis i is the file layout's axis `inputOrder[i]` (see permute). */
  inputOrder: number[] | undefined;
  outputShape?: Shape;
  /** Set when the output is permuted (as inputOrder); another framework's code then holds it as the file does. */
  outputOrder: number[] | undefined;
  params: ParamCount;
  macs: number;
  /** Bytes of the output activation (float32, whole batch). */
  memory: number;
  receptiveField?: ReceptiveField;
  /** The output-size formula with the numbers put in, one line per distinct axis. */
  formula?: string;
  /** The parameter formula with the numbers put in (`5·5·3·16 + 16 = 1216`). */
  paramFormula?: string;
  /** Resolved arguments, for hovers and exporters. */
  args: Record<string, unknown>;
  /** Set on the layer whose figures overflowed; its output, params, MACs and memory are then unknown (0). */
  overflow?: SizeOverflow;
}

/** A block use, a repeat or a merge: a span of the text that produced a run of layers. */
export interface GroupInfo {
  kind: "block" | "repeat" | "residual" | "concat" | "add" | "mul" | "gate" | "split" | "sequential";
  name: string;
  span: Span;
  via: Span[];
  inputShape?: Shape;
  outputShape?: Shape;
  params: ParamCount;
  macs: number;
  /** Bytes of the outputs of every layer in the group (float32, whole batch), as a model's activations add up. */
  memory: number;
  /** The receptive field of the group's output (after its merge, for a residual or a concat). */
  receptiveField?: ReceptiveField;
  /** For a block use: the block's name. */
  definition?: string;
  /** Index range [first, end) into the model's layers. */
  layers: [number, number];
  /** Id range [first, end) into the model's dataflow `graph`: the nodes made inside it, merges included. */
  nodes: [number, number];
}

export interface LabelInfo {
  name: string;
  span: Span;
  shape?: Shape;
  via: Span[];
}

/**
 * The model's dataflow, for the simulation and the exporters: the input, each layer (an index into
 * `layers`) with the node it reads, and each merge with the nodes it joins, in execution order.
 */
export type GraphNode =
  /** A model input; `index` counts the labelled inputs (undefined: the first). */
  | { id: number; op: "input"; index?: number }
  | { id: number; op: "layer"; layer: number; input: number }
  /** A merge; `span` is its keyword in the text (`add`, `concat`, `mul`, `residual`, `gate`). */
  | { id: number; op: "add" | "concat" | "mul"; inputs: number[]; span?: Span }
  /** One part of a channel split: `sizes` are every part's channels, `index` says which part this is. */
  | { id: number; op: "split"; input: number; sizes: number[]; index: number };

/** One of a model's results: `output(a, b)` names them in order; by default the last tensor, named `output`. */
export interface ModelOutput {
  name: string;
  shape?: Shape;
  /** The dataflow node, when the model has no errors. */
  node?: number;
  /** The label in `output(…)`; undefined for the default output. */
  span?: Span;
}

/** One input of a model: `input(…)`, or labelled (`image: input(3, 224, 224)`) when a model has several. */
export interface ModelInputInfo {
  /** The label, or `input` for an unlabelled one. */
  name: string;
  shape?: Shape;
  span: Span;
}

export interface ModelInfo {
  name: string;
  nameSpan: Span;
  span: Span;
  framework: Framework;
  /** The first input's shape (the one the body continues from). */
  input?: Shape;
  /** Every input in order; several only when each is labelled. */
  inputs: ModelInputInfo[];
  batch: number;
  output?: Shape;
  params: ParamCount & { total: number };
  macs: number;
  memory: { input: number; activations: number; params: number };
  receptiveField?: ReceptiveField;
  layers: LayerInfo[];
  groups: GroupInfo[];
  labels: LabelInfo[];
  /** Every result in order (at least one once the body is walked); `output` is the first one's shape. */
  outputs: ModelOutput[];
  /** Complete only when the model has no errors; `outputNode` is the node of the first output. */
  graph: GraphNode[];
  outputNode?: number;
  /**
   * The first figure of this model that could not be counted exactly. When set, the totals above are sums
   * of the layers before it only: the model's real totals are unknown and must not be shown as exact digits.
   */
  overflow?: SizeOverflow;
  /** The walk's record of the model body (after `input`), which the exporters read: see program.ts. */
  program?: Step[];
}

export interface BlockInfo {
  name: string;
  nameSpan: Span;
  span: Span;
  params: { name: string; span: Span }[];
  /** Every use of the block in the models (including uses inside other blocks). */
  uses: Span[];
}

export interface Analysis {
  framework: Framework;
  models: ModelInfo[];
  blocks: BlockInfo[];
  diagnostics: Diagnostic[];
  ast: FileAst;
}
