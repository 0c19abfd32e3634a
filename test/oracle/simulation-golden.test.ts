// The simulation against PyTorch: every recorded layer output of the goldens in test/golden/simulation/.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { volume, type FloatTensor, type WeightMap } from "../../server/src/onnx/tensors.js";
import { parameterSpecs } from "../../server/src/layers/index.js";
import { simulate } from "../../server/src/simulation/simulate.js";
import { analyze, readJson, readRepoFile, repoRoot } from "../unit/helpers.js";

interface TensorRecord {
  shape: number[];
  maxAbs: number;
  mean: number;
  std: number;
  min: number;
  max: number;
  values?: number[];
  marginals?: number[][];
  samples?: { index: number[]; values: number[] };
}

interface Golden {
  cnn: string;
  input: string;
  batch: number;
  weights: string;
  layers: (TensorRecord & { name: string; kind: string })[];
  output: TensorRecord;
}

const DIR = "test/golden/simulation";
const TOLERANCE = 1e-4;

for (const file of readdirSync(join(repoRoot, DIR))
  .filter((f) => f.endsWith(".json"))
  .sort()) {
  test(`simulation agrees with PyTorch layer by layer: ${file}`, async () => {
    const golden = readJson<Golden>(`${DIR}/${file}`);
    const analysis = analyze(readRepoFile(golden.cnn));
    const model = analysis.models[0]!;
    const hashed = golden.weights === "hash";
    const report = await simulate(analysis, model.name, {
      weights: hashed ? hashWeights(model) : join(repoRoot, DIR, golden.weights),
      input: golden.input === "hash" ? hashInput([golden.batch, ...model.input!]) : join(repoRoot, DIR, golden.input),
      keepTensors: true,
      repeats: 0,
    });
    assert.equal(report.batch, golden.batch);
    assert.deepEqual(report.weights.unused, []);
    assert.ok(golden.layers.length > 0);
    for (const rec of golden.layers) {
      const got = report.tensors!.get(rec.name);
      assert.ok(got, `no output for ${rec.name}`);
      compare(`${file} ${rec.name} (${rec.kind})`, got, rec);
      const line = report.layers.find((l) => l.name === rec.name)!;
      compareStatistics(`${file} ${rec.name} (${rec.kind}) in the report`, line, rec);
    }
    compare(`${file} output`, report.output, golden.output);
  });
}

/** Asserts shape, statistics and the recorded values within 1e-4 of the tensor's largest magnitude. */
function compare(label: string, got: FloatTensor, rec: TensorRecord): void {
  assert.deepEqual(got.shape, rec.shape, `${label}: shape`);
  const tol = TOLERANCE * Math.max(rec.maxAbs, 1e-6);
  const near = (a: number, b: number, what: string) =>
    assert.ok(Math.abs(a - b) <= tol, `${label}: ${what} is ${a}, PyTorch ${b} (tolerance ${tol.toExponential(2)})`);
  const d = got.data;
  let min = Infinity,
    max = -Infinity,
    sum = 0;
  for (const v of d) {
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum += v;
  }
  near(min, rec.min, "min");
  near(max, rec.max, "max");
  near(sum / d.length, rec.mean, "mean");
  if (rec.values) rec.values.forEach((v, i) => near(d[i]!, v, `value ${i}`));
  if (rec.samples) rec.samples.index.forEach((at, k) => near(d[at]!, rec.samples!.values[k]!, `value ${at}`));
  rec.marginals?.forEach((expected, axis) => {
    marginal(got, axis).forEach((m, i) =>
      near(m, expected[i]!, `mean over the other axes at index ${i} of axis ${axis}`),
    );
  });
}

/**
 * The report's statistics, which the graph computes (onnx/statistics.ts), against PyTorch's within the same
 * tolerance as the values; a zero fraction against the tensor's own count.
 */
function compareStatistics(
  label: string,
  got: { mean: number; std: number; min: number; max: number; nonFinite: number },
  rec: TensorRecord,
): void {
  const tol = TOLERANCE * Math.max(rec.maxAbs, 1e-6);
  for (const what of ["mean", "std", "min", "max"] as const) {
    const [a, b] = [got[what], rec[what]];
    assert.ok(Math.abs(a - b) <= tol, `${label}: ${what} is ${a}, PyTorch ${b} (tolerance ${tol.toExponential(2)})`);
  }
  assert.equal(got.nonFinite, 0, `${label}: no NaN or ±Infinity`);
}

/** Means over every axis but `axis`: a wrong edge row or column changes one entry by a lot. */
function marginal(t: FloatTensor, axis: number): number[] {
  const size = t.shape[axis]!;
  const stride = t.shape.slice(axis + 1).reduce((p, s) => p * s, 1);
  const sums = new Float64Array(size);
  for (let i = 0; i < t.data.length; i++) sums[Math.floor(i / stride) % size]! += t.data[i]!;
  return [...sums].map((s) => (s * size) / t.data.length);
}

/** The hash of scripts/golden/simulation_io.py: n values in [0, 1) from a name. */
function hashUniform(name: string, n: number): Float64Array {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(name)) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let x = (Math.imul(i, 0x9e3779b1) + h) >>> 0;
    x = (x ^ (x >>> 16)) >>> 0;
    x = Math.imul(x, 0x7feb352d) >>> 0;
    x = (x ^ (x >>> 15)) >>> 0;
    x = Math.imul(x, 0x846ca68b) >>> 0;
    x = (x ^ (x >>> 16)) >>> 0;
    out[i] = x / 2 ** 32;
  }
  return out;
}

function hashWeights(model: Parameters<typeof parameterSpecs>[0]): WeightMap {
  const out: WeightMap = new Map();
  for (const spec of parameterSpecs(model)) {
    const u = hashUniform(spec.name, volume(spec.shape));
    const norm: Record<string, (x: number) => number> = {
      weight: (x) => 0.5 + x,
      bias: (x) => 0.2 * x - 0.1,
      running_mean: (x) => 0.2 * x - 0.1,
      running_var: (x) => 0.5 + x,
    };
    const f = spec.kind === "batchnorm" ? norm[spec.role]! : (x: number) => (2 * x - 1) / Math.sqrt(spec.fanIn);
    out.set(spec.name, { shape: spec.shape, data: Float32Array.from(u, f) });
  }
  return out;
}

function hashInput(shape: number[]): FloatTensor {
  return { shape, data: Float32Array.from(hashUniform("input", volume(shape)), (u) => u * 4 - 2) };
}
