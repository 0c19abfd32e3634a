// The statistics subgraph: per-row partial sums, squares, extremes and non-zero counts of one layer's output.
//
// Why inside the graph: exposing every layer's output copies each tensor out of onnxruntime and then reads it
// again in JavaScript (one thread, two passes); reduce ops read it once more inside the engine, on its threads
// and vectorised, and only STAT_COLUMNS numbers per row leave it. docs/simulation.md has the measurements.
import type { GraphBuilder } from "./graph.js";
import { DataType } from "./proto.js";

/** The columns of the statistics output, per row: sum, sum of squares, min, max, count of zeros. */
export const STAT_COLUMNS = 5;

/** The graph output that holds every layer's rows, one after the other in layer order. */
export const STATISTICS_OUTPUT = "statistics";

/** The owner of the statistics nodes in node names: profiles do not count their time as a layer's. */
export const STATISTICS_OWNER = "statistics";

/**
 * Rows are runs of the tensor's trailing axes at least this long: short enough that a float32 sum inside a
 * row stays accurate (the rows are combined in float64), many enough that onnxruntime spreads the rows over
 * its threads, few enough that the output stays small (at most one row per MIN_ROW values).
 */
const MIN_ROW = 1024;

/** How one layer's output is cut into rows: `rows` rows of `length` values. */
export interface StatisticRows {
  rows: number;
  length: number;
}

/**
 * The rows a tensor of `dims` (in the order the graph holds it) is cut into: the leading axes whose product
 * leaves at least MIN_ROW values per row. In channels-first order a row lies inside one channel, so a
 * constant channel has a constant row, whose variance is then exactly 0.
 */
export function statisticRows(dims: readonly number[]): StatisticRows {
  let length = 1;
  let axis = dims.length;
  while (axis > 0 && length < MIN_ROW) length *= dims[--axis]!;
  const rows = dims.slice(0, axis).reduce((p, d) => p * d, 1);
  return { rows, length };
}

/**
 * Adds the nodes that reduce `value` (whose shape in the graph is `dims`) to a [rows, STAT_COLUMNS] tensor
 * and returns its name.
 */
export function emitStatistics(g: GraphBuilder, value: string, dims: readonly number[]): string {
  const { rows, length } = statisticRows(dims);
  const x = g.op("Reshape", [value, g.int64Const([rows, length])]);
  const sum = (v: string) => g.op("ReduceSum", [v, g.int64Const([1])], { keepdims: 1 });
  const keep = { axes: [1], keepdims: 1 };
  // ReduceSumSquare and Sign run element by element without vectorising in onnxruntime 1.30: Mul then
  // ReduceSum, and Equal then Cast then ReduceSum, were 2–3× faster on ResNet-18 (docs/simulation.md).
  const columns = [
    // Opset 13 moved ReduceSum's axes to an input; the others keep the attribute until opset 18.
    sum(x),
    sum(g.op("Mul", [x, x])),
    g.op("ReduceMin", [x], keep),
    g.op("ReduceMax", [x], keep),
    sum(g.op("Cast", [g.op("Equal", [x, g.scalar(0)])], { to: DataType.FLOAT })),
  ];
  return g.op("Concat", columns, { axis: 1 });
}
