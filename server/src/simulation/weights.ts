// Weights for a simulation: each framework's default initialisation (seeded), or tensors from a safetensors file.
import { readFile } from "node:fs/promises";
import type { ModelInfo } from "../analysis/types.js";
import { parameterSpecs, volume, type FloatTensor, type ParamSpec, type WeightMap } from "../export/onnx-params.js";
import { Random } from "./random.js";
import { parseSafetensors } from "./safetensors.js";

export type { FloatTensor, WeightMap } from "../export/onnx-params.js";

/**
 * Random weights as a freshly built model has them. PyTorch: Conv/ConvTranspose/Linear weight and bias
 * uniform in ±1/√fan_in (kaiming_uniform with a = √5, fan_in = shape[1]·kernel volume). Keras:
 * glorot_uniform kernels (±√(6/(fan_in + fan_out))) and zero biases. BatchNorm: scale 1, shift 0, running
 * mean 0, running variance 1. Each tensor has its own stream of `seed`, named after the tensor.
 */
export function randomWeights(model: ModelInfo, seed: number): WeightMap {
  const out: WeightMap = new Map();
  for (const spec of parameterSpecs(model)) out.set(spec.name, initial(spec, model.framework, seed));
  return out;
}

function initial(spec: ParamSpec, framework: ModelInfo["framework"], seed: number): FloatTensor {
  const n = volume(spec.shape);
  const constant = (v: number) => ({ shape: spec.shape, data: new Float32Array(n).fill(v) });
  if (spec.role === "running_mean") return constant(0);
  if (spec.role === "running_var") return constant(1);
  if (spec.kind === "batchnorm") return constant(spec.role === "weight" ? 1 : 0);
  const random = new Random(seed, spec.name);
  if (framework === "keras") {
    if (spec.role === "bias") return constant(0);
    const limit = Math.sqrt(6 / (spec.fanIn + spec.fanOut));
    return { shape: spec.shape, data: random.fillUniform(n, -limit, limit) };
  }
  const bound = 1 / Math.sqrt(spec.fanIn);
  return { shape: spec.shape, data: random.fillUniform(n, -bound, bound) };
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
  const problems: string[] = [];
  const weights: WeightMap = new Map();
  for (const spec of parameterSpecs(model)) {
    const layer = model.layers[spec.layer]!;
    const t = source.get(spec.name);
    if (!t) {
      problems.push(`layer ${layer.name} (${layer.kind}) needs '${spec.name}' of shape ${fmt(spec.shape)}, which ${sourceName} lack`);
    } else if (!sameShape(t.shape, spec.shape)) {
      problems.push(`layer ${layer.name} (${layer.kind}): '${spec.name}' has shape ${fmt(t.shape)} in ${sourceName} but the model needs ${fmt(spec.shape)}`);
    } else {
      weights.set(spec.name, t);
    }
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 10).map((p) => `  - ${p}`).join("\n");
    const more = problems.length > 10 ? `\n  … and ${problems.length - 10} more` : "";
    throw new Error(`${problems.length} weight tensor${problems.length > 1 ? "s do" : " does"} not fit model ${model.name}:\n${shown}${more}`);
  }
  const unused = [...source.keys()].filter((k) => !weights.has(k) && !k.endsWith(".num_batches_tracked"));
  return { weights, unused };
}

/** Reads a .safetensors file and checks it against the model. */
export async function loadWeightsFile(model: ModelInfo, path: string): Promise<CheckedWeights> {
  const file = parseSafetensors(new Uint8Array(await readFile(path)), path);
  const checked = checkWeights(model, file.tensors, path);
  const unusedSkipped = [...file.skipped.keys()].filter((k) => !k.endsWith(".num_batches_tracked"));
  return { weights: checked.weights, unused: [...checked.unused, ...unusedSkipped] };
}

const fmt = (shape: number[]) => (shape.length ? shape.join("×") : "a scalar");
const sameShape = (a: number[], b: number[]) => a.length === b.length && a.every((d, i) => d === b[i]);
