// Runs batches of generated Python in Debian's python3 (PyTorch, or the Keras stand-in), one process a batch.
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Analysis, Shape } from "../../server/src/analysis/index.js";
import { kerasLayerPart, torchAttribute } from "../../server/src/codegen/names.js";
import type { FloatTensor } from "../../server/src/onnx/tensors.js";
import { parseSafetensors } from "../../server/src/simulation/safetensors.js";
import { simulate } from "../../server/src/simulation/simulate.js";
import { repoRoot } from "../unit/helpers.js";

/** Debian's python3 with python3-torch (1.13), not whatever python3 comes first on PATH. */
export const PYTHON = "/usr/bin/python3";

/** Why the PyTorch tests cannot run here, or undefined when they can. */
export const torchMissing: string | undefined =
  spawnSync(PYTHON, ["-c", "import torch, numpy"]).status === 0
    ? undefined
    : `Debian's PyTorch is missing (${PYTHON} -c "import torch"): apt-get install -y python3-torch`;

/** One PyTorch job of test/export/run_pytorch.py. */
export interface TorchJob {
  id: string;
  code: string;
  class: string;
  input: Shape;
  batch: number;
  layers: string[];
  save?: string;
}
export interface TorchResult {
  id: string;
  error?: string;
  missing: string[];
  output: Shape;
  values: Record<string, { index: number[]; value: number[]; scale: number }>;
}

/** One job of test/export/run_keras_stub.py. */
export interface KerasJob {
  id: string;
  code: string;
  function: string;
  shapes: Record<string, Shape>;
}
export interface KerasResult {
  id: string;
  error?: string;
  output: Shape;
  name: string;
}

/** The runners in test/export: PyTorch, and the Keras stand-in. */
export type Runner = "run_pytorch.py" | "run_keras_stub.py";

/** Runs jobs in one process of the given runner; the results by id. */
export function runPython<J extends { id: string }, R extends { id: string }>(
  runner: Runner,
  jobs: J[],
  cwd?: string,
): Map<string, R> {
  const run = spawnSync(PYTHON, [join(repoRoot, "test/export", runner)], {
    input: JSON.stringify(jobs),
    encoding: "utf8",
    maxBuffer: 1 << 28,
    ...(cwd ? { cwd } : {}),
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" },
  });
  if (run.status !== 0) throw new Error(`${runner} failed: ${run.stderr}`);
  return new Map((JSON.parse(run.stdout) as R[]).map((r) => [r.id, r]));
}

/** As runPython, without blocking: batches of one test run side by side on the machine's cores. */
export function runPythonAsync<J extends { id: string }, R extends { id: string }>(
  runner: Runner,
  jobs: J[],
  cwd?: string,
): Promise<Map<string, R>> {
  return new Promise((resolve, reject) => {
    // One thread each: the batches already share the cores between them.
    const env = { ...process.env, PYTHONDONTWRITEBYTECODE: "1", OMP_NUM_THREADS: "1" };
    const child = spawn(PYTHON, [join(repoRoot, "test/export", runner)], { ...(cwd ? { cwd } : {}), env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`${runner} failed: ${Buffer.concat(err).toString()}`));
      resolve(new Map((JSON.parse(Buffer.concat(out).toString()) as R[]).map((r) => [r.id, r])));
    });
    child.stdin.end(JSON.stringify(jobs));
  });
}

/** The Keras layer name the writer gives an analysis name: each named part mangled, indices kept. */
export function kerasName(name: string): string {
  return name
    .split(".")
    .map((part) => (/^\d+$/.test(part) ? part : kerasLayerPart(part)))
    .join(".");
}

/** The module path the PyTorch writer gives an analysis name: each named part mangled, indices kept. */
export function torchPath(name: string): string {
  return name
    .split(".")
    .map((part) => (/^\d+$/.test(part) ? part : torchAttribute(part)))
    .join(".");
}

/** A model's shapes by Keras layer name, in Keras' layout, for the stand-in. */
export function kerasShapes(analysis: Analysis, model: string): Record<string, Shape> {
  const m = analysis.models.find((x) => x.name === model)!;
  const layout = (s: Shape) => (m.framework === "pytorch" && s.length >= 2 ? [...s.slice(1), s[0]!] : s);
  const shapes: Record<string, Shape> = {};
  for (const l of m.layers) if (l.outputShape) shapes[kerasName(l.name)] = layout(l.outputShape);
  for (const g of m.groups) if (g.outputShape && g.kind === "block") shapes[kerasName(g.name)] = layout(g.outputShape);
  return shapes;
}

/**
 * Compares every layer's output as PyTorch computed it (the job saved its weights and input under `save`)
 * with the simulation's on the same weights and input; returns the first difference, or undefined. Module
 * paths the writer renamed (torchPath) are mapped back to the analysis' names, weights included.
 */
export async function differsFromSimulation(
  analysis: Analysis,
  model: string,
  save: string,
  result: TorchResult,
): Promise<string | undefined> {
  const layers = analysis.models.find((m) => m.name === model)!.layers;
  const analysisName = new Map(layers.map((l) => [torchPath(l.name), l.name]));
  const weights = new Map<string, FloatTensor>();
  for (const [key, tensor] of parseSafetensors(readFileSync(`${save}.safetensors`)).tensors) {
    const cut = key.lastIndexOf(".");
    weights.set(`${analysisName.get(key.slice(0, cut)) ?? key.slice(0, cut)}${key.slice(cut)}`, tensor);
  }
  const report = await simulate(analysis, model, { weights, input: `${save}.npy`, keepTensors: true, repeats: 0 });
  for (const l of layers) {
    const expected = result.values[torchPath(l.name)];
    if (!expected) return `PyTorch recorded no values for ${l.name}`;
    const ours = report.tensors!.get(l.name)!.data;
    const tolerance = 1e-4 * Math.max(expected.scale, 1e-6);
    for (const [i, at] of expected.index.entries()) {
      const diff = Math.abs(ours[at]! - expected.value[i]!);
      if (diff > tolerance) return `${l.name}[${at}]: simulation ${ours[at]} vs PyTorch ${expected.value[i]}`;
    }
  }
  return undefined;
}
