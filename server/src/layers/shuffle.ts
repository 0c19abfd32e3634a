// shuffle: ONNX Reshape-Transpose-Reshape, PyTorch's nn.ChannelShuffle, and the same three steps in Keras.
import { shuffle } from "../analysis/layers/shuffle.js";
import { channels, spatial } from "../analysis/tensor.js";
import type { KerasStep } from "../codegen/layer-code.js";
import type { LayerOp } from "../codegen/layer-op.js";
import { py } from "../codegen/python.js";
import { Refusal } from "../codegen/refusal.js";
import type { Framework } from "../analysis/types.js";
import { cfValue } from "../onnx/emit.js";
import type { LayerUnit } from "./unit.js";

/**
 * Keras has no channel shuffle layer: channels last, the C channels are split into groups × C/groups, the two
 * swapped, and joined again, which is what nn.ChannelShuffle does on the channel axis.
 */
function kerasShuffle(op: LayerOp, source: Framework): KerasStep[] {
  if (!op.inShape) throw new Refusal(`${op.attr}: the channel shuffle needs its input's shape`);
  const c = channels(op.inShape, source);
  const sizes = spatial(op.inShape, source);
  const given = op.args["groups"]!.value;
  if (given?.type !== "number") throw new Refusal(`${op.attr}: Keras' reshape needs the number of groups in this use`);
  const groups = given.value;
  const axes = sizes.map((_, i) => i + 1);
  const tuple = (items: (number | string)[]) => `(${items.join(", ")}${items.length === 1 ? "," : ""})`;
  return [
    { cls: "Reshape", args: [tuple([...sizes, groups, c / groups])], suffix: "_reshape" },
    { cls: "Permute", args: [tuple([...axes, sizes.length + 2, sizes.length + 1])], suffix: "_permute" },
    { cls: "Reshape", args: [tuple([...sizes, c])], suffix: "" },
  ];
}

/** shuffle's faces. */
export const shuffleUnit = {
  analysis: shuffle,
  sameShape: true,
  nonNegative: false,
  // N × C × … as N × groups × C/groups × positions, the two group axes swapped, and back to N × C × ….
  onnx: (e) => {
    const g = e.g;
    const groups = Number(e.layer.args["groups"]);
    const shape = e.layer.inputShape;
    const c = channels(shape, e.framework);
    const x = e.cf();
    const split = g.op("Reshape", [x, g.int64Const([0, groups, c / groups, -1])]);
    const swapped = g.op("Transpose", [split], { perm: [0, 2, 1, 3] });
    const back = g.op("Reshape", [swapped, g.int64Const([0, c, ...spatial(shape, e.framework)])]);
    return cfValue(back, e.input.rank);
  },
  pytorch: (op) => ({ ctor: `nn.ChannelShuffle(${py(op.args["groups"]!)})` }),
  keras: kerasShuffle,
} satisfies LayerUnit<"shuffle">;
