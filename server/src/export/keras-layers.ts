// One layer as Keras layers (`layers.Conv2D(…)`), channels last, with the padding or cropping it needs.
import { windowOutput } from "../analysis/geometry.js";
import { spatial } from "../analysis/tensor.js";
import type { Framework } from "../analysis/types.js";
import { isLayerKindName, type LayerKindName } from "../analysis/layers/names.js";
import { NON_NEGATIVE, unitOf, type DataCodedKind, type RefusedKind } from "../layers/index.js";
import type { LayerOp } from "./ir.js";
import { Refusal, type LayerFact } from "./lower-context.js";
import { py } from "../codegen/python.js";
import { arith, isLiteral, key, num, type Sym } from "../codegen/sym.js";
import { isValue, literalAxes, padSides, softmaxAxis, wordOf } from "../codegen/layer-values.js";

/** One Keras layer call: its class, arguments (without the name) and the suffix its name gets. */
export interface KerasStep {
  cls: string;
  args: string[];
  /** "" for the layer itself; `_pad`, `_crop`, `_permute` for the helpers around it. */
  suffix: string;
  note?: string;
}

/** The code written for a layer, to compare uses. */
export const kerasFact: LayerFact = (op, source) => JSON.stringify(kerasLayer(op, source));

/** The Keras layers for a layer op of a `source` file; throws Refusal for what Keras cannot do exactly. */
export function kerasLayer(op: LayerOp, source: Framework): KerasStep[] {
  const a = op.args;
  const d = Math.max(op.rank, 1);
  const kw = (name: string, s: Sym | undefined, skip?: number | boolean | string) => (s === undefined || (skip !== undefined && isValue(s, skip)) ? [] : [`${name}=${py(s)}`]);
  const one = (cls: string, args: string[] = []): KerasStep[] => [{ cls, args, suffix: "" }];
  const torch = source === "pytorch";
  if (!isLayerKindName(op.kind)) throw new Refusal(`${op.attr}: Keras export does not know the layer kind '${op.kind}'`);
  const refusal = unitOf(op.kind).refuses?.keras;
  if (refusal) throw new Refusal(`${op.attr}: ${refusal}`);
  const code = unitOf(op.kind).code?.keras;
  if (code) return one(code.cls, [...(code.args ?? []), ...(code.kwargs ?? []).flatMap(([k, arg, omit]) => kw(k, a[arg], omit))]);
  // The kinds whose code is not data in their unit (server/src/layers/): the compiler checks every one is here.
  const kind = op.kind as Exclude<LayerKindName, DataCodedKind | RefusedKind<"keras">>;
  switch (kind) {
    case "conv": return conv(op, source, d, kw);
    case "convtranspose": {
      if (!isValue(a["groups"], 1)) throw new Refusal(`${op.attr}: Keras' Conv${d}DTranspose has no groups`);
      const pad = a["padding"]!;
      const word = wordOf(pad);
      const opad = a["output_padding"] ?? (torch ? num(0) : undefined);
      const main: KerasStep = { cls: `Conv${d}DTranspose`, args: [py(a["out_channels"]!), py(a["kernel"]!), ...kw("strides", a["stride"], 1), ...(word === "same" ? ['padding="same"'] : []), ...(opad ? [`output_padding=${py(opad)}`] : []), ...kw("dilation_rate", a["dilation"], 1), ...kw("use_bias", a["bias"], true)], suffix: "" };
      // PyTorch's padding crops the full transposed output on both sides; Keras crops with a layer after it.
      if (word !== undefined || isValue(pad, 0)) return [main];
      return [main, { cls: `Cropping${d}D`, args: [py(pad)], suffix: "_crop", note: "PyTorch's padding crops a transposed conv's output: Cropping after it" }];
    }
    case "maxpool":
    case "avgpool": return pool(op, source, d);
    case "adaptiveavgpool":
    case "adaptivemaxpool": {
      const kind = op.kind === "adaptiveavgpool" ? "Average" : "Max";
      const out = literalAxes(a["output_size"], op.rank);
      if (out?.every((n) => n === 1)) return one(`Global${kind}Pooling${d}D`, ["keepdims=True"]);
      const sizes = op.inShape ? spatial(op.inShape, source) : undefined;
      if (!out || !sizes || sizes.some((w, i) => w % out[i]! !== 0)) throw new Refusal(`${op.attr}: Keras has no adaptive pooling; it is exact only when the input size (${sizes?.join("x") ?? "?"}) is a multiple of the output size (${out?.join("x") ?? py(a["output_size"]!)})`);
      const window = sizes.map((w, i) => w / out[i]!);
      return one(`${kind}Pooling${d}D`, [window.every((w) => w === window[0]) ? String(window[0]) : `(${window.join(", ")})`]);
    }
    case "globalavgpool":
    case "globalmaxpool":
      // PyTorch files keep the spatial axes as 1 (AdaptiveAvgPool2d(1)); so does keepdims.
      return one(`Global${op.kind === "globalavgpool" ? "Average" : "Max"}Pooling${d}D`, torch || isValue(a["keepdims"], true) ? ["keepdims=True"] : []);
    case "batchnorm": {
      // PyTorch's momentum weighs the new batch, Keras' the old statistics: 0.1 there is 0.9 here.
      const momentum = torch && a["momentum"] ? arith("-", num(1), a["momentum"]) : a["momentum"];
      // PyTorch's affine is Keras' center and scale together; a Keras file states each as it was given.
      const both = isValue(a["affine"], true) ? [] : [`center=${py(a["affine"]!)}`, `scale=${py(a["affine"]!)}`];
      const affine = torch ? both : [...kw("center", a["center"], true), ...kw("scale", a["scale"], true)];
      // Keras' defaults (1e-3, 0.99) differ from PyTorch's, so a PyTorch file states both.
      const stated = torch ? [`epsilon=${py(a["eps"]!)}`, `momentum=${py(momentum!)}`] : [...kw("epsilon", a["eps"], 1e-3), ...kw("momentum", momentum, 0.99)];
      return one("BatchNormalization", [...stated, ...affine]);
    }
    case "leakyrelu": return one("LeakyReLU", torch ? [`negative_slope=${py(a["slope"]!)}`] : kw("negative_slope", a["slope"], 0.3));
    case "softmax": {
      const axis = softmaxAxis(op, source, "keras");
      return one("Softmax", axis === "-1" ? [] : [`axis=${axis}`]);
    }
    case "dropout": return one("Dropout", [py(a["p"]!)]);
    case "flatten": {
      const sizes = op.inShape ? spatial(op.inShape, source) : [];
      if (!torch || op.rank === 0 || sizes.every((w) => w === 1)) return one("Flatten");
      // PyTorch flattens channels first; Keras' tensors are channels last, so they are permuted first.
      const order = [op.rank + 1, ...Array.from({ length: op.rank }, (_, i) => i + 1)];
      return [{ cls: "Permute", args: [`(${order.join(", ")})`], suffix: "_permute", note: "PyTorch flattens channels first: Permute keeps PyTorch's order of the values" }, { cls: "Flatten", args: [], suffix: "" }];
    }
    case "dense":
      if (torch && op.rank > 0) throw new Refusal(`${op.attr}: dense on a ${op.rank + 1}-axis tensor acts on its last axis, which is a spatial axis in PyTorch's layout but the channels in Keras': put flatten before it`);
      return one("Dense", [py(a["out_features"]!), ...kw("use_bias", a["bias"], true)]);
    case "upsample": {
      const smooth = (wordOf(a["mode"]) ?? "nearest") !== "nearest";
      if (smooth && d !== 2) throw new Refusal(`${op.attr}: Keras' UpSampling${d}D has nearest-neighbour interpolation only`);
      return one(`UpSampling${d}D`, [py(a["scale"]!), ...(smooth ? ['interpolation="bilinear"'] : [])]);
    }
    case "zeropad": {
      const sides = padSides(a["padding"]!, op.rank);
      if (d === 1 && sides) return one("ZeroPadding1D", [`(${sides[0]![0]}, ${sides[0]![1]})`]);
      return one(`ZeroPadding${d}D`, [py(a["padding"]!)]);
    }
    default: {
      const missing: never = kind;
      throw new Refusal(`${op.attr}: Keras export has no code for the layer kind '${String(missing)}'`);
    }
  }
}

function conv(op: LayerOp, source: Framework, d: number, kw: (n: string, s: Sym | undefined, skip?: number | boolean) => string[]): KerasStep[] {
  const a = op.args;
  const stride = a["stride"]!, dilation = a["dilation"]!, pad = a["padding"]!;
  if (!isValue(stride, 1) && !isValue(dilation, 1)) throw new Refusal(`${op.attr}: Keras does not allow a stride and a dilation both above 1 in one conv`);
  const word = wordOf(pad);
  const steps: KerasStep[] = [];
  let padding: string[] = [];
  if (word === "same") padding = ['padding="same"'];
  else if (word === undefined && !isValue(pad, 0)) {
    const k = literalAxes(a["kernel"], op.rank), dl = literalAxes(dilation, op.rank), p = literalAxes(pad, op.rank);
    // Symmetric padding that exactly offsets the kernel, with stride 1, is Keras' "same"; else explicit zeros.
    if (k && dl && p && isValue(stride, 1) && p.every((x, i) => 2 * x === dl[i]! * (k[i]! - 1))) padding = ['padding="same"'];
    else steps.push({ cls: `ZeroPadding${d}D`, args: [py(pad)], suffix: "_pad" });
  } else if (word === undefined && !isLiteral(pad)) padding = [`padding=${py(pad)}`];
  const groups = a["groups"]!;
  const depthwise = d === 2 && !isValue(groups, 1) && key(groups) === key(op.inChannels) && key(groups) === key(a["out_channels"]!);
  const rest = [...kw("strides", stride, 1), ...padding, ...kw("dilation_rate", dilation, 1)];
  const bias = kw("use_bias", a["bias"], true);
  if (depthwise) steps.push({ cls: "DepthwiseConv2D", args: [py(a["kernel"]!), ...rest, ...bias], suffix: "" });
  else steps.push({ cls: `Conv${d}D`, args: [py(a["out_channels"]!), py(a["kernel"]!), ...rest, ...kw("groups", groups, 1), ...bias], suffix: "" });
  return steps;
}

function pool(op: LayerOp, source: Framework, d: number): KerasStep[] {
  const a = op.args;
  const max = op.kind === "maxpool";
  const cls = `${max ? "Max" : "Average"}Pooling${d}D`;
  const args = [py(a["kernel"]!), ...(a["stride"] && !(a["kernel"] && key(a["stride"]) === key(a["kernel"])) ? [`strides=${py(a["stride"])}`] : [])];
  const word = wordOf(a["padding"]);
  if (source === "keras") return [{ cls, args: [...args, ...(word === "same" ? ['padding="same"'] : [])], suffix: "" }];
  if (max && !isValue(a["dilation"], 1)) throw new Refusal(`${op.attr}: Keras' MaxPooling has no dilation`);
  const k = literalAxes(a["kernel"], op.rank), s = a["stride"] ? literalAxes(a["stride"], op.rank) : k, p = literalAxes(a["padding"], op.rank);
  const ceil = !isValue(a["ceil_mode"], false);
  if (!k || !s || !p || (ceil && !op.inShape)) {
    if (ceil || !max || !NON_NEGATIVE.has(op.prevKind ?? "")) throw new Refusal(`${op.attr}: pool sizes given by block parameters cannot be written once for every use in Keras`);
    return [{ cls: `ZeroPadding${d}D`, args: [py(a["padding"]!)], suffix: "_pad" }, { cls, args, suffix: "" }];
  }
  // ceil_mode keeps a last, partial window: extra padding after the input makes Keras' valid pool keep it.
  const sizes = op.inShape ? spatial(op.inShape, source) : [];
  const sides = p.map((pad, i): [number, number] => {
    if (!ceil) return [pad, pad];
    const out = windowOutput({ size: sizes[i]!, kernel: k[i]!, stride: s[i]!, dilation: 1, padBefore: pad, padAfter: pad }, true).out;
    return [pad, Math.max(pad, (out - 1) * s[i]! + k[i]! - sizes[i]! - pad)];
  });
  if (sides.every(([b, e]) => b === 0 && e === 0)) return [{ cls, args, suffix: "" }];
  if (!max && (ceil || !isValue(a["count_include_pad"], true))) throw new Refusal(`${op.attr}: PyTorch's average pooling with ceil_mode or count_include_pad=False divides partial windows in a way Keras' AveragePooling cannot`);
  const pads = sides.every(([b, e]) => b === sides[0]![0] && e === b) ? String(sides[0]![0]) : `(${sides.map(([b, e]) => `(${b}, ${e})`).join(", ")})`;
  if (!max || NON_NEGATIVE.has(op.prevKind ?? "")) {
    return [{ cls: `ZeroPadding${d}D`, args: [pads], suffix: "_pad", ...(max ? { note: `zero padding equals PyTorch's -inf padding here: the input (${op.prevKind}) is never negative` } : {}) }, { cls, args, suffix: "" }];
  }
  const width = `((0, 0), ${sides.map(([b, e]) => `(${b}, ${e})`).join(", ")}, (0, 0))`;
  return [{ cls: "Lambda", args: [`lambda t: keras.ops.pad(t, ${width}, constant_values=float("-inf"))`], suffix: "_pad", note: "PyTorch pads max pooling with -inf: a Lambda pads so" }, { cls, args, suffix: "" }];
}
