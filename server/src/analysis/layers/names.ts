// The closed set of layer kind names: the type every per-kind table (analysis, ONNX, PyTorch, Keras) is keyed by.
//
// The list lives here, importing nothing, so that `LayerInfo.kind` (analysis/types.ts) can be typed by it
// without an import cycle; the registry (./index.ts) checks at compile time that it holds exactly one
// analysis face per name, and server/src/layers/ that every name has every backend face.

/** Every layer kind's canonical name, in the order the documentation lists them. */
export const LAYER_KIND_NAMES = [
  "conv",
  "convtranspose",
  "maxpool",
  "avgpool",
  "adaptiveavgpool",
  "adaptivemaxpool",
  "globalavgpool",
  "globalmaxpool",
  "batchnorm",
  "layernorm",
  "relu",
  "relu6",
  "leakyrelu",
  "elu",
  "gelu",
  "sigmoid",
  "tanh",
  "softmax",
  "identity",
  "dropout",
  "flatten",
  "permute",
  "dense",
  "lrn",
  "upsample",
  "resize",
  "zeropad",
  "silu",
  "hardswish",
  "hardsigmoid",
  "mish",
  "softplus",
  "prelu",
  "groupnorm",
  "instancenorm",
  "droppath",
  "scale",
  "shuffle",
] as const;

/** A layer kind's canonical name: `conv`, `batchnorm`, `relu`, … */
export type LayerKindName = (typeof LAYER_KIND_NAMES)[number];

/** Whether `name` is a canonical kind name (for reading kinds back from JSON or generated code). */
export function isLayerKindName(name: string): name is LayerKindName {
  return (LAYER_KIND_NAMES as readonly string[]).includes(name);
}
