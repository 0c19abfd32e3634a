// scale: ConvNeXt's layer scale. Its tensor is an nn.Parameter named by the layer itself (C × 1 × … × 1), so
// the PyTorch export holds the parameter as the attribute and multiplies by it in forward.
import { scale } from "../analysis/layers/scale.js";
import { channelAxis } from "../analysis/tensor.js";
import { py } from "../codegen/python.js";
import { cfValue } from "../onnx/emit.js";
import type { LayerUnit } from "./unit.js";

/** scale's faces: one tensor `<layer>` shaped (C, 1, …, 1), initialised at `init`. */
export const scaleUnit = {
  analysis: scale,
  sameShape: true,
  nonNegative: false,
  tensors: (layer, fw) => {
    const input = layer.inputShape;
    const c = input[channelAxis(input, fw)]!;
    const shape = [c, ...Array<number>(input.length - 1).fill(1)];
    return [["weight", shape, c, c, { initial: Number(layer.args["init"] ?? 1e-6), ownName: true }]];
  },
  // Mul by the tensor, which broadcasts over N × C × … as it is shaped. In the graph the layer's name is its
  // output's, so the initializer is `<layer>.param`.
  onnx: (e) => {
    const t = e.weights.get(e.layer.name);
    if (!t) throw new Error(`no tensor '${e.layer.name}' for layer ${e.layer.name} (scale)`);
    return cfValue(e.g.op("Mul", [e.cf(), e.g.floatTensor(`${e.layer.name}.param`, t)]), e.input.rank);
  },
  pytorch: (op) => {
    const shape = [py(op.inChannels), ...Array<string>(Math.max(op.rank, 0)).fill("1")];
    return {
      ctor: `nn.Parameter(torch.full((${shape.join(", ")}${shape.length === 1 ? "," : ""}), ${py(op.args["init"]!)}))`,
      apply: (attribute, input) => `${input} * ${attribute}`,
    };
  },
  keras: { refuses: "Keras has no layer-scale layer" },
} satisfies LayerUnit<"scale">;
