// The learnable tensors and buffers of a model, named and shaped as in a PyTorch state_dict.
import type { LayerInfo, ModelInfo } from "../analysis/types.js";
import { channels, spatial } from "../analysis/tensor.js";

/** A float32 tensor: shape and row-major data. */
export interface FloatTensor {
  shape: number[];
  data: Float32Array;
}

/** Tensors by state_dict name: `conv1.weight`, `layer1.batchnorm2.running_var`. */
export type WeightMap = Map<string, FloatTensor>;

export type ParamRole = "weight" | "bias" | "running_mean" | "running_var";

export interface ParamSpec {
  /** `<layer name>.<role>`. */
  name: string;
  layer: number;
  /** The layer's kind (`conv`, `batchnorm`, …), which decides the initialisation. */
  kind: string;
  role: ParamRole;
  shape: number[];
  /** Inputs per output for initialisation (PyTorch's fan_in: shape[1] times the kernel volume). */
  fanIn: number;
  fanOut: number;
}

/**
 * Every tensor the model's layers read, in layer order. Weights always use PyTorch's layout, also in
 * Keras files: conv [C_out, C_in/groups, …K], transposed conv [C_in, C_out/groups, …K], dense [out, in].
 */
export function parameterSpecs(model: ModelInfo): ParamSpec[] {
  const specs: ParamSpec[] = [];
  model.layers.forEach((layer, index) => {
    for (const [role, shape, fanIn, fanOut] of tensorsOf(layer, model.framework)) {
      specs.push({ name: `${layer.name}.${role}`, layer: index, kind: layer.kind, role, shape, fanIn, fanOut });
    }
  });
  return specs;
}

/** Reads a per-axis argument: one number for every axis, or a tuple. */
export function perAxis(value: unknown, rank: number): number[] {
  if (Array.isArray(value)) return value.map(Number);
  return Array<number>(rank).fill(Number(value));
}

type Entry = [ParamRole, number[], number, number];

function tensorsOf(layer: LayerInfo, fw: ModelInfo["framework"]): Entry[] {
  const input = layer.inputShape;
  if (!input) return [];
  const a = layer.args;
  const bias = a.bias !== false;
  switch (layer.kind) {
    case "conv":
    case "convtranspose": {
      const rank = input.length - 1;
      const kernel = perAxis(a.kernel, rank);
      const volume = kernel.reduce((p, k) => p * k, 1);
      const groups = Number(a.groups ?? 1);
      const cin = channels(input, fw);
      const cout = Number(a.out_channels);
      // PyTorch stores a transposed conv's weight as [C_in, C_out/groups, …K]; its fan_in reads dim 1.
      const shape = layer.kind === "conv" ? [cout, cin / groups, ...kernel] : [cin, cout / groups, ...kernel];
      const fanIn = shape[1]! * volume;
      const fanOut = shape[0]! * volume;
      const out: Entry[] = [["weight", shape, fanIn, fanOut]];
      if (bias) out.push(["bias", [cout], fanIn, fanOut]);
      return out;
    }
    case "dense": {
      const inF = input[input.length - 1]!;
      const outF = Number(a.out_features);
      const out: Entry[] = [["weight", [outF, inF], inF, outF]];
      if (bias) out.push(["bias", [outF], inF, outF]);
      return out;
    }
    case "batchnorm": {
      const c = input.length === 1 || fw === "keras" ? input[input.length - 1]! : input[0]!;
      // Keras' scale (γ, "weight") and center (β, "bias") come and go independently; affine is PyTorch's both.
      const out: Entry[] = [];
      if (a.affine !== false && a.scale !== false) out.push(["weight", [c], c, c]);
      if (a.affine !== false && a.center !== false) out.push(["bias", [c], c, c]);
      out.push(["running_mean", [c], c, c], ["running_var", [c], c, c]);
      return out;
    }
    default:
      return [];
  }
}

/** Number of elements of a shape. */
export function volume(shape: number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

/** Spatial sizes of a layer's input in the file's layout, or [] for flat tensors. */
export function spatialOf(shape: number[], fw: ModelInfo["framework"]): number[] {
  return shape.length > 1 ? spatial(shape, fw) : [];
}
