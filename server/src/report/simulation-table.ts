// The text report of `cnnlens simulate`: per-layer statistics, the top-5 classes (loaded weights only) and the timings.
import type { SimulationReport } from "../simulation/simulate.js";
import { inferenceMode, topClasses, type TopClass } from "../simulation/view-model.js";

const num = (x: number) =>
  Number.isNaN(x) ? "nan" : x === 0 || (Math.abs(x) >= 0.001 && Math.abs(x) < 1e5) ? x.toFixed(4) : x.toExponential(2);

/** The report as a table a terminal shows, ending with the output and the times; `labels` name the classes. */
export function simulationTable(r: SimulationReport, labels?: readonly string[]): string {
  // The statistics leave NaN and ±Infinity out, so a column counts them whenever a layer has any.
  const poisoned = r.layers.some((l) => l.nonFinite > 0);
  const head = ["Layer", "Output shape", "Mean", "Std", "Min", "Max", "Zeros", ...(poisoned ? ["NaN/Inf"] : []), "ms"];
  const rows = r.layers.map((l) => [
    l.name,
    l.shape.join("×"),
    num(l.mean),
    num(l.std),
    num(l.min),
    num(l.max),
    `${(100 * l.zeros).toFixed(1)}%`,
    ...(poisoned ? [l.nonFinite ? `⚠ ${l.nonFinite}` : "0"] : []),
    l.timeMs.toFixed(2),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  const out = [
    `Simulation of ${r.model} (${r.framework}) on ${r.engine}, batch ${r.batch}`,
    `input: ${r.input.source}, ${r.input.shape.join("×")}; weights: ${r.weights.source}`,
    `${inferenceMode}${r.weights.random ? " (random weights: running mean 0, variance 1)" : ""}`,
    ...nonFiniteNotes(r),
    "",
    line(head),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...rows.map(line),
    "",
  ];
  const { top, notes } = topClasses(r, labels);
  const bad = nonFiniteCount(r.output.data);
  if (top.length) out.push(`Top-5 classes (softmax of the output): ${top.map(className).join(", ")}`, ...notes);
  else if (bad) out.push(`Output ${r.output.shape.join("×")}: ⚠ ${bad} of ${r.output.data.length} values are NaN/Inf`);
  else {
    const which = r.outputs.length > 1 ? `1 (${r.outputs[0]!.name}) ` : "";
    out.push(`Output ${which}${r.output.shape.join("×")}: mean ${num(mean(r.output.data))}`);
  }
  // The other results output(…) names (GoogLeNet's aux heads), each with its own line.
  r.outputs.slice(1).forEach((o, i) => {
    const bad = nonFiniteCount(o.tensor.data);
    const what = bad ? `⚠ ${bad} of ${o.tensor.data.length} values are NaN/Inf` : `mean ${num(mean(o.tensor.data))}`;
    out.push(`Output ${i + 2} (${o.name}) ${o.tensor.shape.join("×")}: ${what}`);
  });
  const t = r.timing;
  out.push(
    `Time to first result: ${(t.buildMs + t.sessionMs + t.firstRunMs).toFixed(0)} ms` +
      ` (build ${t.buildMs.toFixed(0)} ms, session ${t.sessionMs.toFixed(0)} ms` +
      `, first run ${t.firstRunMs.toFixed(1)} ms)`,
  );
  if (t.steadyMs !== undefined) out.push(`Steady-state forward: ${t.steadyMs.toFixed(1)} ms`);
  if (r.weights.unused.length) out.push(`Unused tensors in the weights file: ${r.weights.unused.join(", ")}`);
  return out.join("\n");
}

/** `281 tabby (12.31%)`, or `281 (12.31%)` without a name. */
function className(c: TopClass): string {
  return `${c.index}${c.label ? ` ${c.label}` : ""} (${(100 * c.probability).toFixed(2)}%)`;
}

/** Warnings above the table: weight tensors with NaN or ±Infinity, and the first layer whose output has them. */
function nonFiniteNotes(r: SimulationReport): string[] {
  const notes: string[] = [];
  if (r.input.nonFinite) notes.push(`⚠ the input holds ${r.input.nonFinite} NaN or ±Infinity values`);
  const weights = r.weights.nonFinite ?? [];
  if (weights.length) {
    const listed = weights.map((w) => `${w.tensor} (${w.count} of ${w.size})`).join(", ");
    notes.push(`⚠ weights with NaN or ±Infinity: ${listed}`);
  }
  const layers = r.layers.filter((l) => l.nonFinite > 0);
  if (layers.length) {
    const first = layers[0]!;
    const size = first.shape.reduce((a, b) => a * b, 1);
    notes.push(
      `⚠ ${layers.length} of ${r.layers.length} layers output NaN or ±Infinity, first ${first.name} ` +
        `(${first.nonFinite} of ${size} values); the statistics leave those values out`,
    );
  }
  return notes;
}

function nonFiniteCount(data: Float32Array): number {
  let n = 0;
  for (const v of data) if (!Number.isFinite(v)) n++;
  return n;
}

function mean(data: Float32Array): number {
  let s = 0;
  for (const v of data) s += v;
  return data.length ? s / data.length : NaN;
}
