// The `--json` document of `cnnlens summary` and `cnnlens check`: shapes as arrays, LSP-style positions.
import type { Analysis, Diagnostic, LayerInfo, ModelInfo, SizeOverflow } from "../analysis/index.js";
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
  /** Present only when a size, count or memory figure passed 2^53 − 1 (a `size-overflow` error). */
  overflow?: JsonOverflow;
}

export interface JsonDocument {
  models: JsonModel[];
  diagnostics: JsonDiagnostic[];
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
  if (!m.overflow) {
    return { ...base, params: { ...m.params }, macs: m.macs, flops: 2 * m.macs, memory: { ...m.memory }, layers };
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

function rangeOf(s: { start: number; end: number }, index: LineIndex): JsonRange {
  return { start: index.position(s.start), end: index.position(s.end) };
}
