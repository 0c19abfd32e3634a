// upsample: ONNX lowering, properties, and its PyTorch and Keras code.
import { upsample } from "../analysis/layers/shape-layers.js";
import { one } from "../codegen/layer-code.js";
import { wordOf } from "../codegen/layer-values.js";
import { py } from "../codegen/python.js";
import { Refusal } from "../codegen/refusal.js";
import { upsample as upsampleEmitter } from "../onnx/resize.js";
import type { LayerUnit } from "./unit.js";

/** upsample's faces. */
export const upsampleUnit = {
  analysis: upsample,
  sameShape: false,
  nonNegative: false,
  onnx: upsampleEmitter,
  pytorch: (op) => {
    const mode = wordOf(op.args["mode"]) ?? "nearest";
    const smoothMode = ["linear", "bilinear", "trilinear"][Math.max(op.rank, 1) - 1];
    const smooth = mode === "nearest" ? [] : [`mode="${smoothMode}"`];
    return { ctor: `nn.Upsample(${[`scale_factor=${py(op.args["scale"]!)}`, ...smooth].join(", ")})` };
  },
  keras: (op) => {
    const d = Math.max(op.rank, 1);
    const smooth = (wordOf(op.args["mode"]) ?? "nearest") !== "nearest";
    if (smooth && d !== 2)
      throw new Refusal(`${op.attr}: Keras' UpSampling${d}D has nearest-neighbour interpolation only`);
    return one(`UpSampling${d}D`, [py(op.args["scale"]!), ...(smooth ? ['interpolation="bilinear"'] : [])]);
  },
} satisfies LayerUnit<"upsample">;
