// Per-layer statistics of a forward pass: mean, standard deviation, extremes, zeros, and kernel time.
import { NODE_SEPARATOR } from "../onnx/graph.js";
import { STAT_COLUMNS, STATISTICS_OWNER, type StatisticRows } from "../onnx/statistics.js";

export interface TensorStats {
  mean: number;
  /** Population standard deviation (divides by the element count, like numpy's default). */
  std: number;
  min: number;
  max: number;
  /** Fraction of elements exactly 0 (dead ReLUs, padding). */
  zeros: number;
  /** Count of NaN and ±Infinity elements, which the other numbers leave out. */
  nonFinite: number;
}

/** Statistics of a tensor, accumulated in float64 (two passes, so the variance does not cancel). */
export function tensorStats(data: Float32Array): TensorStats {
  let sum = 0,
    count = 0,
    zeros = 0,
    nonFinite = 0;
  let min = Infinity,
    max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!Number.isFinite(v)) {
      nonFinite++;
      continue;
    }
    sum += v;
    count++;
    if (v === 0) zeros++;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = count ? sum / count : NaN;
  let squares = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (Number.isFinite(v)) squares += (v - mean) * (v - mean);
  }
  return {
    mean,
    std: count ? Math.sqrt(squares / count) : NaN,
    min: count ? min : NaN,
    max: count ? max : NaN,
    zeros: data.length ? zeros / data.length : 0,
    nonFinite,
  };
}

/**
 * A layer's statistics from its rows of the graph's `statistics` output (onnx/statistics.ts), which start at
 * row `first`; undefined when a row holds NaN or ±Infinity (the tensor has such values, or a sum of squares
 * overflowed float32), for which only the tensor itself gives exact numbers (tensorStats).
 *
 * The rows are combined in float64 as Chan et al. combine partial variances: each row's own spread, plus its
 * mean's distance from the overall mean, so a large common offset does not cancel the variance away. A row
 * whose min equals its max is constant, and its spread exactly 0.
 */
export function statsFromRows(
  table: Float32Array,
  first: number,
  { rows, length }: StatisticRows,
): TensorStats | undefined {
  let sum = 0,
    zeros = 0,
    min = Infinity,
    max = -Infinity;
  const end = (first + rows) * STAT_COLUMNS;
  for (let at = first * STAT_COLUMNS; at < end; at += STAT_COLUMNS) {
    const s = table[at]!,
      q = table[at + 1]!,
      lo = table[at + 2]!,
      hi = table[at + 3]!;
    if (!Number.isFinite(s) || !Number.isFinite(q) || !Number.isFinite(lo) || !Number.isFinite(hi)) return undefined;
    sum += s;
    zeros += table[at + 4]!;
    if (lo < min) min = lo;
    if (hi > max) max = hi;
  }
  const count = rows * length;
  const mean = sum / count;
  let squares = 0;
  for (let at = first * STAT_COLUMNS; at < end; at += STAT_COLUMNS) {
    const s = table[at]!,
      rowMean = s / length;
    const own = table[at + 2] === table[at + 3] ? 0 : Math.max(0, table[at + 1]! - s * rowMean);
    squares += own + length * (rowMean - mean) * (rowMean - mean);
  }
  return { mean, std: Math.sqrt(squares / count), min, max, zeros: zeros / count, nonFinite: 0 };
}

/** A weight tensor holding NaN or ±Infinity: its name, how many such values, and its size. */
export interface NonFiniteTensor {
  tensor: string;
  count: number;
  size: number;
}

/** The tensors of `weights` that hold NaN or ±Infinity, in order; every forward pass through them is poisoned. */
export function nonFiniteTensors(weights: ReadonlyMap<string, { data: Float32Array }>): NonFiniteTensor[] {
  const found: NonFiniteTensor[] = [];
  for (const [tensor, { data }] of weights) {
    let count = 0;
    for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i]!)) count++;
    if (count > 0) found.push({ tensor, count, size: data.length });
  }
  return found;
}

/**
 * Sums node kernel times per layer. The builder names nodes `<layer>#<n>`; onnxruntime renames the
 * nodes it rewrites into its blocked layout after their output (`<layer>_nchwc`), and adds layout
 * reorders of its own, which no layer owns: their time is returned as `unattributed`.
 */
export function layerTimes(
  nodeTimes: Map<string, number>,
  layerNames: readonly string[],
): { perLayer: Map<string, number>; unattributed: number } {
  const known = new Set(layerNames);
  const perLayer = new Map<string, number>();
  let unattributed = 0;
  for (const [node, ms] of nodeTimes) {
    // The statistics' own reductions belong to no layer, nor to the engine's unattributed work.
    if (node.startsWith(`${STATISTICS_OWNER}${NODE_SEPARATOR}`)) continue;
    const owner = ownerOf(node, known);
    if (owner === undefined) unattributed += ms;
    else perLayer.set(owner, (perLayer.get(owner) ?? 0) + ms);
  }
  return { perLayer, unattributed };
}

function ownerOf(node: string, known: Set<string>): string | undefined {
  const cut = node.indexOf(NODE_SEPARATOR);
  if (cut > 0) {
    const prefix = node.slice(0, cut);
    return known.has(prefix) ? prefix : undefined;
  }
  const base = node.replace(/_nchwc$/, "");
  return known.has(base) ? base : undefined;
}

/** The median of some timings (the steady state of repeated runs). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
