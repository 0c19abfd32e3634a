// convtranspose: its weights, ONNX lowering, properties, and its PyTorch and Keras code (who crops the overhang).
import { convtranspose } from "../analysis/layers/conv-transpose.js";
import { kerasTransposedOutput } from "../analysis/geometry.js";
import { spatial } from "../analysis/tensor.js";
import { kw, type KerasStep, type TorchLayer } from "../codegen/layer-code.js";
import type { LayerOp } from "../codegen/layer-op.js";
import { isValue, literalAxes, wordOf } from "../codegen/layer-values.js";
import { pyNumber, py } from "../codegen/python.js";
import { Refusal } from "../codegen/refusal.js";
import { num } from "../codegen/sym.js";
import { convTranspose as convTransposeEmitter } from "../onnx/conv.js";
import { convTensors } from "./conv.js";
import type { LayerUnit } from "./unit.js";

function torchConvTranspose(op: LayerOp): TorchLayer {
  const a = op.args;
  const d = Math.max(op.rank, 1);
  const head = [py(op.inChannels), py(a["out_channels"]!), py(a["kernel"]!), ...kw("stride", a["stride"], 1)];
  const tail = [...kw("groups", a["groups"], 1), ...kw("bias", a["bias"], true), ...kw("dilation", a["dilation"], 1)];
  const word = wordOf(a["padding"]);
  if (word === undefined)
    return {
      ctor:
        `nn.ConvTranspose${d}d(` +
        [...head, ...kw("padding", a["padding"], 0), ...kw("output_padding", a["output_padding"], 0), ...tail].join(
          ", ",
        ) +
        ")",
    };
  const shape = op.inShape;
  const k = literalAxes(a["kernel"], op.rank),
    s = literalAxes(a["stride"], op.rank),
    dl = literalAxes(a["dilation"], op.rank);
  const given = a["output_padding"] ? literalAxes(a["output_padding"], op.rank) : undefined;
  if (!shape || !k || !s || !dl || (a["output_padding"] && !given))
    throw new Refusal(
      `${op.attr}: a Keras transposed conv with sizes given by block parameters cannot be written once for every use`,
    );
  const axes = spatial(shape, "keras").map((w, i) => {
    const keff = dl[i]! * (k[i]! - 1) + 1;
    const full = (w - 1) * s[i]! + keff;
    const r = kerasTransposedOutput(w, k[i]!, s[i]!, dl[i]!, word === "same", given?.[i]);
    if (given) return { pad: r.padBefore, extra: given[i]!, crop: undefined };
    const over = full - r.out;
    if (over < 0) return { pad: 0, extra: -over, crop: undefined };
    return over % 2 === 0
      ? { pad: over / 2, extra: 0, crop: undefined }
      : { pad: 0, extra: 0, crop: [r.padBefore, r.padBefore + r.out] as const };
  });
  const tuple = (xs: number[]) => (xs.every((x) => x === xs[0]) ? pyNumber(xs[0]!) : `(${xs.join(", ")})`);
  const pads = axes.map((x) => x.pad),
    extras = axes.map((x) => x.extra);
  const ctor =
    `nn.ConvTranspose${d}d(` +
    [
      ...head,
      ...(pads.some((p) => p) ? [`padding=${tuple(pads)}`] : []),
      ...(extras.some((e) => e) ? [`output_padding=${tuple(extras)}`] : []),
      ...tail,
    ].join(", ") +
    ")";
  if (!axes.some((x) => x.crop)) return { ctor };
  // The crop lives in the module (a subclass), so that the module's output is the layer's output.
  const helper = `KerasSameConvTranspose${d}d`;
  const crop = axes.map((x, i) =>
    x.crop ? `(${x.crop[0]}, ${x.crop[1]})` : `(0, ${spatial(shape, "keras")[i]! * s[i]!})`,
  );
  const cropped = ctor.replace(`nn.ConvTranspose${d}d(`, `${helper}(`).replace(/\)$/, `, crop=(${crop.join(", ")}))`);
  return {
    ctor: cropped,
    helper,
    note: `Keras "same" crops the odd overhang at the end, PyTorch evenly: ${helper} crops as Keras`,
  };
}

function kerasConvTranspose(op: LayerOp, source: string): KerasStep[] {
  const a = op.args;
  const d = Math.max(op.rank, 1);
  if (!isValue(a["groups"], 1)) throw new Refusal(`${op.attr}: Keras' Conv${d}DTranspose has no groups`);
  const pad = a["padding"]!;
  const word = wordOf(pad);
  const opad = a["output_padding"] ?? (source === "pytorch" ? num(0) : undefined);
  const main: KerasStep = {
    cls: `Conv${d}DTranspose`,
    args: [
      py(a["out_channels"]!),
      py(a["kernel"]!),
      ...kw("strides", a["stride"], 1),
      ...(word === "same" ? ['padding="same"'] : []),
      ...(opad ? [`output_padding=${py(opad)}`] : []),
      ...kw("dilation_rate", a["dilation"], 1),
      ...kw("use_bias", a["bias"], true),
    ],
    suffix: "",
  };
  // PyTorch's padding crops the full transposed output on both sides; Keras crops with a layer after it.
  if (word !== undefined || isValue(pad, 0)) return [main];
  return [
    main,
    {
      cls: `Cropping${d}D`,
      args: [py(pad)],
      suffix: "_crop",
      note: "PyTorch's padding crops a transposed conv's output: Cropping after it",
    },
  ];
}

/** convtranspose's faces: its weight is [C_in, C_out/groups, …K], as PyTorch stores it. */
export const convTransposeUnit = {
  analysis: convtranspose,
  sameShape: false,
  nonNegative: false,
  tensors: convTensors,
  onnx: convTransposeEmitter,
  pytorch: torchConvTranspose,
  keras: kerasConvTranspose,
} satisfies LayerUnit<"convtranspose">;
