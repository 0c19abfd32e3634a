// Float tensors, weight maps and the description of one learnable tensor (named as in a PyTorch state_dict).
import type { ModelInfo } from "../analysis/types.js";
import { spatial } from "../analysis/tensor.js";

/** A float32 tensor: shape and row-major data. */
export interface FloatTensor {
  shape: number[];
  data: Float32Array;
}

/** Tensors by state_dict name: `conv1.weight`, `layer1.batchnorm2.running_var`. */
export type WeightMap = Map<string, FloatTensor>;

export type ParamRole = "weight" | "bias" | "running_mean" | "running_var";

export interface ParamSpec {
  /** `<layer name>.<role>`, or the layer's name for a tensor that is an nn.Parameter of its own (layer scale). */
  name: string;
  layer: number;
  /** The layer's kind (`conv`, `batchnorm`, …), which decides the initialisation. */
  kind: string;
  role: ParamRole;
  shape: number[];
  /** Inputs per output for initialisation (PyTorch's fan_in: shape[1] times the kernel volume). */
  fanIn: number;
  fanOut: number;
  /** A constant the framework initialises the tensor with, instead of random values. */
  initial?: number;
}

/** Reads a per-axis argument: one number for every axis, or a tuple. */
export function perAxis(value: unknown, rank: number): number[] {
  if (Array.isArray(value)) return value.map(Number);
  return Array<number>(rank).fill(Number(value));
}

/** Number of elements of a shape. */
export function volume(shape: number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

/** Spatial sizes of a layer's input in the file's layout, or [] for flat tensors. */
export function spatialOf(shape: number[], fw: ModelInfo["framework"]): number[] {
  return shape.length > 1 ? spatial(shape, fw) : [];
}
