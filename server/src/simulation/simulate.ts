// simulate(): a real forward pass of an analysed model on onnxruntime, with per-layer statistics and checks.
import type { Analysis, Framework, ModelInfo } from "../analysis/types.js";
import { buildModel, buildOnnx, ONNX_INPUT, ONNX_OUTPUT, onnxInputName, onnxOutputName } from "../layers/onnx-model.js";
import { STATISTICS_OUTPUT } from "../onnx/statistics.js";
import type { FloatTensor, WeightMap } from "../onnx/tensors.js";
import { availableParallelism } from "node:os";
import { onnxRuntimeEngine, type ForwardEngine } from "./engine.js";
import { runnableModel } from "./runnable-model.js";
import { checkInput, randomInput, readInputFile, type InputRequest } from "./inputs.js";
import { layerTimes, median, nonFiniteTensors } from "./statistics.js";
import { checkLayerShapes, exactStatistics, graphStatistics, type LayerReport } from "./layer-reports.js";
import type { NonFiniteTensor, TensorStats } from "./statistics.js";
import { checkWeights, loadWeightsFile, randomWeights } from "./weights.js";
import { checkMemory, DEFAULT_MEMORY_LIMIT, type MemoryEstimate } from "./memory-budget.js";

export { DEFAULT_MEMORY_LIMIT } from "./memory-budget.js";

export interface SimulateOptions {
  /** Seed of the random weights and input (default 0). */
  seed?: number;
  /** Batch size (default: the model's `batch`, or the input array's). */
  batch?: number;
  /** onnxruntime intra-op threads (default: its own choice); more than the machine's cores are cut to them. */
  threads?: number;
  /** A .safetensors path, or tensors by state_dict name; default: the framework's random initialisation. */
  weights?: string | WeightMap;
  /** A .npy path, or a tensor (one sample or a batch, file layout); default: seeded standard normal. */
  input?: string | FloatTensor;
  /**
   * The other inputs of a model with several, by label (one sample or the batch, file layout); each one not
   * given is seeded standard normal (its own stream, `input.<label>`).
   */
  otherInputs?: ReadonlyMap<string, FloatTensor>;
  /** Bytes the simulation's estimated peak may take above the process's baseline (default 4 GiB). */
  memoryLimit?: number;
  /** Runs after the first, for the steady-state time (default 2). */
  repeats?: number;
  /** Keep every layer's output tensor in the report (`tensors`). */
  keepTensors?: boolean;
  engine?: ForwardEngine;
}

export type { LayerReport } from "./layer-reports.js";

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
  memory: MemoryEstimate;
  /** The intra-op threads asked of onnxruntime (undefined: its own choice). */
  threads?: number;
  /** Sentences for the user about options that were adjusted (e.g. threads cut to the core count). */
  notes: string[];
  /** Milliseconds: building the ONNX bytes, creating the session, the first run, the median later run. */
  timing: { buildMs: number; sessionMs: number; firstRunMs: number; steadyMs?: number; unattributedMs: number };
  layers: LayerReport[];
  /** The model's result (the last layer or final merge), file layout; the first of `outputs`. */
  output: FloatTensor;
  /** Every result in order: the last tensor (`output`), or the ones output(…) names. */
  outputs: { name: string; tensor: FloatTensor }[];
  tensors?: Map<string, FloatTensor>;
}

/** Runs model `modelName` (default: the first) of `analysis` and reports what every layer produced. */
export async function simulate(
  analysis: Analysis,
  modelName: string | undefined,
  options: SimulateOptions = {},
): Promise<SimulationReport> {
  const model = runnableModel(analysis, modelName, "simulated");
  const seed = options.seed ?? 0;
  const req: InputRequest = {
    sample: model.input!,
    framework: model.framework,
    batch: options.batch ?? model.batch,
    seed,
  };
  const batchGiven = options.batch !== undefined;
  const limit = options.memoryLimit ?? DEFAULT_MEMORY_LIMIT;
  const threads = threadCount(options.threads);
  // A file input decides the batch from its header; the budget is checked before its data is read.
  let memory: MemoryEstimate | undefined;
  const admit = (batch: number) => void (memory = checkMemory(model, batch, limit));
  const input =
    typeof options.input === "string"
      ? await readInputFile(options.input, req, batchGiven, { memoryLimit: limit, admit })
      : options.input
        ? checkInput(options.input, req, batchGiven)
        : undefined;
  const batch = input ? input.shape[0]! : req.batch;
  memory ??= checkMemory(model, batch, limit);
  const { weights, unused, source, random } = await resolveWeights(model, options.weights, seed);
  const x = input ?? randomInput({ ...req, batch });
  // Random weights are finite by construction: scanning ResNet-50's 25 M values for NaN took a seventh of the
  // time their initialisation takes, on the way to the first result, for nothing.
  const poisoned = random ? [] : nonFiniteTensors(weights);
  const badInput = nonFiniteTensors(new Map([["input", x]]))[0];

  const others = new Map<string, FloatTensor>();
  model.inputs.forEach((one, i) => {
    if (i === 0) return;
    const sample = one.shape!;
    const given = options.otherInputs?.get(one.name);
    const tensor = given
      ? checkInput(given, { ...req, sample, batch }, true)
      : randomInput({ ...req, sample, batch }, `input.${one.name}`);
    others.set(onnxInputName(model, i), tensor);
  });

  // Only the results and the statistics leave the engine unless the caller keeps every tensor: an exposed
  // layer output is copied out and keeps onnxruntime from fusing it into the next node.
  const keep = options.keepTensors === true;
  let t = performance.now();
  const built = buildModel(model, weights, { batch, outputs: keep ? "all" : "final", statistics: true });
  const buildMs = performance.now() - t;
  const engine = options.engine ?? onnxRuntimeEngine;
  const engineOptions = threads.count ? { threads: threads.count } : {};
  t = performance.now();
  const session = await engine.load(built.bytes, { profile: true, ...engineOptions });
  const sessionMs = performance.now() - t;
  try {
    // One pass is what a user waits for: the forward run and the statistics read from its rows.
    const pass = async () => {
      const outputs = await session.run(ONNX_INPUT, x, undefined, others);
      checkLayerShapes(model.layers, batch, outputs, keep);
      return { outputs, stats: graphStatistics(outputs, built.statistics) };
    };
    t = performance.now();
    const { outputs, stats } = await pass();
    const firstRunMs = performance.now() - t;
    const repeats: number[] = [];
    for (let i = 0; i < (options.repeats ?? 2); i++) {
      t = performance.now();
      await pass();
      repeats.push(performance.now() - t);
    }
    const times = layerTimes(
      await session.nodeTimes(),
      model.layers.map((l) => l.name),
    );
    const exact = stats.every((s) => s !== undefined)
      ? (stats as TensorStats[])
      : exactStatistics(
          model.layers,
          stats,
          keep ? outputs : await everyTensor(engine, model, weights, batch, x, others),
        );
    const layers = model.layers.map((layer, i): LayerReport => ({
      name: layer.name,
      kind: layer.kind,
      shape: [batch, ...layer.outputShape!],
      timeMs: times.perLayer.get(layer.name) ?? 0,
      ...exact[i]!,
    }));
    return {
      model: model.name,
      framework: model.framework,
      engine: engine.name,
      batch,
      seed,
      weights: { source, unused, random, ...(poisoned.length ? { nonFinite: poisoned } : {}) },
      input: {
        source:
          typeof options.input === "string"
            ? options.input
            : options.input
              ? "given tensor"
              : `standard normal, seed ${seed}`,
        shape: x.shape,
        ...(badInput ? { nonFinite: badInput.count } : {}),
      },
      memory,
      ...(threads.count ? { threads: threads.count } : {}),
      notes: threads.note ? [threads.note] : [],
      timing: {
        buildMs,
        sessionMs,
        firstRunMs,
        ...(repeats.length ? { steadyMs: median(repeats) } : {}),
        unattributedMs: times.unattributed,
      },
      layers,
      output: outputs.get(ONNX_OUTPUT)!,
      outputs: model.outputs.map((o, i) => ({ name: o.name, tensor: outputs.get(onnxOutputName(model, i))! })),
      ...(keep ? { tensors: withoutStatistics(outputs) } : {}),
    };
  } finally {
    await session.release();
  }
}

/**
 * The intra-op threads to ask for: more threads than cores only add memory (a stack each) and contention,
 * so a larger request is cut to os.availableParallelism(), with a note saying so.
 */
function threadCount(asked: number | undefined): { count?: number; note?: string } {
  if (asked === undefined) return {};
  if (!Number.isSafeInteger(asked) || asked < 1) {
    throw new Error(`threads must be a whole number of at least 1, not ${asked}`);
  }
  const cores = availableParallelism();
  if (asked <= cores) return { count: asked };
  const cut = `this machine has ${cores} core${cores > 1 ? "s" : ""}: using ${cores}`;
  const note = `${asked} threads were asked for, but ${cut}`;
  return { count: cores, note };
}

async function resolveWeights(
  model: ModelInfo,
  given: SimulateOptions["weights"],
  seed: number,
): Promise<{ weights: WeightMap; unused: string[]; source: string; random: boolean }> {
  if (typeof given === "string") return { ...(await loadWeightsFile(model, given)), source: given, random: false };
  if (given) return { ...checkWeights(model, given, "the given weights"), source: "given tensors", random: false };
  const source = `${model.framework} default initialisation, seed ${seed}`;
  return { weights: randomWeights(model, seed), unused: [], source, random: true };
}

/**
 * Every layer's output, from a second session that exposes them all: only a run whose statistics met NaN or
 * ±Infinity needs them, to count those values and leave them out of the other numbers exactly.
 */
async function everyTensor(
  engine: ForwardEngine,
  model: ModelInfo,
  weights: WeightMap,
  batch: number,
  x: FloatTensor,
  others: ReadonlyMap<string, FloatTensor>,
): Promise<Map<string, FloatTensor>> {
  const session = await engine.load(buildOnnx(model, weights, { batch, outputs: "all" }), {});
  try {
    return await session.run(ONNX_INPUT, x, undefined, others);
  } finally {
    await session.release();
  }
}

function withoutStatistics(outputs: Map<string, FloatTensor>): Map<string, FloatTensor> {
  outputs.delete(STATISTICS_OUTPUT);
  return outputs;
}
