// The statistics subgraph: per-row partial sums, squares, extremes and non-zero counts of one layer's output.
//
// Why inside the graph: exposing every layer's output copies each tensor out of onnxruntime and then reads it
// again in JavaScript (one thread, two passes); reduce ops read it once more inside the engine, on its threads
// and vectorised, and only STAT_COLUMNS numbers per row leave it. docs/simulation.md has the measurements.
import type { GraphBuilder } from "./graph.js";
import { DataType } from "./proto.js";

/** The columns of the statistics output, per row: sum, sum of squares, min, max, count of zeros. */
export const STAT_COLUMNS = 5;

/** The graph output that holds every layer's rows, group by group (PlacedRows says where each layer's are). */
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

/** A layer's rows, and where they are in the `statistics` output (rows of a group are not in layer order). */
export interface PlacedRows extends StatisticRows {
  /** The index of the layer's first row in the statistics output. */
  first: number;
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
 * Values a group of layers' rows may hold before it is reduced (4 MB): a group's Concat keeps its layers' outputs
 * alive until the group is reduced, and copies them, so an open group holds at most this many values longer than
 * it would have, and its copy as many again (within the memory estimate's copies of every activation).
 */
export const GROUP_VALUES = 1 << 20;

/**
 * The statistics of many layers with few nodes. Every reduction is a node onnxruntime dispatches on its threads,
 * and a model of many small layers (MobileNet-V2: 143 layers, most under 100,000 values) spent more time on the
 * ten nodes per layer than on their arithmetic. So layers whose rows have the same length are gathered, a
 * Reshape each, into one Concat of at most GROUP_VALUES values, and each group is reduced by one set of nodes;
 * a layer larger than that is reduced alone, without the copy. Each row's reductions are those of the row alone.
 */
export class StatisticsGroups {
  private readonly open = new Map<number, { parts: string[]; members: PlacedRows[]; values: number }>();
  private readonly reduced: string[] = [];
  private rowsOut = 0;

  constructor(private readonly g: GraphBuilder) {}

  /** Adds `value` (its shape in the graph `dims`); its rows' place is set when its group is reduced. */
  add(value: string, dims: readonly number[]): PlacedRows {
    const { rows, length } = statisticRows(dims);
    const placed: PlacedRows = { rows, length, first: -1 };
    const values = rows * length;
    const part = this.g.op("Reshape", [value, this.g.int64Const([rows, length])]);
    const group = this.open.get(length);
    if (group && group.values + values > GROUP_VALUES) this.reduce(length);
    const current = this.open.get(length) ?? { parts: [], members: [], values: 0 };
    current.parts.push(part);
    current.members.push(placed);
    current.values += values;
    this.open.set(length, current);
    if (current.values >= GROUP_VALUES) this.reduce(length);
    return placed;
  }

  /** Reduces the groups still open and returns the name of the statistics output; undefined with no layer. */
  finish(output: string): string | undefined {
    for (const length of [...this.open.keys()]) this.reduce(length);
    if (this.reduced.length === 0) return undefined;
    return this.g.op("Concat", this.reduced, { axis: 0 }, output);
  }

  private reduce(length: number): void {
    const group = this.open.get(length)!;
    this.open.delete(length);
    const x = group.parts.length === 1 ? group.parts[0]! : this.g.op("Concat", group.parts, { axis: 0 });
    this.reduced.push(reduceRows(this.g, x));
    for (const member of group.members) {
      member.first = this.rowsOut;
      this.rowsOut += member.rows;
    }
  }
}

/** The nodes that reduce a [rows, length] tensor `x` to [rows, STAT_COLUMNS]. */
function reduceRows(g: GraphBuilder, x: string): string {
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
