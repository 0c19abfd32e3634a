// Weights for a simulation: each framework's default initialisation (seeded), or tensors from a safetensors file.
import type { ModelInfo } from "../analysis/types.js";
import { volume, type ParamSpec, type WeightMap } from "../onnx/tensors.js";
import { parameterSpecs } from "../layers/index.js";
import { Random } from "./random.js";
import { InputFileError } from "./input-error.js";
import { readSafetensorsFile } from "./safetensors.js";

export type { FloatTensor, WeightMap } from "../onnx/tensors.js";

/**
 * Random weights as a freshly built model has them. PyTorch: Conv/ConvTranspose/Linear weight and bias
 * uniform in ±1/√fan_in (kaiming_uniform with a = √5, fan_in = shape[1]·kernel volume). Keras:
 * glorot_uniform kernels (±√(6/(fan_in + fan_out))) and zero biases. BatchNorm: scale 1, shift 0, running
 * mean 0, running variance 1. A tensor with a constant initial value (PReLU's slopes, a group or instance
 * norm's γ and β, a layer scale) starts at it. Each tensor has its own stream of `seed`, named after the tensor.
 */
export function randomWeights(model: ModelInfo, seed: number): WeightMap {
  const out: WeightMap = new Map();
  const specs = parameterSpecs(model);
  const data: Float32Array[] = new Array(specs.length);
  const pending: { index: number; draw: UniformDraw }[] = [];
  specs.forEach((spec, index) => {
    const made = initial(spec, model.framework, seed);
    if (made instanceof Float32Array) data[index] = made;
    else pending.push({ index, draw: made });
  });
  // The drawn tensors two at a time, each from its own stream (Random.fillUniformPair: the same numbers, sooner),
  // paired by size so that the two streams run side by side for most of their length.
  pending.sort((p, q) => q.draw.n - p.draw.n);
  for (let k = 0; k < pending.length; k += 2) {
    const x = pending[k]!;
    const y = pending[k + 1];
    if (!y) data[x.index] = x.draw.random.fillUniform(x.draw.n, x.draw.low, x.draw.high);
    else [data[x.index], data[y.index]] = Random.fillUniformPair(x.draw, y.draw);
  }
  specs.forEach((spec, i) => out.set(spec.name, { shape: spec.shape, data: data[i]! }));
  return out;
}

/** A tensor's draw still to make: `n` values uniform in [low, high) from its own stream. */
interface UniformDraw {
  random: Random;
  n: number;
  low: number;
  high: number;
}

/** A tensor's constant values, or the uniform draw that makes them. */
function initial(spec: ParamSpec, framework: ModelInfo["framework"], seed: number): Float32Array | UniformDraw {
  const n = volume(spec.shape);
  const constant = (v: number) => new Float32Array(n).fill(v);
  if (spec.role === "running_mean") return constant(0);
  if (spec.role === "running_var") return constant(1);
  if (spec.kind === "batchnorm") return constant(spec.role === "weight" ? 1 : 0);
  if (spec.initial !== undefined) return constant(spec.initial);
  const random = new Random(seed, spec.name);
  if (framework === "keras") {
    if (spec.role === "bias") return constant(0);
    const limit = Math.sqrt(6 / (spec.fanIn + spec.fanOut));
    return { random, n, low: -limit, high: limit };
  }
  const bound = 1 / Math.sqrt(spec.fanIn);
  return { random, n, low: -bound, high: bound };
}

export interface CheckedWeights {
  weights: WeightMap;
  /** Tensors in the source that no layer reads (BatchNorm's num_batches_tracked is not listed). */
  unused: string[];
}

/**
 * Checks that `source` has every tensor the model reads, with the right shape. All problems are
 * reported at once, each naming the layer and both shapes.
 */
export function checkWeights(model: ModelInfo, source: WeightMap, sourceName = "the weights"): CheckedWeights {
  const shapes = new Map([...source].map(([name, t]) => [name, t.shape]));
  const problems = shapeProblems(model, shapes, sourceName);
  if (problems.length > 0) throw new Error(problemsText(model, problems));
  const weights: WeightMap = new Map(parameterSpecs(model).map((spec) => [spec.name, source.get(spec.name)!]));
  return { weights, unused: unusedNames(shapes.keys(), weights) };
}

/**
 * Reads a .safetensors file and checks it against the model: the header's shapes are checked first, and only the
 * tensors the model reads are then read, so a file that does not fit, or holds much more, costs no memory.
 */
export async function loadWeightsFile(model: ModelInfo, path: string): Promise<CheckedWeights> {
  let floatNames: string[] = [];
  const file = readSafetensorsFile(path, (shapes) => {
    floatNames = [...shapes.keys()];
    const problems = shapeProblems(model, shapes, path);
    if (problems.length > 0) throw new InputFileError(path, problemsText(model, problems), false);
    return new Set(parameterSpecs(model).map((spec) => spec.name));
  });
  const weights: WeightMap = new Map(parameterSpecs(model).map((spec) => [spec.name, file.tensors.get(spec.name)!]));
  const all = [...floatNames, ...file.skipped.keys()];
  return { weights, unused: unusedNames(all, weights) };
}

function shapeProblems(model: ModelInfo, shapes: Map<string, number[]>, sourceName: string): string[] {
  const problems: string[] = [];
  for (const spec of parameterSpecs(model)) {
    const layer = model.layers[spec.layer]!;
    const shape = shapes.get(spec.name);
    if (!shape) {
      problems.push(
        `layer ${layer.name} (${layer.kind}) needs '${spec.name}' of shape ${fmt(spec.shape)}` +
          `, which ${sourceName} lack`,
      );
    } else if (!sameShape(shape, spec.shape)) {
      problems.push(
        `layer ${layer.name} (${layer.kind}): '${spec.name}' has shape ${fmt(shape)} in ${sourceName} ` +
          `but the model needs ${fmt(spec.shape)}`,
      );
    }
  }
  return problems;
}

function problemsText(model: ModelInfo, problems: string[]): string {
  const shown = problems
    .slice(0, 10)
    .map((p) => `  - ${p}`)
    .join("\n");
  const more = problems.length > 10 ? `\n  … and ${problems.length - 10} more` : "";
  const count = `${problems.length} weight tensor${problems.length > 1 ? "s do" : " does"}`;
  return `${count} not fit model ${model.name}:\n${shown}${more}`;
}

/** Tensors no layer reads (BatchNorm's num_batches_tracked is expected and left out). */
function unusedNames(names: Iterable<string>, used: WeightMap): string[] {
  return [...names].filter((k) => !used.has(k) && !k.endsWith(".num_batches_tracked"));
}

const fmt = (shape: number[]) => (shape.length ? shape.join("×") : "a scalar");
const sameShape = (a: number[], b: number[]) => a.length === b.length && a.every((d, i) => d === b[i]);
