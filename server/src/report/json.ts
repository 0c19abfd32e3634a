// The `--json` document of `cnnlens summary` and `cnnlens check`: shapes as arrays, LSP-style positions.
import { modelErrors } from "../analysis/index.js";
import type { Analysis, Diagnostic, GroupInfo, LayerInfo, ModelInfo, SizeOverflow } from "../analysis/index.js";
import { LineIndex, type Position } from "../text/line-index.js";

export interface JsonRange {
  start: Position;
  end: Position;
}

export interface JsonDiagnostic {
  severity: Diagnostic["severity"];
  code: string;
  message: string;
  range: JsonRange;
  related?: { message: string; range: JsonRange }[];
}

export interface JsonLayer {
  name: string;
  kind: string;
  line: number;
  inputShape: number[] | null;
  outputShape: number[] | null;
  /** Null only on the layer whose figures overflowed (see `overflow`): no exact count exists. */
  params: number | null;
  trainableParams: number | null;
  macs: number | null;
  memory: number | null;
  receptiveField: { size: number[]; jump: number[]; start: number[]; global: boolean } | null;
  /** Only on the layer where a figure passed 2^53 − 1: which one (`size`, `values`, `memory`, `params`, `macs`). */
  overflow?: SizeOverflow["quantity"];
}

/** A block use, repeat, seq or merge: the run of layers `layers` = [first, end) that one piece of the text made. */
export interface JsonGroup {
  /** `block`, `repeat`, `sequential`, `residual`, `concat`, `add`, …; more may come: read unknown kinds as groups. */
  kind: string;
  /** Its name: the prefix of its layers' names for block uses, repeats and seqs; the merge's kind for merges. */
  name: string;
  /** For a block use: the block's name. */
  definition?: string;
  /** The line of the block use, `repeat` or merge (0-based). */
  line: number;
  layers: [number, number];
  inputShape: number[] | null;
  outputShape: number[] | null;
}

/** Why a model's totals are null: the first figure that could not be counted exactly. */
export interface JsonOverflow {
  quantity: SizeOverflow["quantity"];
  /** True when the model's running total overflowed rather than one layer's own figure. */
  total: boolean;
  /** The layer name, `input` or `concat`. */
  where: string;
  message: string;
  range: JsonRange;
}

export interface JsonModel {
  name: string;
  framework: string;
  input: number[] | null;
  /** Every input in order: `input` when unlabelled, else its label. */
  inputs: { name: string; shape: number[] | null }[];
  batch: number;
  /** The first output's shape (see `outputs`). */
  output: number[] | null;
  /** Every result in order: the last tensor (named `output`), or the labels output(…) names. */
  outputs: { name: string; shape: number[] | null }[];
  /** The totals are null when `overflow` is present: the sums of the layers before it are not the model's. */
  params: { total: number | null; trainable: number | null; nonTrainable: number | null };
  macs: number | null;
  flops: number | null;
  memory: { input: number | null; activations: number | null; params: number | null };
  layers: JsonLayer[];
  /** Block uses, repeats, seqs and merges, inner ones before the groups that hold them. */
  groups: JsonGroup[];
  /** Present only when a size, count or memory figure passed 2^53 − 1 (a `size-overflow` error). */
  overflow?: JsonOverflow;
}

export interface JsonDocument {
  models: JsonModel[];
  diagnostics: JsonDiagnostic[];
}

/**
 * The layers as the summary view shows them (no input shape, trainable count or receptive field), one list per
 * field: layer i is the i-th item of each. Without a key repeated in every layer the view data of a 50,000-layer
 * model is 2.4 MB instead of 5.5, which the server writes and the editor reads in less time.
 */
export interface JsonTableLayers {
  name: string[];
  kind: string[];
  line: number[];
  outputShape: (number[] | null)[];
  /** Null only on a layer whose figures overflowed (see `overflow`). */
  params: (number | null)[];
  macs: (number | null)[];
  memory: (number | null)[];
  /** Present only when a figure passed 2^53 − 1: at which layers, and which figure. */
  overflow?: { layer: number; quantity: SizeOverflow["quantity"] }[];
}

/** A model as the summary view shows it: its layers trimmed, only the groups that name layers, its error count. */
export interface JsonTableModel extends Omit<JsonModel, "layers" | "groups"> {
  layers: JsonTableLayers;
  groups: Omit<JsonGroup, "inputShape">[];
  /** Errors in the model (its figures are partial when there are any). */
  errors: number;
}

/**
 * The part of the JSON document that the summary view reads. The full document of a 50,000-layer file is
 * 11 MB; this one leaves out what the table does not show (receptive fields, input shapes, diagnostics, the
 * merges' groups) so the request stays small.
 */
export interface JsonTableDocument {
  models: JsonTableModel[];
}

/** The whole analysis as one JSON-ready document. */
export function toJson(analysis: Analysis, text: string): JsonDocument {
  const index = new LineIndex(text);
  const range = (s: { start: number; end: number }): JsonRange => rangeOf(s, index);
  return {
    models: analysis.models.map((m) => modelJson(m, index)),
    diagnostics: analysis.diagnostics.map((d) => {
      const out: JsonDiagnostic = { severity: d.severity, code: d.code, message: d.message, range: range(d.span) };
      if (d.related) out.related = d.related.map((r) => ({ message: r.message, range: range(r.span) }));
      return out;
    }),
  };
}

/** The summary view's part of the document; `index` is the text's line index, when the caller has one. */
export function toTableJson(analysis: Analysis, text: string, index = new LineIndex(text)): JsonTableDocument {
  return {
    models: analysis.models.map((m) => {
      // The totals as the full document has them; its layers and groups are left out before they are made.
      const model = without(modelJson({ ...m, layers: [], groups: [] }, index), "layers", "groups");
      const prefixes = namePrefixes(m.layers);
      return {
        ...model,
        layers: tableLayers(m.layers, index),
        groups: m.groups.filter((g) => prefixes.has(g.name)).map((g) => without(groupJson(g, index), "inputShape")),
        errors: modelErrors(analysis, m).length,
      };
    }),
  };
}

function modelJson(m: ModelInfo, index: LineIndex): JsonModel {
  const base = {
    name: m.name,
    framework: m.framework,
    input: m.input ?? null,
    inputs: m.inputs.map((one) => ({ name: one.name, shape: one.shape ?? null })),
    batch: m.batch,
    output: m.output ?? null,
    outputs: m.outputs.map((o) => ({ name: o.name, shape: o.shape ?? null })),
  };
  const layers = m.layers.map((l) => layerJson(l, index));
  const groups = m.groups.map((g) => groupJson(g, index));
  if (!m.overflow) {
    const totals = { params: { ...m.params }, macs: m.macs, flops: 2 * m.macs, memory: { ...m.memory } };
    return { ...base, ...totals, layers, groups };
  }
  // The sums of the layers before the overflow are exact but are not the model's totals: null, with the reason.
  const o = m.overflow;
  return {
    ...base,
    params: { total: null, trainable: null, nonTrainable: null },
    macs: null,
    flops: null,
    memory: { input: o.where === "input" ? null : m.memory.input, activations: null, params: null },
    layers,
    groups,
    overflow: {
      quantity: o.quantity,
      total: o.total,
      where: o.where,
      message: o.message,
      range: rangeOf(o.span, index),
    },
  };
}

function layerJson(l: LayerInfo, index: LineIndex): JsonLayer {
  const rf = l.receptiveField;
  const layer: JsonLayer = {
    name: l.name,
    kind: l.kind,
    line: index.position(l.span.start).line,
    inputShape: l.inputShape ?? null,
    outputShape: l.outputShape ?? null,
    params: l.params.trainable + l.params.nonTrainable,
    trainableParams: l.params.trainable,
    macs: l.macs,
    memory: l.memory,
    receptiveField: rf ? { size: rf.size, jump: rf.jump, start: rf.start, global: rf.global } : null,
  };
  if (!l.overflow) return layer;
  return { ...layer, params: null, trainableParams: null, macs: null, memory: null, overflow: l.overflow.quantity };
}

function tableLayers(layers: readonly LayerInfo[], index: LineIndex): JsonTableLayers {
  const n = layers.length;
  const columns: JsonTableLayers = {
    name: new Array<string>(n),
    kind: new Array<string>(n),
    line: new Array<number>(n),
    outputShape: new Array<number[] | null>(n),
    params: new Array<number | null>(n),
    macs: new Array<number | null>(n),
    memory: new Array<number | null>(n),
  };
  for (let i = 0; i < n; i++) {
    const l = layers[i]!;
    const lost = l.overflow !== undefined;
    columns.name[i] = l.name;
    columns.kind[i] = l.kind;
    columns.line[i] = index.line(l.span.start);
    columns.outputShape[i] = l.outputShape ?? null;
    columns.params[i] = lost ? null : l.params.trainable + l.params.nonTrainable;
    columns.macs[i] = lost ? null : l.macs;
    columns.memory[i] = lost ? null : l.memory;
    if (l.overflow) (columns.overflow ??= []).push({ layer: i, quantity: l.overflow.quantity });
  }
  return columns;
}

function groupJson(g: GroupInfo, index: LineIndex): JsonGroup {
  return {
    kind: g.kind,
    name: g.name,
    ...(g.definition ? { definition: g.definition } : {}),
    line: index.position(g.span.start).line,
    layers: [g.layers[0], g.layers[1]],
    inputShape: g.inputShape ?? null,
    outputShape: g.outputShape ?? null,
  };
}

/** Every proper prefix of the layers' dotted names (`repeat1`, `repeat1.0` for `repeat1.0.conv1`). */
function namePrefixes(layers: LayerInfo[]): Set<string> {
  const prefixes = new Set<string>();
  for (const l of layers) {
    let dot = l.name.indexOf(".");
    while (dot > 0) {
      prefixes.add(l.name.slice(0, dot));
      dot = l.name.indexOf(".", dot + 1);
    }
  }
  return prefixes;
}

/** A copy of `o` without `keys`. */
function without<T extends object, K extends keyof T>(o: T, ...keys: K[]): Omit<T, K> {
  const copy = { ...o };
  for (const k of keys) delete copy[k];
  return copy;
}

function rangeOf(s: { start: number; end: number }, index: LineIndex): JsonRange {
  return { start: index.position(s.start), end: index.position(s.end) };
}
