// Rebuilds a Keras 3 functional graph (as the stand-in in test/export/keras_stub records it) in TF.js layers.
import * as tf from "@tensorflow/tfjs";
import type { FloatTensor, WeightMap } from "../../server/src/onnx/tensors.js";

/** One recorded layer call: class, arguments, and the tensors it is called on and returns. */
export interface RecordedCall {
  cls: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
  inputs: string[];
  output: string;
  /** For `split`: the id of each part. */
  parts?: string[];
}

/** Thrown for what TF.js cannot build although Keras 3 can: the test skips with this reason. */
export class TfjsGap extends Error {}

type Config = Record<string, unknown>;
type Layer = tf.layers.Layer;
const L = tf.layers;

/**
 * Keras 3 calls as TF.js layers. TF.js follows Keras 2 in places; where the default differs (softmax's axis)
 * the Keras 3 value is passed explicitly, so that the model computes what the exported Keras 3 code computes.
 */
function layerOf(call: RecordedCall, inChannels: number): Layer {
  const { cls, args, kwargs: kw } = call;
  const name = kw["name"] as string | undefined;
  const common: Config = name === undefined ? {} : { name: name.replace(/[^\w]/g, "_") };
  const conv = (): Config => {
    if (kw["groups"] !== undefined && kw["groups"] !== 1) {
      throw new TfjsGap(`${name}: TF.js' Conv has no groups (grouped convs other than depthwise)`);
    }
    return {
      ...common,
      filters: args[0],
      kernelSize: args[1],
      strides: kw["strides"] ?? 1,
      padding: kw["padding"] ?? "valid",
      dilationRate: kw["dilation_rate"] ?? 1,
      useBias: kw["use_bias"] ?? true,
    };
  };
  const pool = (): Config => ({
    ...common,
    poolSize: args[0] ?? kw["pool_size"] ?? 2,
    strides: kw["strides"] ?? args[1] ?? null,
    padding: kw["padding"] ?? "valid",
  });
  const global = (): Config => common;
  // TF.js' global pools have no keepdims: Keras 3's keepdims=True is a mean or max that keeps the axes as 1.
  if (cls.startsWith("Global") && kw["keepdims"] === true) return new KeepDimsPool(cls.includes("Average"), common);
  switch (cls) {
    case "Conv1D":
      return L.conv1d(conv() as never);
    case "Conv2D":
      // Keras 3's Conv2D(groups=C_in) is a depthwise conv (output c·m + j reads channel c): TF.js builds it so.
      if (kw["groups"] === inChannels && inChannels > 1) {
        return L.depthwiseConv2d({
          ...common,
          kernelSize: args[1],
          strides: kw["strides"] ?? 1,
          padding: kw["padding"] ?? "valid",
          depthMultiplier: Number(args[0]) / inChannels,
          dilationRate: kw["dilation_rate"] ?? 1,
          useBias: kw["use_bias"] ?? true,
        } as never);
      }
      return L.conv2d(conv() as never);
    case "Conv3D":
      return L.conv3d(conv() as never);
    case "DepthwiseConv2D":
      return L.depthwiseConv2d({
        ...common,
        kernelSize: args[0],
        strides: kw["strides"] ?? 1,
        padding: kw["padding"] ?? "valid",
        depthMultiplier: kw["depth_multiplier"] ?? 1,
        dilationRate: kw["dilation_rate"] ?? 1,
        useBias: kw["use_bias"] ?? true,
      } as never);
    case "Conv2DTranspose":
    case "Conv3DTranspose": {
      if (kw["output_padding"] !== undefined) {
        throw new TfjsGap(`${name}: TF.js' transposed conv has no output_padding`);
      }
      if (kw["dilation_rate"] !== undefined && kw["dilation_rate"] !== 1) {
        throw new TfjsGap(`${name}: TF.js' transposed conv has no dilation`);
      }
      const c = conv();
      return cls === "Conv2DTranspose" ? L.conv2dTranspose(c as never) : L.conv3dTranspose(c as never);
    }
    case "MaxPooling1D":
      return L.maxPooling1d(pool() as never);
    case "MaxPooling2D":
      return L.maxPooling2d(pool() as never);
    case "MaxPooling3D":
      return L.maxPooling3d(pool() as never);
    case "AveragePooling1D":
      return L.averagePooling1d(pool() as never);
    case "AveragePooling2D":
      return L.averagePooling2d(pool() as never);
    case "AveragePooling3D":
      return L.averagePooling3d(pool() as never);
    case "GlobalAveragePooling1D":
      return L.globalAveragePooling1d(global());
    case "GlobalAveragePooling2D":
      return L.globalAveragePooling2d(global());
    case "GlobalMaxPooling1D":
      return L.globalMaxPooling1d(global());
    case "GlobalMaxPooling2D":
      return L.globalMaxPooling2d(global());
    case "BatchNormalization":
      return L.batchNormalization({
        ...common,
        epsilon: kw["epsilon"] ?? 1e-3,
        momentum: kw["momentum"] ?? 0.99,
        center: kw["center"] ?? true,
        scale: kw["scale"] ?? true,
      } as never);
    case "ReLU":
      return L.reLU({ ...common, ...(kw["max_value"] !== undefined ? { maxValue: kw["max_value"] } : {}) } as never);
    case "LeakyReLU":
      return L.leakyReLU({ ...common, alpha: kw["negative_slope"] ?? 0.3 } as never);
    case "ELU":
      if ((kw["alpha"] ?? 1) !== 1) throw new TfjsGap(`${name}: TF.js' ELU takes alpha 1 only`);
      return L.elu(common);
    case "Activation":
      return L.activation({ ...common, activation: activationOf(String(args[0] ?? kw["activation"]), name) } as never);
    case "Identity":
      return L.activation({ ...common, activation: "linear" });
    // Keras 3's Softmax normalises the last axis by default; TF.js' defaults to axis 1 (Keras 2's layer did too).
    case "Softmax":
      return L.softmax({ ...common, axis: kw["axis"] ?? -1 } as never);
    case "Dropout":
      return L.dropout({ ...common, rate: Number(args[0] ?? kw["rate"]) });
    case "Flatten":
      return L.flatten(common);
    case "Dense":
      return L.dense({ ...common, units: args[0], useBias: kw["use_bias"] ?? true } as never);
    case "UpSampling2D": {
      const given = args[0] ?? kw["size"] ?? 2;
      const size = (Array.isArray(given) ? given : [given, given]) as [number, number];
      // TF.js' bilinear UpSampling2D samples without half-pixel centres (TF 1's resize); Keras 3's resizes as
      // tf.image.resize does, with them (docs/keras.md): the Keras 3 rule is asserted, not TF.js'.
      if (kw["interpolation"] === "bilinear") return new HalfPixelBilinear(size, common);
      return L.upSampling2d({ ...common, size } as never);
    }
    case "ZeroPadding2D":
      return L.zeroPadding2d({ ...common, padding: args[0] ?? kw["padding"] ?? 1 } as never);
    case "Cropping2D":
      return L.cropping2D({ ...common, cropping: args[0] ?? kw["cropping"] } as never);
    case "Permute":
      return L.permute({ ...common, dims: args[0] } as never);
    case "LayerNormalization":
      return L.layerNormalization({ ...common, axis: kw["axis"] ?? -1, epsilon: kw["epsilon"] ?? 1e-3 } as never);
    case "Resizing":
      return new HalfPixelResize([Number(args[0]), Number(args[1])], String(kw["interpolation"] ?? "bilinear"), common);
    case "Lambda":
      throw new TfjsGap(`${name}: a Lambda layer's Python function (PyTorch's -inf padding) cannot run in TF.js`);
    case "Add":
      return L.add(common);
    case "Multiply":
      return L.multiply(common);
    case "Concatenate":
      return L.concatenate({ ...common, axis: kw["axis"] ?? -1 } as never);
    default:
      throw new TfjsGap(`${name ?? cls}: TF.js has no ${cls} layer`);
  }
}

/** Keras 3's bilinear UpSampling2D: tf.image.resize with half-pixel centres, as TF.js' own layer does not. */
export class HalfPixelBilinear extends tf.layers.Layer {
  static className = "HalfPixelBilinear";
  constructor(
    private readonly size: [number, number],
    config: Config,
  ) {
    super(config);
  }
  override computeOutputShape(s: tf.Shape): tf.Shape {
    return [s[0]!, s[1]! * this.size[0], s[2]! * this.size[1], s[3]!];
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0]! : inputs) as tf.Tensor4D;
    return tf.image.resizeBilinear(x, [x.shape[1] * this.size[0], x.shape[2] * this.size[1]], false, true);
  }
}

/**
 * Keras 3's Resizing (tf.image.resize, half-pixel centres, no antialiasing): TF.js' own Resizing layer fails on
 * a batch ("resizeBilinear: x must be rank 3 or 4, but got rank 1").
 */
class HalfPixelResize extends tf.layers.Layer {
  static className = "HalfPixelResize";
  constructor(
    private readonly size: [number, number],
    private readonly mode: string,
    config: Config,
  ) {
    super(config);
  }
  override computeOutputShape(s: tf.Shape): tf.Shape {
    return [s[0]!, this.size[0], this.size[1], s[3]!];
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0]! : inputs) as tf.Tensor4D;
    if (this.mode === "nearest") return tf.image.resizeNearestNeighbor(x, this.size, false, true);
    return tf.image.resizeBilinear(x, this.size, false, true);
  }
}

/** Keras 3's GlobalAveragePooling/GlobalMaxPooling with keepdims=True: every spatial axis kept as size 1. */
class KeepDimsPool extends tf.layers.Layer {
  static className = "KeepDimsPool";
  constructor(
    private readonly average: boolean,
    config: Config,
  ) {
    super(config);
  }
  override computeOutputShape(s: tf.Shape): tf.Shape {
    return s.map((d, i) => (i === 0 || i === s.length - 1 ? d : 1));
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    const axes = Array.from({ length: x.rank - 2 }, (_, i) => i + 1);
    return this.average ? tf.mean(x, axes, true) : tf.max(x, axes, true);
  }
}

function activationOf(word: string, name: string | undefined): string {
  if (["sigmoid", "tanh", "relu", "gelu", "linear", "softmax"].includes(word)) return word;
  throw new TfjsGap(`${name}: TF.js' activation ${word} is not Keras 3's (see docs/keras.md)`);
}

/** keras.ops.split's part `[from, to)` of the last axis. */
class ChannelSlice extends tf.layers.Layer {
  static className = "ChannelSlice";
  constructor(
    private readonly from: number,
    private readonly to: number,
  ) {
    super({});
  }
  override computeOutputShape(s: tf.Shape): tf.Shape {
    return [...s.slice(0, -1), this.to - this.from];
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    const begin = x.shape.map((_, i) => (i === x.rank - 1 ? this.from : 0));
    const size = x.shape.map((d, i) => (i === x.rank - 1 ? this.to - this.from : d));
    return tf.slice(x, begin, size);
  }
}

/**
 * A TF.js model with one output per recorded layer call, by the recorded tensor id; throws TfjsGap. `input`
 * is the shape of the single input, or each input's id (its keras.Input name) and shape.
 */
export function rebuild(
  calls: RecordedCall[],
  input: number[] | { id: string; shape: number[] }[],
): { model: tf.LayersModel; layers: Map<string, Layer>; outputs: string[] } {
  const given =
    typeof input[0] === "number"
      ? [{ id: "input", shape: input as number[] }]
      : (input as { id: string; shape: number[] }[]);
  const inps = given.map((one) => tf.input({ shape: one.shape }));
  const tensors = new Map<string, tf.SymbolicTensor>(given.map((one, i) => [one.id, inps[i]!]));
  const layers = new Map<string, Layer>();
  for (const call of calls) {
    const ins = call.inputs.map((s) => tensors.get(s)!);
    if (call.cls === "split") {
      const bounds = call.args[0] as number[];
      call.parts!.forEach((id, i) => {
        tensors.set(id, new ChannelSlice(bounds[i]!, bounds[i + 1]!).apply(ins[0]!) as tf.SymbolicTensor);
      });
      continue;
    }
    const layer = layerOf(call, ins[0]!.shape[ins[0]!.shape.length - 1]!);
    tensors.set(call.output, layer.apply(ins.length === 1 ? ins[0]! : ins) as tf.SymbolicTensor);
    layers.set(call.output, layer);
  }
  const ids = new Set(given.map((one) => one.id));
  const outputs = [...tensors.keys()].filter((k) => !ids.has(k));
  return { model: tf.model({ inputs: inps, outputs: outputs.map((k) => tensors.get(k)!) }), layers, outputs };
}

/**
 * Sets a Keras layer's weights from the simulation's tensors (PyTorch layout, named `<layer>.<role>`), moved
 * to the layout Keras stores: conv and transposed conv kernels [...K, C_in, C_out] and [...K, C_out, C_in]
 * (both PyTorch dims 0 and 1 swapped to the end), depthwise [...K, C, multiplier], dense [in, out].
 */
export function setWeights(layer: Layer, cls: string, name: string, weights: WeightMap): void {
  const get = (role: string) => weights.get(`${name}.${role}`);
  const values: FloatTensor[] = [];
  if (cls === "BatchNormalization" || cls === "LayerNormalization") {
    for (const role of ["weight", "bias", "running_mean", "running_var"]) {
      const t = get(role);
      if (t) values.push(t);
    }
  } else {
    const w = get("weight");
    if (!w) return;
    const isDepthwise = layer.getClassName() === "DepthwiseConv2D";
    values.push(cls === "Dense" ? transpose(w, [1, 0]) : isDepthwise ? depthwise(w, layer) : kernelLast(w));
    const b = get("bias");
    if (b) values.push(b);
  }
  const expected = layer.getWeights().map((t) => t.shape.join("x"));
  const given = values.map((t) => t.shape.join("x"));
  if (expected.join() !== given.join()) {
    throw new Error(`${name} (${cls}): Keras holds ${expected.join(", ")}, the simulation ${given.join(", ")}`);
  }
  layer.setWeights(values.map((t) => tf.tensor(t.data, t.shape)));
}

/** [A, B, ...K] → [...K, B, A]. */
function kernelLast(t: FloatTensor): FloatTensor {
  const r = t.shape.length;
  return transpose(t, [...Array.from({ length: r - 2 }, (_, i) => i + 2), 1, 0]);
}

/** PyTorch's depthwise [C·m, 1, ...K] (output c·m + j) → Keras' [...K, C, m]. */
function depthwise(t: FloatTensor, layer: Layer): FloatTensor {
  const m = Number((layer.getConfig() as Config)["depthMultiplier"] ?? 1);
  const [cm, , ...k] = t.shape;
  const c = cm! / m;
  const reshaped = { shape: [c, m, ...k], data: t.data };
  return transpose(reshaped, [...k.map((_, i) => i + 2), 0, 1]);
}

/** A row-major transpose: output axis i is input axis perm[i]. */
export function transpose(t: FloatTensor, perm: number[]): FloatTensor {
  const x = tf.tensor(t.data, t.shape);
  const y = tf.transpose(x, perm);
  const out = { shape: y.shape, data: y.dataSync() as Float32Array };
  tf.dispose([x, y]);
  return out;
}
