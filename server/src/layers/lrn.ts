// lrn: ONNX lowering, properties, its PyTorch code and Keras' refusal.
import { lrn } from "../analysis/layers/simple.js";
import { kw } from "../codegen/layer-code.js";
import { py } from "../codegen/python.js";
import { Refusal } from "../codegen/refusal.js";
import { lrn as lrnEmitter } from "../onnx/resize.js";
import type { LayerUnit } from "./unit.js";

/** lrn's faces: Keras has no such layer, which its export says by name. */
export const lrnUnit = {
  analysis: lrn,
  sameShape: true,
  nonNegative: false,
  onnx: lrnEmitter,
  pytorch: (op) => {
    const a = op.args;
    if (op.rank === 0)
      throw new Refusal(
        `${op.attr}: PyTorch's LocalResponseNorm needs channels and at least one spatial axis, not a flat vector`,
      );
    return {
      ctor:
        `nn.LocalResponseNorm(` +
        [py(a["size"]!), ...kw("alpha", a["alpha"], 1e-4), ...kw("beta", a["beta"], 0.75), ...kw("k", a["k"], 2)].join(
          ", ",
        ) +
        ")",
    };
  },
  keras: { refuses: "Keras has no local response normalisation layer" },
} satisfies LayerUnit<"lrn">;
