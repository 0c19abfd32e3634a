// instancenorm: its optional scale and shift, ONNX InstanceNormalization, PyTorch's InstanceNorm and Keras 3's
// GroupNormalization with one group per channel (Keras has no instance normalisation layer of its own).
import { instancenorm } from "../analysis/layers/instancenorm.js";
import { channelAxis } from "../analysis/tensor.js";
import { kw, one } from "../codegen/layer-code.js";
import { isValue } from "../codegen/layer-values.js";
import { py } from "../codegen/python.js";
import { cfValue, num } from "../onnx/emit.js";
import { affineTensors } from "./groupnorm.js";
import type { LayerUnit } from "./unit.js";

/** instancenorm's faces: γ and β only with affine: true (PyTorch's default is without). */
export const instancenormUnit = {
  analysis: instancenorm,
  sameShape: true,
  nonNegative: false,
  tensors: (layer, fw) => affineTensors(layer.inputShape, fw, layer.args["affine"] === true),
  onnx: (e) => {
    const shape = e.layer.inputShape;
    const c = shape[channelAxis(shape, e.framework)]!;
    const affine = e.layer.args["affine"] === true;
    const scale = affine ? e.param("weight") : e.g.floatConst(Array<number>(c).fill(1));
    const bias = affine ? e.param("bias") : e.g.floatConst(Array<number>(c).fill(0));
    const out = e.g.op("InstanceNormalization", [e.cf(), scale, bias], { epsilon: { float: num(e, "eps", 1e-5) } });
    return cfValue(out, e.input.rank);
  },
  pytorch: (op) => {
    const args = [py(op.inChannels), ...kw("eps", op.args["eps"], 1e-5), ...kw("affine", op.args["affine"], false)];
    return { ctor: `nn.InstanceNorm${Math.max(op.rank, 1)}d(${args.join(", ")})` };
  },
  // groups=-1 is Keras' one group per channel, which is instance normalisation; its epsilon default is 1e-3.
  keras: (op) => {
    const off = isValue(op.args["affine"], true) ? [] : ["center=False", "scale=False"];
    return one("GroupNormalization", ["groups=-1", `epsilon=${py(op.args["eps"]!)}`, ...off]);
  },
} satisfies LayerUnit<"instancenorm">;
