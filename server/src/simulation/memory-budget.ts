// The memory a simulation will take, estimated before anything is allocated, and the budget it must fit.
import type { ModelInfo } from "../analysis/types.js";
import { volume } from "../onnx/tensors.js";
import { parameterSpecs } from "../layers/index.js";

// 4 GiB: every example runs at batch 1 (VGG-16 peaks at 2.2 GB) with room for the process itself.
export const DEFAULT_MEMORY_LIMIT = 4 * 1024 ** 3;

/** What a simulation of one model and batch is expected to hold at its peak, in bytes. */
export interface MemoryEstimate {
  /** The weights as float32, once. */
  weights: number;
  /** The input and every layer's output as float32, once. */
  activations: number;
  /** The estimated peak of the whole process above its baseline (docs/simulation.md, "Memory"). */
  peak: number;
  limit: number;
}

/**
 * Copies of each part that exist at once at the peak, fitted to measured peak RSS (docs/simulation.md):
 * the weights live in the JS map, the ONNX bytes and onnxruntime's initializers; the activations in
 * onnxruntime's outputs, their JS copies, and the previous run's copies not yet collected.
 */
export const WEIGHT_COPIES = 3.25;
export const ACTIVATION_COPIES = 5.5;

/**
 * What the process takes beyond the estimate: node with onnxruntime loaded peaks at about 115 MiB for the
 * smallest model. Measured peak RSS stays within the estimate plus this (docs/simulation.md, "Memory").
 */
export const BASELINE_ALLOWANCE = 160 * 1024 ** 2;

/** Estimates the peak of simulating `model` with `batch` and refuses it, with the numbers, above `limit`. */
export function checkMemory(model: ModelInfo, batch: number, limit: number): MemoryEstimate {
  const weights = parameterSpecs(model).reduce((sum, s) => sum + volume(s.shape) * 4, 0);
  // Every input of a model with several is held too.
  const inputs = model.inputs.reduce((sum, one) => sum + volume(one.shape ?? []), 0) || volume(model.input ?? []);
  const perSample = model.layers.reduce((sum, l) => sum + volume(l.outputShape ?? []), inputs);
  const activations = perSample * batch * 4;
  const peak = WEIGHT_COPIES * weights + ACTIVATION_COPIES * activations;
  if (!(peak <= limit)) {
    throw new Error(
      `simulating ${model.name} with batch ${batch} needs about ${mib(peak)} at its peak (weights ` +
        `${mib(weights)} and activations ${mib(activations)}, held about ${WEIGHT_COPIES} and ${ACTIVATION_COPIES} ` +
        `times), more than the limit of ${mib(limit)}: lower the batch or raise the memory limit`,
    );
  }
  return { weights, activations, peak, limit };
}

const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
