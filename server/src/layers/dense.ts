// dense: its weights, ONNX lowering, properties, and its PyTorch and Keras code.
import { dense } from "../analysis/layers/shape-layers.js";
import type { Framework } from "../analysis/types.js";
import { kw, one, type TorchLayer } from "../codegen/layer-code.js";
import { channelsLast, type LayerOp } from "../codegen/layer-op.js";
import { py } from "../codegen/python.js";
import { Refusal } from "../codegen/refusal.js";
import { dense as denseEmitter } from "../onnx/emit.js";
import type { LayerUnit, TensorEntry } from "./unit.js";

/** nn.Linear on the last axis; Keras' Dense on a feature map acts on the channels, which KerasDense moves. */
function torchDense(op: LayerOp, source: Framework): TorchLayer {
  const a = op.args;
  const bias = kw("bias", a["bias"], true);
  if (op.rank === 0) return { ctor: `nn.Linear(${[py(op.inChannels), py(a["out_features"]!), ...bias].join(", ")})` };
  // A permuted tensor is held as the file holds it (see permute's crossDims): its last axis is the file's.
  if (source === "pytorch" || op.info?.inputOrder) {
    const last = op.inShape?.[op.inShape.length - 1];
    if (last === undefined) throw new Refusal(`${op.attr}: dense on a feature map needs its last axis`);
    const inFeatures = channelsLast(op, source) ? py(op.inChannels) : String(last);
    return { ctor: `nn.Linear(${[inFeatures, py(a["out_features"]!), ...bias].join(", ")})` };
  }
  // Keras' Dense acts on the channels (last in Keras); here they are axis 1, so they are moved last and back.
  return {
    ctor: `KerasDense(${[py(op.inChannels), py(a["out_features"]!), ...bias].join(", ")})`,
    helper: "KerasDense",
    note: "Keras' Dense acts on the channels (axis 1 here): KerasDense moves them last and back",
  };
}

/** dense's faces: the weight is [out, in] as nn.Linear stores it, acting on the last axis. */
export const denseUnit = {
  analysis: dense,
  sameShape: false,
  nonNegative: false,
  onnx: denseEmitter,
  tensors: (layer) => {
    const input = layer.inputShape;
    const inF = input[input.length - 1]!;
    const outF = Number(layer.args.out_features);
    const out: TensorEntry[] = [["weight", [outF, inF], inF, outF]];
    if (layer.args.bias !== false) out.push(["bias", [outF], inF, outF]);
    return out;
  },
  pytorch: torchDense,
  keras: (op, source) => {
    if (source === "pytorch" && op.rank > 0 && !op.info?.inputOrder)
      throw new Refusal(
        `${op.attr}: dense on a ${op.rank + 1}-axis tensor acts on its last axis` +
          `, which is a spatial axis in PyTorch's layout but the channels in Keras'` +
          `: put flatten before it`,
      );
    return one("Dense", [py(op.args["out_features"]!), ...kw("use_bias", op.args["bias"], true)]);
  },
} satisfies LayerUnit<"dense">;
