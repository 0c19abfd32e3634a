// The statistics the graph computes in rows (onnx/statistics.ts), combined in float64: equal to a direct
// two-pass computation, exact 0 spread for constant rows, and NaN or ±Infinity sent to the exact path.
import assert from "node:assert/strict";
import { test } from "node:test";
import { STAT_COLUMNS, statisticRows } from "../../server/src/onnx/statistics.js";
import { statsFromRows, tensorStats } from "../../server/src/simulation/statistics.js";

/** The rows the graph would output for `data` cut into rows of `length`, in float32 as onnxruntime gives them. */
function rowsOf(data: Float32Array, length: number): Float32Array {
  const rows = data.length / length;
  const out = new Float32Array(rows * STAT_COLUMNS);
  for (let r = 0; r < rows; r++) {
    const row = data.subarray(r * length, (r + 1) * length);
    let s = 0,
      q = 0,
      z = 0;
    for (const v of row) {
      s += v;
      q += v * v;
      if (v === 0) z++;
    }
    out.set([s, q, Math.min(...row), Math.max(...row), z], r * STAT_COLUMNS);
  }
  return out;
}

test("rows are runs of trailing axes of at least 1024 values, inside one channel when channels come first", () => {
  assert.deepEqual(statisticRows([2, 64, 112, 112]), { rows: 128, length: 12544 });
  assert.deepEqual(statisticRows([1, 112, 112, 64]), { rows: 112, length: 7168 });
  assert.deepEqual(statisticRows([1, 512, 7, 7]), { rows: 1, length: 25088 });
  assert.deepEqual(statisticRows([8, 1000]), { rows: 1, length: 8000 });
});

test("rows combine to the two-pass mean, std, extremes and zero fraction, a large offset included", () => {
  const data = new Float32Array(4 * 2048);
  for (let i = 0; i < data.length; i++) data[i] = i % 7 === 0 ? 0 : 1000 + Math.sin(i) * (1 + (i >> 11));
  const want = tensorStats(data);
  const got = statsFromRows(rowsOf(data, 2048), 0, { rows: 4, length: 2048 })!;
  for (const k of ["mean", "std", "min", "max"] as const) {
    assert.ok(Math.abs(got[k] - want[k]) <= 1e-4 * 1004, `${k}: ${got[k]} vs ${want[k]}`);
  }
  assert.equal(got.zeros, want.zeros);
  assert.equal(got.nonFinite, 0);
});

test("a constant tensor has std exactly 0; a later layer's rows start where the earlier one's end", () => {
  const constant = new Float32Array(3 * 1024).fill(1e4 + 0.1);
  const table = new Float32Array([...rowsOf(new Float32Array(1024).fill(-1), 1024), ...rowsOf(constant, 1024)]);
  assert.deepEqual(statsFromRows(table, 1, { rows: 3, length: 1024 }), {
    mean: Math.fround(1e4 + 0.1),
    std: 0,
    min: Math.fround(1e4 + 0.1),
    max: Math.fround(1e4 + 0.1),
    zeros: 0,
    nonFinite: 0,
  });
});

test("a row with NaN or ±Infinity gives no statistics: only the tensor can count and leave them out", () => {
  for (const bad of [NaN, Infinity, -Infinity]) {
    const data = new Float32Array(2048).fill(1);
    data[1500] = bad;
    assert.equal(statsFromRows(rowsOf(data, 1024), 0, { rows: 2, length: 1024 }), undefined);
  }
});
