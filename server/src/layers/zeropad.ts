// zeropad: ONNX lowering, properties, and its PyTorch and Keras code.
import { zeropad } from "../analysis/layers/shape-layers.js";
import { one } from "../codegen/layer-code.js";
import { padSides, torchPads } from "../codegen/layer-values.js";
import { py } from "../codegen/python.js";
import { zeropad as zeropadEmitter } from "../onnx/resize.js";
import type { LayerUnit } from "./unit.js";

/** zeropad's faces. */
export const zeropadUnit = {
  analysis: zeropad,
  sameShape: false,
  nonNegative: false,
  onnx: zeropadEmitter,
  pytorch: (op) => {
    const d = Math.max(op.rank, 1);
    const pads = torchPads(op.args["padding"]!, op.rank);
    if (d === 2) return { ctor: `nn.ZeroPad2d(${pads})` };
    return { ctor: `nn.ConstantPad${d}d(${pads}, 0.0)` };
  },
  keras: (op) => {
    const d = Math.max(op.rank, 1);
    const sides = padSides(op.args["padding"]!, op.rank);
    if (d === 1 && sides) return one("ZeroPadding1D", [`(${sides[0]![0]}, ${sides[0]![1]})`]);
    return one(`ZeroPadding${d}D`, [py(op.args["padding"]!)]);
  },
} satisfies LayerUnit<"zeropad">;
