// prelu: its slopes as a tensor, ONNX lowering, and PyTorch and Keras code. PyTorch learns 1 slope or one per
// channel; Keras one per element unless shared_axes shares them, so only those two sharings cross over.
import { kerasSlopeShape, prelu, sharedAxes } from "../analysis/layers/prelu.js";
import type { Framework } from "../analysis/types.js";
import { one, type KerasStep, type TorchLayer } from "../codegen/layer-code.js";
import type { LayerOp } from "../codegen/layer-op.js";
import { isValue } from "../codegen/layer-values.js";
import { py } from "../codegen/python.js";
import { Refusal } from "../codegen/refusal.js";
import { fileValue } from "../onnx/emit.js";
import type { LayerUnit } from "./unit.js";

/** Keras' 1-based sample axes: the spatial ones (1 … rank for channels last) and the channel axis after them. */
const spatialAxes = (rank: number) => Array.from({ length: rank }, (_, i) => i + 1);

/** shared_axes as the analysis records it (a number, a list, or absent). */
function plainAxes(v: unknown): number[] {
  if (Array.isArray(v)) return v.map(Number);
  return v === undefined || v === null ? [] : [Number(v)];
}

/** How many slopes a Keras PReLU's sharing amounts to in PyTorch's terms: one, one per channel, or neither. */
function kerasSharing(op: LayerOp): "one" | "channel" | undefined {
  const shared = sharedAxes(op.args["shared_axes"]?.value);
  if (shared === undefined) return undefined;
  const spatialShared = spatialAxes(op.rank).every((a) => shared.includes(a));
  if (!spatialShared) return undefined;
  return shared.includes(op.rank + 1) ? "one" : "channel";
}

function torchPrelu(op: LayerOp, source: Framework): TorchLayer {
  if (source === "pytorch") {
    const n = op.args["num_parameters"];
    return { ctor: `nn.PReLU(${n && !isValue(n, 1) ? `num_parameters=${py(n)}` : ""})` };
  }
  const sharing = kerasSharing(op);
  if (sharing === undefined) {
    const axes = spatialAxes(op.rank).join(", ");
    throw new Refusal(
      `${op.attr}: PyTorch's PReLU learns 1 slope or one per channel, not one per element: give shared_axes: ` +
        `(${axes}) for one per channel`,
    );
  }
  return { ctor: sharing === "one" ? "nn.PReLU()" : `nn.PReLU(num_parameters=${py(op.inChannels)})` };
}

function kerasPrelu(op: LayerOp, source: Framework): KerasStep[] {
  if (source === "keras") {
    const shared = op.args["shared_axes"];
    return one("PReLU", shared ? [`shared_axes=${py(shared)}`] : []);
  }
  // PyTorch's one slope per channel shares it over the spatial axes; a single slope over every axis.
  const n = op.args["num_parameters"];
  const axes = n && !isValue(n, 1) ? spatialAxes(op.rank) : spatialAxes(op.rank + 1);
  return one("PReLU", axes.length > 0 ? [`shared_axes=[${axes.join(", ")}]`] : []);
}

/** prelu's faces: the slopes are `<layer>.weight`, PyTorch's (num_parameters,) or Keras' alpha shape. */
export const preluUnit = {
  analysis: prelu,
  sameShape: true,
  nonNegative: false,
  tensors: (layer, fw) => {
    const input = layer.inputShape;
    if (fw === "keras") {
      // Sharings PyTorch has are stored in its layout, (1,) or (C,), so the weights cross over; any other
      // keeps Keras' alpha shape. Keras initialises its slopes at 0.
      const shared = plainAxes(layer.args["shared_axes"]);
      const rank = input.length;
      const spatialShared = spatialAxes(rank - 1).every((a) => shared.includes(a));
      const shape = spatialShared ? [shared.includes(rank) ? 1 : input[rank - 1]!] : kerasSlopeShape(input, shared);
      const n = shape.reduce((p, d) => p * d, 1);
      return [["weight", shape, n, n, { initial: 0 }]];
    }
    const n = Number(layer.args["num_parameters"] ?? 1);
    // PyTorch initialises every slope at 0.25.
    return [["weight", [n], n, n, { initial: 0.25 }]];
  },
  // ONNX's PRelu broadcasts the slope over the input: PyTorch's slopes are per channel (axis 1).
  onnx: (e) => {
    const slope = e.param("weight");
    if (e.framework === "keras") return fileValue(e, e.g.op("PRelu", [e.file(), slope]), e.input.rank);
    const x = e.cf();
    const perChannel =
      e.input.rank > 2
        ? e.g.op("Reshape", [slope, e.g.int64Const([-1, ...Array<number>(e.input.rank - 2).fill(1)])])
        : slope;
    return { name: e.g.op("PRelu", [x, perChannel]), rank: e.input.rank, channelsLast: false };
  },
  pytorch: torchPrelu,
  keras: kerasPrelu,
} satisfies LayerUnit<"prelu">;
