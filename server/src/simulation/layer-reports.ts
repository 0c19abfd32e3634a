// Every layer's line of a simulation report: its shape checked against the analysis, its statistics, its time.
import type { LayerInfo } from "../analysis/types.js";
import type { PlacedRows } from "../onnx/statistics.js";
import { STATISTICS_OUTPUT } from "../onnx/statistics.js";
import type { FloatTensor } from "../onnx/tensors.js";
import { statsFromRows, tensorStats, type TensorStats } from "./statistics.js";

export interface LayerReport extends TensorStats {
  name: string;
  kind: string;
  /** The output's shape with the batch axis, in the file's layout. */
  shape: number[];
  /** Kernel time of the layer's nodes in the last run, milliseconds. */
  timeMs: number;
}

/**
 * Checks the shape of every layer output the run returned (all of them when the tensors are kept) against
 * the analysis, and fails loudly on a difference: the statistics rows are laid out from the analysis' shapes.
 */
export function checkLayerShapes(
  layers: readonly LayerInfo[],
  batch: number,
  outputs: ReadonlyMap<string, FloatTensor>,
  expectEvery: boolean,
): void {
  for (const layer of layers) {
    const out = outputs.get(layer.name);
    const expected = [batch, ...(layer.outputShape ?? [])];
    if ((out || expectEvery) && !(out && sameShape(out.shape, expected))) {
      throw new Error(
        `internal error, please report it: layer ${layer.name} (${layer.kind})` +
          ` computed ${out ? out.shape.join("×") : "nothing"}` +
          ` on onnxruntime` +
          `, but the analysis says ${expected.join("×")} (batch first)`,
      );
    }
  }
}

/**
 * Each layer's statistics from the `statistics` output, in layer order; undefined for a layer whose rows hold
 * NaN or ±Infinity, whose exact numbers need its tensor (exactStatistics).
 */
export function graphStatistics(
  outputs: ReadonlyMap<string, FloatTensor>,
  rows: readonly PlacedRows[],
): (TensorStats | undefined)[] {
  const table = outputs.get(STATISTICS_OUTPUT);
  const expected = rows.reduce((n, r) => n + r.rows, 0);
  if (!table || table.shape[0] !== expected) {
    throw new Error(
      `internal error, please report it: the statistics output has ${table ? table.shape[0] : "no"} rows` +
        ` on onnxruntime, but the analysis' shapes make ${expected}`,
    );
  }
  return rows.map((r) => statsFromRows(table.data, r.first, r));
}

/** The statistics of the layers `missing` leaves undefined, from their tensors, counting NaN and ±Infinity. */
export function exactStatistics(
  layers: readonly LayerInfo[],
  missing: readonly (TensorStats | undefined)[],
  tensors: ReadonlyMap<string, FloatTensor>,
): TensorStats[] {
  return layers.map((layer, i) => missing[i] ?? tensorStats(tensors.get(layer.name)!.data));
}

const sameShape = (a: number[], b: number[]) => a.length === b.length && a.every((d, i) => d === b[i]);
