// One layer as a PyTorch module (`nn.Conv2d(…)`), with what forward must add around it for Keras files.
import { kerasTransposedOutput, samePadding } from "../analysis/geometry.js";
import { spatial } from "../analysis/tensor.js";
import type { Framework } from "../analysis/types.js";
import { isLayerKindName, type LayerKindName } from "../analysis/layers/names.js";
import { unitOf, type DataCodedKind, type RefusedKind } from "../layers/index.js";
import type { LayerOp } from "./ir.js";
import type { LayerFact } from "./lower-context.js";
import { Refusal } from "./lower-context.js";
import { pyNumber, py } from "../codegen/python.js";
import { arith, bool, isLiteral, key, num, type Sym } from "../codegen/sym.js";
import { axisValues, isValue, literalAxes, softmaxAxis, torchPads, wordOf } from "../codegen/layer-values.js";

/** A layer's module, and the forward-pass wrapping it needs (explicit padding, layout moves, cropping). */
export interface TorchLayer {
  ctor: string;
  pre?: (input: string) => string;
  post?: (output: string) => string;
  /** Why the wrapping is there: a comment above the forward line, and a note for the user. */
  note?: string;
  /** A helper class the module is made of, defined once at the top of the file (see torch-helpers.ts). */
  helper?: string;
}

/** The code written for a layer, to compare uses (the wrapping shown as applied to `x`). */
export const torchFact: LayerFact = (op, source) => {
  const t = torchLayer(op, source);
  return JSON.stringify([t.ctor, t.pre?.("x"), t.post?.("y"), t.note]);
};

/** The module for a layer op of a `source` file; throws Refusal for what PyTorch cannot do exactly. */
export function torchLayer(op: LayerOp, source: Framework): TorchLayer {
  const a = op.args;
  const d = Math.max(op.rank, 1);
  const kw = (name: string, s: Sym | undefined, skip?: number | boolean | string) =>
    s === undefined || (skip !== undefined && isValue(s, skip)) ? [] : [`${name}=${py(s)}`];
  if (!isLayerKindName(op.kind)) throw new Refusal(`${op.attr}: PyTorch export does not know the layer kind '${op.kind}'`);
  const refusal = unitOf(op.kind).refuses?.pytorch;
  if (refusal) throw new Refusal(`${op.attr}: ${refusal}`);
  const code = unitOf(op.kind).code?.pytorch;
  if (code) return { ctor: `${code.cls}(${[...(code.args ?? []), ...(code.kwargs ?? []).flatMap(([k, arg, omit]) => kw(k, a[arg], omit))].join(", ")})` };
  // The kinds whose code is not data in their unit (server/src/layers/): the compiler checks every one is here.
  const kind = op.kind as Exclude<LayerKindName, DataCodedKind | RefusedKind<"pytorch">>;
  switch (kind) {
    case "conv": {
      const pad = convPadding(op);
      const ctor = `nn.Conv${d}d(${[py(op.inChannels), py(a["out_channels"]!), py(a["kernel"]!), ...kw("stride", a["stride"], 1), ...pad.kw, ...kw("dilation", a["dilation"], 1), ...kw("groups", a["groups"], 1), ...kw("bias", a["bias"], true)].join(", ")})`;
      return { ctor, ...pad.wrap };
    }
    case "convtranspose": return convTranspose(op, source, d, kw);
    case "maxpool":
    case "avgpool": {
      const max = op.kind === "maxpool";
      const pad = poolPadding(op, source, max);
      const stride = a["stride"] && !(a["kernel"] && key(a["stride"]) === key(a["kernel"])) ? kw("stride", a["stride"]) : [];
      const rest = [...stride, ...pad.kw, ...(max ? kw("dilation", a["dilation"], 1) : []), ...kw("ceil_mode", a["ceil_mode"], false), ...(max ? [] : pad.countPad ?? kw("count_include_pad", a["count_include_pad"], true))];
      return { ctor: `nn.${max ? "Max" : "Avg"}Pool${d}d(${[py(a["kernel"]!), ...rest].join(", ")})`, ...pad.wrap };
    }
    case "adaptiveavgpool": return { ctor: `nn.AdaptiveAvgPool${d}d(${py(a["output_size"]!)})` };
    case "adaptivemaxpool": return { ctor: `nn.AdaptiveMaxPool${d}d(${py(a["output_size"]!)})` };
    case "globalavgpool":
    case "globalmaxpool": {
      const pool = `nn.Adaptive${op.kind === "globalavgpool" ? "Avg" : "Max"}Pool${d}d(1)`;
      // Keras' global pools drop the spatial axes (unless keepdims); PyTorch's adaptive pool keeps them as 1.
      return { ctor: source === "keras" && !isValue(a["keepdims"], true) ? `nn.Sequential(${pool}, nn.Flatten())` : pool };
    }
    case "batchnorm": {
      // Keras' momentum weighs the old statistics, PyTorch's the new batch: 0.99 there is 0.01 here.
      const momentum = source === "keras" && a["momentum"] ? arith("-", num(1), a["momentum"]) : a["momentum"];
      let affine = a["affine"];
      if (source === "keras") {
        // Keras drops γ (scale) and β (center) independently; PyTorch's affine keeps or drops both.
        const center = a["center"] ?? bool(true), scale = a["scale"] ?? bool(true);
        if (key(center) !== key(scale)) {
          const asked = `center: ${py(center)}, scale: ${py(scale)}`;
          const what = "PyTorch's BatchNorm learns scale and shift together (affine)";
          throw new Refusal(`${op.attr}: ${what}, not one as ${asked} asks`);
        }
        affine = scale;
      }
      const args = [py(op.inChannels), ...kw("eps", a["eps"], 1e-5), ...kw("momentum", momentum, 0.1)];
      args.push(...kw("affine", affine, true));
      return { ctor: `nn.BatchNorm${d}d(${args.join(", ")})` };
    }
    case "leakyrelu": return { ctor: `nn.LeakyReLU(${kw("negative_slope", a["slope"], 0.01).join("")})` };
    case "softmax": return { ctor: `nn.Softmax(dim=${softmaxAxis(op, source, "pytorch")})` };
    case "dropout": return { ctor: `nn.Dropout(p=${py(a["p"]!)})` };
    case "flatten":
      if (source === "keras" && op.rank > 0) {
        return { ctor: "nn.Flatten()", pre: (x) => `${x}.movedim(1, -1)`, note: "Keras flattens channels last: they are moved last first, so the values keep Keras' order" };
      }
      return { ctor: "nn.Flatten()" };
    case "dense": return dense(op, source, kw);
    case "lrn":
      if (op.rank === 0) throw new Refusal(`${op.attr}: PyTorch's LocalResponseNorm needs channels and at least one spatial axis, not a flat vector`);
      return { ctor: `nn.LocalResponseNorm(${[py(a["size"]!), ...kw("alpha", a["alpha"], 1e-4), ...kw("beta", a["beta"], 0.75), ...kw("k", a["k"], 2)].join(", ")})` };
    case "upsample": {
      const mode = wordOf(a["mode"]) ?? "nearest";
      const smooth = mode === "nearest" ? [] : [`mode="${["linear", "bilinear", "trilinear"][d - 1]}"`];
      return { ctor: `nn.Upsample(${[`scale_factor=${py(a["scale"]!)}`, ...smooth].join(", ")})` };
    }
    case "zeropad": {
      const pads = torchPads(a["padding"]!, op.rank);
      if (d === 2) return { ctor: `nn.ZeroPad2d(${pads})` };
      return { ctor: `nn.ConstantPad${d}d(${pads}, 0.0)` };
    }
    default: {
      const missing: never = kind;
      throw new Refusal(`${op.attr}: PyTorch export has no code for the layer kind '${String(missing)}'`);
    }
  }
}

function convPadding(op: LayerOp): { kw: string[]; wrap: Partial<TorchLayer> } {
  const p = op.args["padding"]!;
  const word = wordOf(p);
  if (word === "valid" || isValue(p, 0)) return { kw: [], wrap: {} };
  if (word === undefined) return { kw: [`padding=${py(p)}`], wrap: {} };
  if (isValue(op.args["stride"], 1)) return { kw: [`padding=${py(p)}`], wrap: {} };
  if (!isLiteral(p)) throw new Refusal(`${op.attr}: padding ${py(p)} with stride ${py(op.args["stride"]!)} cannot be written once for every use; give the padding as a word in the block`);
  // TensorFlow's `same` with a stride puts the odd pixel after; PyTorch pads evenly (and refuses `same`).
  const sides = samePads(op, 1);
  if (sides.every(([b, e]) => b === e)) return { kw: [`padding=${evenPadding(sides)}`], wrap: {} };
  const pads = sides.slice().reverse().flat().join(", ");
  return { kw: [], wrap: { pre: (x) => `F.pad(${x}, (${pads}))`, note: `Keras "same" with stride ${py(op.args["stride"]!)} pads ${describe(sides)}, PyTorch evenly: explicit F.pad` } };
}

function poolPadding(op: LayerOp, source: Framework, max: boolean): { kw: string[]; countPad?: string[]; wrap: Partial<TorchLayer> } {
  const p = op.args["padding"]!;
  const word = wordOf(p);
  if (word === "valid" || isValue(p, 0)) return { kw: [], wrap: {} };
  if (word === undefined) return { kw: [`padding=${py(p)}`], wrap: {} };
  const sides = samePads(op, 0);
  // TensorFlow's `same` pooling ignores the padding: -inf for max, left out of the average.
  if (sides.every(([b, e]) => b === e)) return { kw: sides.every(([b]) => b === 0) ? [] : [`padding=${evenPadding(sides)}`], countPad: sides.every(([b]) => b === 0) ? [] : ["count_include_pad=False"], wrap: {} };
  if (!max) throw new Refusal(`${op.attr}: Keras' average pooling with padding "same" pads ${describe(sides)} and leaves the padding out of the average; PyTorch's AvgPool pads evenly, so this cannot be exported exactly`);
  const pads = sides.slice().reverse().flat().join(", ");
  return { kw: [], wrap: { pre: (x) => `F.pad(${x}, (${pads}), value=float("-inf"))`, note: `Keras "same" pads ${describe(sides)}, ignored by max pooling: F.pad with -inf` } };
}

/** TensorFlow's `same` padding per spatial axis for this use's input (keyed, so the same in every use). */
function samePads(op: LayerOp, convStrideDefault: number): [number, number][] {
  const shape = op.inShape;
  const k = literalAxes(op.args["kernel"], op.rank);
  const s = op.args["stride"] ? literalAxes(op.args["stride"], op.rank) : convStrideDefault === 1 ? axisValues(1, op.rank) : k;
  const d = op.args["dilation"] ? literalAxes(op.args["dilation"], op.rank) : axisValues(1, op.rank);
  if (!shape || !k || !s || !d) throw new Refusal(`${op.attr}: padding "same" with a kernel or stride given by a block parameter cannot be written as explicit padding once for every use`);
  return spatial(shape, "keras").map((w, i) => {
    const r = samePadding(w, k[i]!, s[i]!, d[i]!);
    return [r.padBefore, r.padAfter];
  });
}

/** `(0, 1) on each axis`, or `(0, 1), (1, 1)`: (before, after) per spatial axis. */
function describe(sides: [number, number][]): string {
  const text = sides.map(([b, e]) => `(${b}, ${e})`);
  return text.every((t) => t === text[0]) ? `${text[0]} on each axis` : text.join(", ");
}

/** PyTorch's symmetric padding argument: one number, or one per axis. */
function evenPadding(sides: [number, number][]): string {
  return sides.every(([b]) => b === sides[0]![0]) ? String(sides[0]![0]) : `(${sides.map(([b]) => b).join(", ")})`;
}

function convTranspose(op: LayerOp, source: Framework, d: number, kw: (n: string, s: Sym | undefined, skip?: number | boolean) => string[]): TorchLayer {
  const a = op.args;
  const head = [py(op.inChannels), py(a["out_channels"]!), py(a["kernel"]!), ...kw("stride", a["stride"], 1)];
  const tail = [...kw("groups", a["groups"], 1), ...kw("bias", a["bias"], true), ...kw("dilation", a["dilation"], 1)];
  const word = wordOf(a["padding"]);
  if (word === undefined) return { ctor: `nn.ConvTranspose${d}d(${[...head, ...kw("padding", a["padding"], 0), ...kw("output_padding", a["output_padding"], 0), ...tail].join(", ")})` };
  const shape = op.inShape;
  const k = literalAxes(a["kernel"], op.rank), s = literalAxes(a["stride"], op.rank), dl = literalAxes(a["dilation"], op.rank);
  const given = a["output_padding"] ? literalAxes(a["output_padding"], op.rank) : undefined;
  if (!shape || !k || !s || !dl || (a["output_padding"] && !given)) throw new Refusal(`${op.attr}: a Keras transposed conv with sizes given by block parameters cannot be written once for every use`);
  const axes = spatial(shape, "keras").map((w, i) => {
    const keff = dl[i]! * (k[i]! - 1) + 1;
    const full = (w - 1) * s[i]! + keff;
    const r = kerasTransposedOutput(w, k[i]!, s[i]!, dl[i]!, word === "same", given?.[i]);
    if (given) return { pad: r.padBefore, extra: given[i]!, crop: undefined };
    const over = full - r.out;
    if (over < 0) return { pad: 0, extra: -over, crop: undefined };
    return over % 2 === 0 ? { pad: over / 2, extra: 0, crop: undefined } : { pad: 0, extra: 0, crop: [r.padBefore, r.padBefore + r.out] as const };
  });
  const tuple = (xs: number[]) => (xs.every((x) => x === xs[0]) ? pyNumber(xs[0]!) : `(${xs.join(", ")})`);
  const pads = axes.map((x) => x.pad), extras = axes.map((x) => x.extra);
  const ctor = `nn.ConvTranspose${d}d(${[...head, ...(pads.some((p) => p) ? [`padding=${tuple(pads)}`] : []), ...(extras.some((e) => e) ? [`output_padding=${tuple(extras)}`] : []), ...tail].join(", ")})`;
  if (!axes.some((x) => x.crop)) return { ctor };
  // The crop lives in the module (a subclass), so that the module's output is the layer's output.
  const helper = `KerasSameConvTranspose${d}d`;
  const crop = axes.map((x, i) => (x.crop ? `(${x.crop[0]}, ${x.crop[1]})` : `(0, ${spatial(shape, "keras")[i]! * s[i]!})`));
  const cropped = ctor.replace(`nn.ConvTranspose${d}d(`, `${helper}(`).replace(/\)$/, `, crop=(${crop.join(", ")}))`);
  return { ctor: cropped, helper, note: `Keras "same" crops the odd overhang at the end, PyTorch evenly: ${helper} crops as Keras` };
}

function dense(op: LayerOp, source: Framework, kw: (n: string, s: Sym | undefined, skip?: boolean) => string[]): TorchLayer {
  const a = op.args;
  const bias = kw("bias", a["bias"], true);
  if (op.rank === 0) return { ctor: `nn.Linear(${[py(op.inChannels), py(a["out_features"]!), ...bias].join(", ")})` };
  if (source === "pytorch") {
    const last = op.inShape?.[op.inShape.length - 1];
    if (last === undefined) throw new Refusal(`${op.attr}: dense on a feature map needs its last axis`);
    return { ctor: `nn.Linear(${[String(last), py(a["out_features"]!), ...bias].join(", ")})` };
  }
  // Keras' Dense acts on the channels (last in Keras); here they are axis 1, so they are moved last and back.
  return { ctor: `KerasDense(${[py(op.inChannels), py(a["out_features"]!), ...bias].join(", ")})`, helper: "KerasDense", note: "Keras' Dense acts on the channels (axis 1 here): KerasDense moves them last and back" };
}
