// The `--json` document of `cnnlens summary` and `cnnlens check`: shapes as arrays, LSP-style positions.
import type { Analysis, Diagnostic, LayerInfo, ModelInfo } from "../analysis/index.js";
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
  params: number;
  trainableParams: number;
  macs: number;
  memory: number;
  receptiveField: { size: number[]; jump: number[]; start: number[]; global: boolean } | null;
}

export interface JsonModel {
  name: string;
  framework: string;
  input: number[] | null;
  batch: number;
  output: number[] | null;
  params: { total: number; trainable: number; nonTrainable: number };
  macs: number;
  flops: number;
  memory: { input: number; activations: number; params: number };
  layers: JsonLayer[];
}

export interface JsonDocument {
  models: JsonModel[];
  diagnostics: JsonDiagnostic[];
}

/** The whole analysis as one JSON-ready document. */
export function toJson(analysis: Analysis, text: string): JsonDocument {
  const index = new LineIndex(text);
  const range = (s: { start: number; end: number }): JsonRange => ({ start: index.position(s.start), end: index.position(s.end) });
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
  return {
    name: m.name,
    framework: m.framework,
    input: m.input ?? null,
    batch: m.batch,
    output: m.output ?? null,
    params: { ...m.params },
    macs: m.macs,
    flops: 2 * m.macs,
    memory: { ...m.memory },
    layers: m.layers.map((l) => layerJson(l, index)),
  };
}

function layerJson(l: LayerInfo, index: LineIndex): JsonLayer {
  const rf = l.receptiveField;
  return {
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
}
