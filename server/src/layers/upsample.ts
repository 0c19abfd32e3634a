// upsample: ONNX lowering, properties, and its PyTorch and Keras code.
import { upsample } from "../analysis/layers/shape-layers.js";
import type { Framework } from "../analysis/types.js";
import { one } from "../codegen/layer-code.js";
import type { LayerOp } from "../codegen/layer-op.js";
import { isLiteral } from "../codegen/sym.js";
import { wordOf } from "../codegen/layer-values.js";
import { py } from "../codegen/python.js";
import { Refusal } from "../codegen/refusal.js";
import { upsample as upsampleEmitter } from "../onnx/resize.js";
import type { LayerUnit } from "./unit.js";

/** `size:` is the output's size in a PyTorch file and the factor in a Keras file (as each framework's class). */
function factorOf(op: LayerOp, source: Framework) {
  return source === "keras" ? (op.args["size"] ?? op.args["scale"]!) : op.args["scale"]!;
}

/** A whole literal factor: anything else cannot be one of Keras' UpSampling sizes. */
function wholeFactor(op: LayerOp, source: Framework): boolean {
  const f = factorOf(op, source);
  const v = f.value;
  const whole = (x: unknown) => typeof x === "object" && x !== null && "value" in x && Number.isInteger(x.value);
  return !isLiteral(f) || (v?.type === "tuple" ? v.items.every(whole) : whole(v));
}

/** upsample's faces. */
export const upsampleUnit = {
  analysis: upsample,
  sameShape: false,
  nonNegative: false,
  onnx: upsampleEmitter,
  pytorch: (op, source) => {
    const mode = wordOf(op.args["mode"]) ?? "nearest";
    const smooth = mode === "nearest" ? [] : [`mode="${mode}"`];
    const target = source === "pytorch" && op.args["size"] !== undefined;
    const by = target ? `size=${py(op.args["size"]!)}` : `scale_factor=${py(factorOf(op, source))}`;
    return { ctor: `nn.Upsample(${[by, ...smooth].join(", ")})` };
  },
  keras: (op, source) => {
    const d = Math.max(op.rank, 1);
    const mode = wordOf(op.args["mode"]) ?? "nearest";
    if (source === "pytorch" && op.args["size"] !== undefined)
      throw new Refusal(`${op.attr}: Keras' UpSampling${d}D takes a factor, not an output size: write resize(size: …)`);
    if (!wholeFactor(op, source)) throw new Refusal(`${op.attr}: Keras' UpSampling${d}D takes whole factors only`);
    if (mode !== "nearest" && (d !== 2 || mode !== "bilinear"))
      throw new Refusal(`${op.attr}: Keras' UpSampling${d}D interpolates nearest${d === 2 ? " or bilinear" : ""} only`);
    return one(`UpSampling${d}D`, [
      py(factorOf(op, source)),
      ...(mode !== "nearest" ? ['interpolation="bilinear"'] : []),
    ]);
  },
} satisfies LayerUnit<"upsample">;
