// simulate(): a real forward pass of an analysed model on onnxruntime, with per-layer statistics and checks.
import type { Analysis, Framework, ModelInfo } from "../analysis/types.js";
import { buildOnnx, ONNX_INPUT, ONNX_OUTPUT } from "../export/onnx-builder.js";
import { parameterSpecs, volume, type FloatTensor, type WeightMap } from "../export/onnx-params.js";
import { onnxRuntimeEngine, type ForwardEngine } from "./engine.js";
import { runnableModel } from "./runnable-model.js";
import { checkInput, randomInput, readInputFile, type InputRequest } from "./inputs.js";
import { layerTimes, median, nonFiniteTensors, tensorStats } from "./statistics.js";
import type { NonFiniteTensor, TensorStats } from "./statistics.js";
import { checkWeights, loadWeightsFile, randomWeights } from "./weights.js";

export const DEFAULT_MEMORY_LIMIT = 2 * 1024 ** 3;

export interface SimulateOptions {
  /** Seed of the random weights and input (default 0). */
  seed?: number;
  /** Batch size (default: the model's `batch`, or the input array's). */
  batch?: number;
  /** onnxruntime intra-op threads (default: its own choice). */
  threads?: number;
  /** A .safetensors path, or tensors by state_dict name; default: the framework's random initialisation. */
  weights?: string | WeightMap;
  /** A .npy path, or a tensor (one sample or a batch, file layout); default: seeded standard normal. */
  input?: string | FloatTensor;
  /** Bytes that weights plus activations may take (default 2 GiB). */
  memoryLimit?: number;
  /** Runs after the first, for the steady-state time (default 2). */
  repeats?: number;
  /** Keep every layer's output tensor in the report (`tensors`). */
  keepTensors?: boolean;
  engine?: ForwardEngine;
}

export interface LayerReport extends TensorStats {
  name: string;
  kind: string;
  /** The output's shape with the batch axis, in the file's layout. */
  shape: number[];
  /** Kernel time of the layer's nodes in the last run, milliseconds. */
  timeMs: number;
}

export interface SimulationReport {
  model: string;
  framework: Framework;
  engine: string;
  batch: number;
  seed: number;
  /**
   * `random`: seeded initialisation, whose class scores mean nothing (so no top-k is shown for them).
   * `nonFinite` is there only when some weight tensors hold NaN or ±Infinity.
   */
  weights: { source: string; unused: string[]; random: boolean; nonFinite?: NonFiniteTensor[] };
  /** `nonFinite` is there only when the input holds NaN or ±Infinity: how many values. */
  input: { source: string; shape: number[]; nonFinite?: number };
  memory: { weights: number; activations: number; limit: number };
  /** Milliseconds: building the ONNX bytes, creating the session, the first run, the median later run. */
  timing: { buildMs: number; sessionMs: number; firstRunMs: number; steadyMs?: number; unattributedMs: number };
  layers: LayerReport[];
  /** The model's result (the last layer or final merge), file layout. */
  output: FloatTensor;
  tensors?: Map<string, FloatTensor>;
}

/** Runs model `modelName` (default: the first) of `analysis` and reports what every layer produced. */
export async function simulate(analysis: Analysis, modelName: string | undefined, options: SimulateOptions = {}): Promise<SimulationReport> {
  const model = runnableModel(analysis, modelName, "simulated");
  const seed = options.seed ?? 0;
  const req: InputRequest = { sample: model.input!, framework: model.framework, batch: options.batch ?? model.batch, seed };
  const batchGiven = options.batch !== undefined;
  const input = typeof options.input === "string" ? await readInputFile(options.input, req, batchGiven)
    : options.input ? checkInput(options.input, req, batchGiven) : undefined;
  const batch = input ? input.shape[0]! : req.batch;
  const memory = checkMemory(model, batch, options.memoryLimit ?? DEFAULT_MEMORY_LIMIT);
  const { weights, unused, source, random } = await resolveWeights(model, options.weights, seed);
  const x = input ?? randomInput({ ...req, batch });
  const poisoned = nonFiniteTensors(weights);
  const badInput = nonFiniteTensors(new Map([["input", x]]))[0];

  let t = performance.now();
  const bytes = buildOnnx(model, weights, { batch });
  const buildMs = performance.now() - t;
  const engine = options.engine ?? onnxRuntimeEngine;
  t = performance.now();
  const session = await engine.load(bytes, { profile: true, ...(options.threads ? { threads: options.threads } : {}) });
  const sessionMs = performance.now() - t;
  try {
    t = performance.now();
    const outputs = await session.run(ONNX_INPUT, x);
    const firstRunMs = performance.now() - t;
    const repeats: number[] = [];
    for (let i = 0; i < (options.repeats ?? 2); i++) {
      t = performance.now();
      await session.run(ONNX_INPUT, x);
      repeats.push(performance.now() - t);
    }
    const times = layerTimes(await session.nodeTimes(), model.layers.map((l) => l.name));
    const layers = model.layers.map((layer): LayerReport => {
      const out = outputs.get(layer.name);
      const expected = [batch, ...(layer.outputShape ?? [])];
      if (!out || !sameShape(out.shape, expected)) {
        throw new Error(`internal error, please report it: layer ${layer.name} (${layer.kind}) computed ${out ? out.shape.join("×") : "nothing"} on onnxruntime, but the analysis says ${expected.join("×")} (batch first)`);
      }
      return { name: layer.name, kind: layer.kind, shape: out.shape, timeMs: times.perLayer.get(layer.name) ?? 0, ...tensorStats(out.data) };
    });
    return {
      model: model.name, framework: model.framework, engine: engine.name, batch, seed,
      weights: { source, unused, random, ...(poisoned.length ? { nonFinite: poisoned } : {}) },
      input: {
        source: typeof options.input === "string" ? options.input
          : options.input ? "given tensor" : `standard normal, seed ${seed}`,
        shape: x.shape,
        ...(badInput ? { nonFinite: badInput.count } : {}),
      },
      memory,
      timing: { buildMs, sessionMs, firstRunMs, ...(repeats.length ? { steadyMs: median(repeats) } : {}), unattributedMs: times.unattributed },
      layers,
      output: outputs.get(ONNX_OUTPUT)!,
      ...(options.keepTensors ? { tensors: outputs } : {}),
    };
  } finally {
    await session.release();
  }
}

/** Weights once plus every layer's output (the simulation keeps them all), checked before allocating. */
function checkMemory(model: ModelInfo, batch: number, limit: number): SimulationReport["memory"] {
  const weights = parameterSpecs(model).reduce((sum, s) => sum + volume(s.shape) * 4, 0);
  const perSample = model.layers.reduce((sum, l) => sum + volume(l.outputShape ?? []), volume(model.input ?? []));
  const activations = perSample * batch * 4;
  if (weights + activations > limit) {
    throw new Error(`simulating ${model.name} with batch ${batch} needs about ${mib(weights + activations)} (weights ${mib(weights)} + activations ${mib(activations)}), more than the limit of ${mib(limit)}: lower the batch or raise the memory limit`);
  }
  return { weights, activations, limit };
}

async function resolveWeights(model: ModelInfo, given: SimulateOptions["weights"], seed: number): Promise<{ weights: WeightMap; unused: string[]; source: string; random: boolean }> {
  if (typeof given === "string") return { ...(await loadWeightsFile(model, given)), source: given, random: false };
  if (given) return { ...checkWeights(model, given, "the given weights"), source: "given tensors", random: false };
  const source = `${model.framework} default initialisation, seed ${seed}`;
  return { weights: randomWeights(model, seed), unused: [], source, random: true };
}

const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
const sameShape = (a: number[], b: number[]) => a.length === b.length && a.every((d, i) => d === b[i]);
