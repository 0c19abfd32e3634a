// Adaptive and global pools: a fixed output size whatever the input (PyTorch), or one value per channel.
import type { ArgSpec } from "../arguments.js";
import { globalField, throughWindow } from "../receptive-field.js";
import { channels, makeShape, spatial } from "../tensor.js";
import { featureMapRank, noParams, type LayerContext, type LayerKind, type LayerOutcome } from "./kind.js";

const adaptiveArgs: ArgSpec[] = [
  { name: "output_size", aliases: ["size", "n"], type: "axes", doc: "output size, one number or one per spatial axis" },
];

function applyAdaptive(ctx: LayerContext): LayerOutcome | undefined {
  const rank = featureMapRank(ctx);
  if (rank === undefined) return undefined;
  const out = ctx.args.axes("output_size", rank);
  if (!out || ctx.args.unknown) return undefined;
  const sizes = spatial(ctx.input, ctx.framework);
  const everyAxisGlobal = out.every((n) => n === 1);
  return {
    output: makeShape(channels(ctx.input, ctx.framework), out, ctx.framework),
    params: noParams,
    macs: 0,
    formula: `adaptive: output ${out.join("×")} whatever the input ${sizes.join("×")}`,
    // PyTorch's window i spans [⌊i·W/n⌋, ⌈(i+1)·W/n⌉): the widest window and the mean step bound the field.
    field: (rf, modelInput) =>
      everyAxisGlobal
        ? globalField(rf, modelInput)
        : throughWindow(rf, {
            kernel: sizes.map((w, i) => Math.ceil(w / out[i]!) + (w % out[i]! === 0 ? 0 : 1)),
            stride: sizes.map((w, i) => Math.max(1, Math.floor(w / out[i]!))),
            dilation: sizes.map(() => 1),
            padBefore: sizes.map(() => 0),
          }),
  };
}

function applyGlobal(ctx: LayerContext): LayerOutcome | undefined {
  const rank = featureMapRank(ctx);
  if (rank === undefined) return undefined;
  const c = channels(ctx.input, ctx.framework);
  // Keras' GlobalAveragePooling2D drops the spatial axes; the spec keeps PyTorch's C×1×1 for pytorch files.
  const keepDims = ctx.framework === "pytorch" || (ctx.args.bool("keepdims") ?? false);
  return {
    output: keepDims ? makeShape(c, Array<number>(rank).fill(1), ctx.framework) : [c],
    params: noParams,
    macs: 0,
    formula: `global: one value per channel (${c})`,
    field: globalField,
  };
}

const globalArgs: ArgSpec[] = [
  { name: "keepdims", type: "bool", default: false, doc: "keras: keep the spatial axes as size 1" },
];

export const adaptiveavgpool: LayerKind<"adaptiveavgpool"> = {
  kind: "adaptiveavgpool",
  aliases: ["adaptiveavgpool1d", "adaptiveavgpool2d", "adaptiveavgpool3d"],
  doc: "Adaptive average pooling (nn.AdaptiveAvgPool2d): averages into a fixed output size.",
  args: adaptiveArgs,
  apply: applyAdaptive,
};

export const adaptivemaxpool: LayerKind<"adaptivemaxpool"> = {
  kind: "adaptivemaxpool",
  aliases: ["adaptivemaxpool1d", "adaptivemaxpool2d", "adaptivemaxpool3d"],
  doc: "Adaptive max pooling (nn.AdaptiveMaxPool2d): the maximum into a fixed output size.",
  args: adaptiveArgs,
  apply: applyAdaptive,
};

export const globalavgpool: LayerKind<"globalavgpool"> = {
  kind: "globalavgpool",
  aliases: [
    "globalaveragepooling1d",
    "globalaveragepooling2d",
    "globalaveragepooling3d",
    "globalavgpool2d",
    "globalaveragepooling",
  ],
  doc: "Global average pooling: the mean of each channel (keras GlobalAveragePooling2D; C×1×1 in pytorch files).",
  args: globalArgs,
  apply: applyGlobal,
};

export const globalmaxpool: LayerKind<"globalmaxpool"> = {
  kind: "globalmaxpool",
  aliases: ["globalmaxpooling1d", "globalmaxpooling2d", "globalmaxpooling3d", "globalmaxpool2d", "globalmaxpooling"],
  doc: "Global max pooling: the maximum of each channel (keras GlobalMaxPooling2D; C×1×1 in pytorch files).",
  args: globalArgs,
  apply: applyGlobal,
};
