// What the simulation report view shows: per-layer statistics, histograms, feature-map thumbnails, top-5.
import type { FloatTensor } from "../onnx/tensors.js";
import type { SimulationReport } from "./simulate.js";
import type { NonFiniteTensor } from "./statistics.js";
import { labelsMismatch } from "./labels.js";

export interface LayerView {
  name: string;
  kind: string;
  shape: number[];
  mean: number;
  std: number;
  min: number;
  max: number;
  zeros: number;
  /** NaN and ±Infinity values in the output (whole batch), which the other statistics leave out. */
  nonFinite: number;
  timeMs: number;
  /** 40 equal bins between min and max of the first sample's finite values. */
  histogram: number[];
  /** Those min and max: the first bin starts at the one, the last ends at the other (null without finite values). */
  histogramRange: [number, number] | null;
  /** The first channels of the first sample as 8-bit grey images (2-D feature maps only), base64. */
  maps?: { channels: number; height: number; width: number; data: string };
}

export interface SimulationView {
  model: string;
  framework: string;
  engine: string;
  batch: number;
  input: string;
  weights: string;
  timing: SimulationReport["timing"];
  /** Weight tensors that hold NaN or ±Infinity (empty when all are finite). */
  nonFiniteWeights: NonFiniteTensor[];
  layers: LayerView[];
  /**
   * Top-5 classes after a softmax of the output (when the output is a flat vector of scores), only for loaded
   * weights: the scores of random weights mean nothing. `label` is the class's line of the labels file.
   */
  top5: TopClass[];
  /** True for the framework's seeded random initialisation (so a BatchNorm's running statistics are 0 and 1). */
  randomWeights: boolean;
  /** Sentences for the user about the run (options adjusted, a labels file that does not fit the output). */
  notes: string[];
  /** The mode of the run, in words (`inferenceMode`). */
  mode: string;
}

export interface TopClass {
  index: number;
  probability: number;
  label?: string;
}

export interface ViewOptions {
  /** Class names, line i naming class i (server/src/simulation/labels.ts). */
  labels?: readonly string[];
}

/** The mode every simulation runs in (eval() in PyTorch, training=False in Keras), for the text report and the view. */
export const inferenceMode =
  "inference mode: BatchNorm normalises with its running statistics, dropout and drop-path are off";

const BINS = 40;
const MAX_CHANNELS = 8;
const MAX_SIDE = 64;

/** Turns a report (with its tensors) into the plain data the webview draws. */
export function simulationView(report: SimulationReport, options: ViewOptions = {}): SimulationView {
  const { top, notes } = topClasses(report, options.labels);
  return {
    model: report.model,
    framework: report.framework,
    engine: report.engine,
    batch: report.batch,
    input: `${report.input.source} (${report.input.shape.join("×")}${inputWarning(report.input.nonFinite)})`,
    weights: report.weights.source,
    timing: report.timing,
    nonFiniteWeights: report.weights.nonFinite ?? [],
    layers: report.layers.map((l) => {
      const tensor = report.tensors?.get(l.name);
      const view: LayerView = {
        name: l.name,
        kind: l.kind,
        shape: l.shape,
        mean: l.mean,
        std: l.std,
        min: l.min,
        max: l.max,
        zeros: l.zeros,
        nonFinite: l.nonFinite,
        timeMs: l.timeMs,
        histogram: tensor ? histogram(firstSample(tensor)) : [],
        histogramRange: tensor ? finiteRange(firstSample(tensor)) : null,
      };
      const maps = tensor && report.framework === "pytorch" ? featureMaps(tensor) : undefined;
      if (maps) view.maps = maps;
      return view;
    }),
    top5: top,
    randomWeights: report.weights.random,
    notes: [...report.notes, ...notes],
    mode: inferenceMode,
  };
}

/** The top-5 of loaded weights with their names, and a note when the labels do not fit the output. */
export function topClasses(
  report: SimulationReport,
  labels: readonly string[] | undefined,
): { top: TopClass[]; notes: string[] } {
  // Class scores of random weights mean nothing; naming "class 355" for them would only mislead.
  const top = report.weights.random ? [] : topFive(report.output, labels);
  const classes = report.output.shape.slice(1).reduce((a, b) => a * b, 1);
  const mismatch = labels && top.length ? labelsMismatch(labels, classes) : undefined;
  return { top, notes: mismatch ? [mismatch] : [] };
}

function inputWarning(nonFinite: number | undefined): string {
  return nonFinite ? `, ⚠ ${nonFinite} NaN/Inf values` : "";
}

function firstSample(t: FloatTensor): Float32Array {
  const per = t.data.length / (t.shape[0] ?? 1);
  return t.data.subarray(0, per);
}

/** The smallest and largest finite value, or null when there is none. */
export function finiteRange(data: Float32Array): [number, number] | null {
  let min = Infinity,
    max = -Infinity;
  for (const v of data)
    if (Number.isFinite(v)) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  return min <= max ? [min, max] : null;
}

/** Counts of the finite values in 40 equal bins; NaN and ±Infinity are counted apart (`nonFinite`). */
export function histogram(data: Float32Array): number[] {
  let min = Infinity,
    max = -Infinity,
    finite = 0;
  for (const v of data)
    if (Number.isFinite(v)) {
      finite++;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  const counts = new Array<number>(BINS).fill(0);
  if (!(max > min)) {
    counts[0] = finite;
    return counts;
  }
  const scale = BINS / (max - min);
  for (const v of data) if (Number.isFinite(v)) counts[Math.min(BINS - 1, Math.floor((v - min) * scale))]!++;
  return counts;
}

/** N×C×H×W outputs: up to 8 channels, subsampled to at most 64 pixels a side, each scaled to 0–255. */
function featureMaps(t: FloatTensor): LayerView["maps"] | undefined {
  if (t.shape.length !== 4) return undefined;
  const [, c, h, w] = t.shape as [number, number, number, number];
  const step = Math.max(1, Math.ceil(Math.max(h, w) / MAX_SIDE));
  const height = Math.ceil(h / step),
    width = Math.ceil(w / step),
    channels = Math.min(c, MAX_CHANNELS);
  const out = new Uint8Array(channels * height * width);
  for (let ch = 0; ch < channels; ch++) {
    const base = ch * h * w;
    // The scale comes from the finite values; NaN draws black, +Infinity white, −Infinity black.
    let lo = Infinity,
      hi = -Infinity;
    for (let i = 0; i < h * w; i++) {
      const v = t.data[base + i]!;
      if (Number.isFinite(v)) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    const range = hi > lo ? hi - lo : 1;
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const v = t.data[base + y * step * w + x * step]!;
        const grey = Number.isNaN(v) ? 0 : Math.min(255, Math.max(0, Math.round(((v - lo) / range) * 255)));
        out[(ch * height + y) * width + x] = grey;
      }
  }
  return { channels, height, width, data: Buffer.from(out).toString("base64") };
}

/** Softmax of a flat score vector (first sample), then the five most likely classes, named by `labels`. */
export function topFive(output: FloatTensor, labels?: readonly string[]): TopClass[] {
  const per = output.shape.slice(1).reduce((a, b) => a * b, 1);
  if (output.shape.length !== 2 || per < 2) return [];
  const scores = output.data.subarray(0, per);
  // A softmax over NaN or ±Infinity has no ranking to show; the report counts those values instead.
  if (scores.some((s) => !Number.isFinite(s))) return [];
  let max = -Infinity;
  for (const s of scores) if (s > max) max = s;
  let sum = 0;
  const exp = Array.from(scores, (s) => {
    const e = Math.exp(s - max);
    sum += e;
    return e;
  });
  return exp
    .map((e, index) => ({ index, probability: e / sum }))
    .sort((a, b) => b.probability - a.probability)
    .slice(0, 5)
    .map((c) => (labels?.[c.index] ? { ...c, label: labels[c.index]! } : c));
}
