// batchnorm: its tensors, ONNX lowering, properties, and its PyTorch and Keras code (momentum and affine differ).
import { batchnorm } from "../analysis/layers/shape-layers.js";
import type { Framework } from "../analysis/types.js";
import { kw, one, type KerasStep, type TorchLayer } from "../codegen/layer-code.js";
import type { LayerOp } from "../codegen/layer-op.js";
import { isValue } from "../codegen/layer-values.js";
import { py } from "../codegen/python.js";
import { Refusal } from "../codegen/refusal.js";
import { arith, bool, key, num } from "../codegen/sym.js";
import { batchnorm as batchnormEmitter } from "../onnx/emit.js";
import type { LayerUnit, TensorEntry } from "./unit.js";

function torchBatchnorm(op: LayerOp, source: Framework): TorchLayer {
  const a = op.args;
  // Keras' momentum weighs the old statistics, PyTorch's the new batch: 0.99 there is 0.01 here.
  const momentum = source === "keras" && a["momentum"] ? arith("-", num(1), a["momentum"]) : a["momentum"];
  let affine = a["affine"];
  if (source === "keras") {
    // Keras drops γ (scale) and β (center) independently; PyTorch's affine keeps or drops both.
    const center = a["center"] ?? bool(true),
      scale = a["scale"] ?? bool(true);
    if (key(center) !== key(scale)) {
      const asked = `center: ${py(center)}, scale: ${py(scale)}`;
      const what = "PyTorch's BatchNorm learns scale and shift together (affine)";
      throw new Refusal(`${op.attr}: ${what}, not one as ${asked} asks`);
    }
    affine = scale;
  }
  const args = [py(op.inChannels), ...kw("eps", a["eps"], 1e-5), ...kw("momentum", momentum, 0.1)];
  args.push(...kw("affine", affine, true));
  return { ctor: `nn.BatchNorm${Math.max(op.rank, 1)}d(${args.join(", ")})` };
}

function kerasBatchnorm(op: LayerOp, source: Framework): KerasStep[] {
  const a = op.args;
  const torch = source === "pytorch";
  // PyTorch's momentum weighs the new batch, Keras' the old statistics: 0.1 there is 0.9 here.
  const momentum = torch && a["momentum"] ? arith("-", num(1), a["momentum"]) : a["momentum"];
  // PyTorch's affine is Keras' center and scale together; a Keras file states each as it was given.
  const both = isValue(a["affine"], true) ? [] : [`center=${py(a["affine"]!)}`, `scale=${py(a["affine"]!)}`];
  const affine = torch ? both : [...kw("center", a["center"], true), ...kw("scale", a["scale"], true)];
  // Keras' defaults (1e-3, 0.99) differ from PyTorch's, so a PyTorch file states both.
  const stated = torch
    ? [`epsilon=${py(a["eps"]!)}`, `momentum=${py(momentum!)}`]
    : [...kw("epsilon", a["eps"], 1e-3), ...kw("momentum", momentum, 0.99)];
  return one("BatchNormalization", [...stated, ...affine]);
}

/**
 * batchnorm's faces: γ and β (when affine, or Keras' scale and center), then the running statistics, which
 * PyTorch keeps as buffers.
 */
export const batchnormUnit = {
  analysis: batchnorm,
  sameShape: true,
  nonNegative: false,
  onnx: batchnormEmitter,
  tensors: (layer, fw) => {
    const input = layer.inputShape;
    const c = input.length === 1 || fw === "keras" ? input[input.length - 1]! : input[0]!;
    const a = layer.args;
    // Keras' scale (γ, "weight") and center (β, "bias") come and go independently; affine is PyTorch's both.
    const out: TensorEntry[] = [];
    if (a.affine !== false && a.scale !== false) out.push(["weight", [c], c, c]);
    if (a.affine !== false && a.center !== false) out.push(["bias", [c], c, c]);
    out.push(["running_mean", [c], c, c], ["running_var", [c], c, c]);
    return out;
  },
  pytorch: torchBatchnorm,
  keras: kerasBatchnorm,
} satisfies LayerUnit<"batchnorm">;
