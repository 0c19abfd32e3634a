// resize: ONNX Resize with sizes, nn.Upsample(size=…) or the ResizeLike helper (the label's runtime size), and
// keras Resizing (bilinear and nearest in 2-D, where TensorFlow computes what PyTorch does).
import { resize, resizeMode } from "../analysis/layers/resize.js";
import { spatial } from "../analysis/tensor.js";
import { one } from "../codegen/layer-code.js";
import type { LayerOp } from "../codegen/layer-op.js";
import { wordOf } from "../codegen/layer-values.js";
import { py } from "../codegen/python.js";
import { Refusal } from "../codegen/refusal.js";
import { resize as resizeEmitter } from "../onnx/resize.js";
import { spatialOf } from "../onnx/tensors.js";
import type { LayerUnit } from "./unit.js";

/** The output's spatial size, which the analysis worked out for this use. */
function outputSizes(op: LayerOp, source: "pytorch" | "keras"): number[] {
  const out = op.info?.outputShape;
  if (!out) throw new Refusal(`${op.attr}: resize needs its analysed output size`);
  return spatial(out, source);
}

/** resize's faces. */
export const resizeUnit = {
  analysis: resize,
  sameShape: false,
  nonNegative: false,
  onnx: (e) => resizeEmitter(e, resizeMode(e.layer.args.mode, spatialOf(e.layer.inputShape, e.framework).length)),
  pytorch: (op) => {
    const mode = resizeMode(wordOf(op.args["mode"]), op.rank);
    const smooth = mode === "nearest" ? [] : ["align_corners=False"];
    const like = wordOf(op.args["like"]);
    // The labelled tensor's size is read when the model runs, as FCN's and DeepLab's heads do.
    if (like !== undefined) return { ctor: `ResizeLike(mode="${mode}")`, helper: "ResizeLike", reads: like };
    const size = op.args["size"] ? py(op.args["size"]) : `(${outputSizes(op, "pytorch").join(", ")})`;
    return { ctor: `nn.Upsample(${[`size=${size}`, `mode="${mode}"`, ...smooth].join(", ")})` };
  },
  keras: (op, source) => {
    const mode = resizeMode(wordOf(op.args["mode"]), op.rank);
    if (op.rank !== 2) throw new Refusal(`${op.attr}: Keras' Resizing resizes 2-D feature maps only`);
    const sizes = outputSizes(op, source);
    const input = op.inShape && spatial(op.inShape, source);
    // TensorFlow's nearest (half-pixel centres) reads PyTorch's pixels only when output pixels repeat input ones;
    // a Keras file's nearest resizing is TensorFlow's (the simulation computes it so).
    const whole = input?.every((w, i) => sizes[i]! % w === 0);
    if (mode === "nearest" && !whole && source === "pytorch")
      throw new Refusal(
        `${op.attr}: Keras' nearest resizing picks other pixels than PyTorch's unless the size is a whole multiple`,
      );
    if (mode !== "nearest" && mode !== "bilinear")
      throw new Refusal(`${op.attr}: Keras' ${mode} resizing differs from PyTorch's`);
    return one("Resizing", [...sizes.map(String), `interpolation="${mode}"`]);
  },
} satisfies LayerUnit<"resize">;
