// A stable, readable text dump of analyze(text) for the golden fixtures: one layer and one diagnostic per line.
import type {
  Analysis,
  Diagnostic,
  LayerInfo,
  ModelInfo,
  ParamCount,
  ReceptiveField,
  Shape,
} from "../../server/src/analysis/index.js";
import { LineIndex } from "../../server/src/text/line-index.js";

/** Layers shown per model; a model cut off by `too-large` would otherwise write 100,000 lines. */
export const MAX_DUMPED_LAYERS = 100;

/**
 * The dump of one analysis: per model its totals and per layer its shapes, parameters, MACs and receptive
 * field; then every diagnostic with its 1-based `line:col-line:col` range. The text is JSON, laid out by
 * hand so that a changed layer or diagnostic is a one-line diff.
 */
export function dumpAnalysis(text: string, analysis: Analysis): string {
  const index = new LineIndex(text);
  const out = ["{", `  "framework": ${json(analysis.framework)},`];
  out.push(`  "models": [${analysis.models.length ? "" : "],"}`);
  analysis.models.forEach((m, i) => out.push(...modelLines(m, i === analysis.models.length - 1)));
  if (analysis.models.length) out.push("  ],");
  const diagnostics = analysis.diagnostics.map((d) => json(diagnosticEntry(d, index)));
  out.push(...list("  ", "diagnostics", diagnostics, true));
  out.push("}", "");
  return out.join("\n");
}

/** The range of a diagnostic as people count: 1-based lines and columns, `3:3-3:7`. */
export function humanRange(index: LineIndex, span: { start: number; end: number }): string {
  const a = index.position(span.start);
  const b = index.position(span.end);
  return `${a.line + 1}:${a.character + 1}-${b.line + 1}:${b.character + 1}`;
}

function modelLines(m: ModelInfo, last: boolean): string[] {
  const header: Record<string, unknown> = {
    name: m.name,
    framework: m.framework,
    input: shape(m.input),
    ...(m.batch !== 1 ? { batch: m.batch } : {}),
    ...(m.inputs.length > 1 ? { inputs: m.inputs.map((one) => `${one.name} ${shape(one.shape)}`) } : {}),
    output: shape(m.output),
    ...(m.outputs.some((o) => o.span) ? { outputs: m.outputs.map((o) => `${o.name} ${shape(o.shape)}`) } : {}),
    ...params(m.params),
    macs: m.macs,
    rf: field(m.receptiveField),
  };
  const shown = m.layers.slice(0, MAX_DUMPED_LAYERS);
  if (m.layers.length > shown.length) header["layersOmitted"] = m.layers.length - shown.length;
  const lines = ["    {"];
  for (const [key, value] of Object.entries(header)) lines.push(`      ${json(key)}: ${json(value)},`);
  lines.push(
    ...list(
      "      ",
      "layers",
      shown.map((l) => json(layerEntry(l))),
      true,
    ),
  );
  lines.push(last ? "    }" : "    },");
  return lines;
}

function layerEntry(l: LayerInfo): Record<string, unknown> {
  return {
    name: l.name,
    kind: l.kind,
    in: shape(l.inputShape),
    out: shape(l.outputShape),
    ...params(l.params),
    macs: l.macs,
    rf: field(l.receptiveField),
  };
}

function diagnosticEntry(d: Diagnostic, index: LineIndex): Record<string, unknown> {
  return { code: d.code, severity: d.severity, range: humanRange(index, d.span), message: d.message };
}

/** `"key": [` then one item per line, or `"key": []` when there is none. */
function list(indent: string, key: string, items: string[], last: boolean): string[] {
  const comma = last ? "" : ",";
  if (items.length === 0) return [`${indent}${json(key)}: []${comma}`];
  const lines = items.map((item, i) => `${indent}  ${item}${i < items.length - 1 ? "," : ""}`);
  return [`${indent}${json(key)}: [`, ...lines, `${indent}]${comma}`];
}

/** The parameter total, and the non-trainable part (Keras' batchnorm statistics) only when there is one. */
function params(p: ParamCount): Record<string, number> {
  const total = p.trainable + p.nonTrainable;
  return p.nonTrainable ? { params: total, nonTrainable: p.nonTrainable } : { params: total };
}

function shape(s: Shape | undefined): string | null {
  return s ? s.join("×") : null;
}

function field(rf: ReceptiveField | undefined): string | null {
  if (!rf) return null;
  if (rf.global) return "global";
  return `size ${rf.size.join("×")}, jump ${rf.jump.join("×")}, start ${rf.start.join("×")}`;
}

/** JSON on one line with a space after each colon and comma, as people write it. */
function json(value: unknown): string {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    return `{ ${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}: ${json(v)}`)
      .join(", ")} }`;
  }
  return JSON.stringify(value);
}
