// maxpool and avgpool: ONNX lowering, properties, and their PyTorch and Keras code (padding, ceil mode).
import { avgpool, maxpool } from "../analysis/layers/pool.js";
import { windowOutput } from "../analysis/geometry.js";
import { spatial } from "../analysis/tensor.js";
import type { Framework } from "../analysis/types.js";
import { kw, type KerasStep, type KindFacts, type TorchLayer } from "../codegen/layer-code.js";
import type { LayerOp } from "../codegen/layer-op.js";
import { isValue, literalAxes, wordOf } from "../codegen/layer-values.js";
import { py } from "../codegen/python.js";
import { Refusal } from "../codegen/refusal.js";
import { describeSides as describe, evenPadding, samePads } from "../codegen/same-padding.js";
import { key } from "../codegen/sym.js";
import { pool } from "../onnx/pool.js";
import type { LayerUnit } from "./unit.js";

// A max pool of a non-negative input is non-negative too, but nothing reads that yet: false is the safe side.
const pooled = { sameShape: false, nonNegative: false } as const;

function torchPool(op: LayerOp, source: Framework): TorchLayer {
  const a = op.args;
  const max = op.kind === "maxpool";
  const pad = poolPadding(op, source, max);
  const stride =
    a["stride"] && !(a["kernel"] && key(a["stride"]) === key(a["kernel"])) ? kw("stride", a["stride"]) : [];
  const rest = [
    ...stride,
    ...pad.kw,
    ...(max ? kw("dilation", a["dilation"], 1) : []),
    ...kw("ceil_mode", a["ceil_mode"], false),
    ...(max ? [] : (pad.countPad ?? kw("count_include_pad", a["count_include_pad"], true))),
  ];
  return {
    ctor: `nn.${max ? "Max" : "Avg"}Pool${Math.max(op.rank, 1)}d(${[py(a["kernel"]!), ...rest].join(", ")})`,
    ...pad.wrap,
  };
}

function poolPadding(
  op: LayerOp,
  source: Framework,
  max: boolean,
): { kw: string[]; countPad?: string[]; wrap: Partial<TorchLayer> } {
  const p = op.args["padding"]!;
  const word = wordOf(p);
  if (word === "valid" || isValue(p, 0)) return { kw: [], wrap: {} };
  if (word === undefined) return { kw: [`padding=${py(p)}`], wrap: {} };
  const sides = samePads(op, 0);
  // TensorFlow's `same` pooling ignores the padding: -inf for max, left out of the average.
  if (sides.every(([b, e]) => b === e))
    return {
      kw: sides.every(([b]) => b === 0) ? [] : [`padding=${evenPadding(sides)}`],
      countPad: sides.every(([b]) => b === 0) ? [] : ["count_include_pad=False"],
      wrap: {},
    };
  if (!max)
    throw new Refusal(
      `${op.attr}: Keras' average pooling with padding "same" pads ${describe(sides)}` +
        ` and leaves the padding out of the average` +
        `; PyTorch's AvgPool pads evenly` +
        `, so this cannot be exported exactly`,
    );
  const pads = sides.slice().reverse().flat().join(", ");
  return {
    kw: [],
    wrap: {
      pre: (x) => `F.pad(${x}, (${pads}), value=float("-inf"))`,
      note: `Keras "same" pads ${describe(sides)}, ignored by max pooling: F.pad with -inf`,
    },
  };
}

function kerasPool(op: LayerOp, source: Framework, kinds: KindFacts): KerasStep[] {
  const a = op.args;
  const d = Math.max(op.rank, 1);
  const max = op.kind === "maxpool";
  const cls = `${max ? "Max" : "Average"}Pooling${d}D`;
  const args = [
    py(a["kernel"]!),
    ...(a["stride"] && !(a["kernel"] && key(a["stride"]) === key(a["kernel"])) ? [`strides=${py(a["stride"])}`] : []),
  ];
  const word = wordOf(a["padding"]);
  if (source === "keras") return [{ cls, args: [...args, ...(word === "same" ? ['padding="same"'] : [])], suffix: "" }];
  if (max && !isValue(a["dilation"], 1)) throw new Refusal(`${op.attr}: Keras' MaxPooling has no dilation`);
  const k = literalAxes(a["kernel"], op.rank),
    s = a["stride"] ? literalAxes(a["stride"], op.rank) : k,
    p = literalAxes(a["padding"], op.rank);
  const ceil = !isValue(a["ceil_mode"], false);
  const nonNegative = kinds.nonNegative.has(op.prevKind ?? "");
  if (!k || !s || !p || (ceil && !op.inShape)) {
    if (ceil || !max || !nonNegative)
      throw new Refusal(
        `${op.attr}: pool sizes given by block parameters cannot be written once for every use in Keras`,
      );
    return [
      { cls: `ZeroPadding${d}D`, args: [py(a["padding"]!)], suffix: "_pad" },
      { cls, args, suffix: "" },
    ];
  }
  // ceil_mode keeps a last, partial window: extra padding after the input makes Keras' valid pool keep it.
  const sizes = op.inShape ? spatial(op.inShape, source) : [];
  const sides = p.map((pad, i): [number, number] => {
    if (!ceil) return [pad, pad];
    const out = windowOutput(
      { size: sizes[i]!, kernel: k[i]!, stride: s[i]!, dilation: 1, padBefore: pad, padAfter: pad },
      true,
    ).out;
    return [pad, Math.max(pad, (out - 1) * s[i]! + k[i]! - sizes[i]! - pad)];
  });
  if (sides.every(([b, e]) => b === 0 && e === 0)) return [{ cls, args, suffix: "" }];
  if (!max && (ceil || !isValue(a["count_include_pad"], true)))
    throw new Refusal(
      `${op.attr}: PyTorch's average pooling with ceil_mode or count_include_pad=False` +
        ` divides partial windows in a way Keras' AveragePooling cannot`,
    );
  const pads = sides.every(([b, e]) => b === sides[0]![0] && e === b)
    ? String(sides[0]![0])
    : `(${sides.map(([b, e]) => `(${b}, ${e})`).join(", ")})`;
  if (!max || nonNegative) {
    return [
      {
        cls: `ZeroPadding${d}D`,
        args: [pads],
        suffix: "_pad",
        ...(max
          ? { note: `zero padding equals PyTorch's -inf padding here: the input (${op.prevKind}) is never negative` }
          : {}),
      },
      { cls, args, suffix: "" },
    ];
  }
  const width = `((0, 0), ${sides.map(([b, e]) => `(${b}, ${e})`).join(", ")}, (0, 0))`;
  return [
    {
      cls: "Lambda",
      args: [`lambda t: keras.ops.pad(t, ${width}, constant_values=float("-inf"))`],
      suffix: "_pad",
      note: "PyTorch pads max pooling with -inf: a Lambda pads so",
    },
    { cls, args, suffix: "" },
  ];
}

/** The windowed pools' faces, by name. */
export const poolUnits = {
  maxpool: { analysis: maxpool, ...pooled, onnx: (e) => pool(e, true), pytorch: torchPool, keras: kerasPool },
  avgpool: { analysis: avgpool, ...pooled, onnx: (e) => pool(e, false), pytorch: torchPool, keras: kerasPool },
} satisfies { [K in "maxpool" | "avgpool"]: LayerUnit<K> };
