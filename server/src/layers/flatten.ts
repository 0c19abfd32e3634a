// flatten: ONNX lowering, properties, and its PyTorch and Keras code (each keeps the source's order of values).
import { flatten } from "../analysis/layers/shape-layers.js";
import { spatial } from "../analysis/tensor.js";
import { one } from "../codegen/layer-code.js";
import { flatten as flattenEmitter } from "../onnx/emit.js";
import type { LayerUnit } from "./unit.js";

/** flatten's faces. */
export const flattenUnit = {
  analysis: flatten,
  sameShape: false,
  nonNegative: false,
  onnx: flattenEmitter,
  pytorch: (op, source) => {
    if (source === "keras" && op.rank > 0) {
      return {
        ctor: "nn.Flatten()",
        pre: (x) => `${x}.movedim(1, -1)`,
        note: "Keras flattens channels last: they are moved last first, so the values keep Keras' order",
      };
    }
    return { ctor: "nn.Flatten()" };
  },
  keras: (op, source) => {
    const sizes = op.inShape ? spatial(op.inShape, source) : [];
    if (source !== "pytorch" || op.rank === 0 || sizes.every((w) => w === 1)) return one("Flatten");
    // PyTorch flattens channels first; Keras' tensors are channels last, so they are permuted first.
    const order = [op.rank + 1, ...Array.from({ length: op.rank }, (_, i) => i + 1)];
    return [
      {
        cls: "Permute",
        args: [`(${order.join(", ")})`],
        suffix: "_permute",
        note: "PyTorch flattens channels first: Permute keeps PyTorch's order of the values",
      },
      { cls: "Flatten", args: [], suffix: "" },
    ];
  },
} satisfies LayerUnit<"flatten">;
