// Layers that reshape or resize: batchnorm, flatten, dense, upsample, zeropad.
import { globalField, throughPad, throughUpsample } from "../receptive-field.js";
import { channels, elements, makeShape, spatial } from "../tensor.js";
import { batchElements, featureMapRank, noParams, type LayerKind } from "./kind.js";
import { joinFormulas } from "./window-args.js";

export const batchnorm: LayerKind<"batchnorm"> = {
  kind: "batchnorm",
  aliases: ["batchnorm1d", "batchnorm2d", "batchnorm3d", "batchnormalization"],
  doc: "Batch normalisation over the channel axis; in inference it scales and shifts by the running statistics.",
  args: [
    {
      name: "eps",
      aliases: ["epsilon"],
      type: "number",
      default: (fw) => (fw === "keras" ? 1e-3 : 1e-5),
      doc: "added to the variance (pytorch 1e-5, keras 1e-3)",
    },
    {
      name: "momentum",
      type: "number",
      default: (fw) => (fw === "keras" ? 0.99 : 0.1),
      doc: "running-statistics momentum (training only)",
    },
    { name: "affine", type: "bool", default: true, doc: "pytorch: learnable scale and shift, both or neither" },
    // Keras drops gamma (scale) and beta (center) independently; PyTorch's affine keeps or drops both.
    { name: "scale", type: "bool", default: true, doc: "keras: learnable scale γ" },
    { name: "center", type: "bool", default: true, doc: "keras: learnable shift β" },
  ],
  apply(ctx) {
    const c = channels(ctx.input, ctx.framework);
    const keras = ctx.framework === "keras";
    const wrong = keras ? ["affine"] : ["scale", "center"];
    const misplaced = wrong.find((n) => ctx.args.has(n));
    if (misplaced !== undefined) {
      const fix = keras
        ? "Keras' BatchNormalization takes scale: false (no γ) and center: false (no β) instead"
        : "PyTorch's BatchNorm takes affine: false instead, which drops both γ and β";
      const message = `${ctx.written} in a ${ctx.framework} file has no argument ${misplaced}: ${fix}`;
      ctx.report.error("argument-value", message, ctx.args.span(misplaced));
      // Recovery: the shape passes on, no weights are invented.
      return { output: ctx.input.slice(), macs: 0 };
    }
    const affine = ctx.args.bool("affine") ?? true;
    const gamma = affine && (ctx.args.bool("scale") ?? true);
    const beta = affine && (ctx.args.bool("center") ?? true);
    const trainable = (gamma ? c : 0) + (beta ? c : 0);
    // Keras counts the running mean and variance as non-trainable parameters; PyTorch keeps them as buffers.
    const nonTrainable = keras ? 2 * c : 0;
    const total = trainable + nonTrainable;
    const learned =
      gamma && beta
        ? `2·${c} trainable (γ, β)`
        : gamma || beta
          ? `${c} trainable (${gamma ? "γ" : "β"})`
          : "0 trainable";
    return {
      output: ctx.input.slice(),
      params: { trainable, nonTrainable },
      macs: 0,
      formula: `same shape: ${ctx.input.join("×")}`,
      paramFormula: keras
        ? `${learned} + 2·${c} non-trainable (running mean, variance) = ${total}`
        : `${affine ? `2·${c} (γ, β) = ${trainable}` : "0 (affine: false)"}; running mean and variance are buffers`,
    };
  },
};

export const flatten: LayerKind<"flatten"> = {
  kind: "flatten",
  aliases: [],
  doc: "Flattens every non-batch axis into one (nn.Flatten / keras Flatten).",
  args: [],
  apply(ctx) {
    const n = elements(ctx.input);
    return { output: [n], params: noParams, macs: 0, formula: `${ctx.input.join("·")} = ${n}`, field: globalField };
  },
};

export const dense: LayerKind<"dense"> = {
  kind: "dense",
  aliases: ["linear", "fc", "fullyconnected"],
  doc: "Fully connected layer (nn.Linear / keras Dense), acting on the last axis.",
  args: [
    { name: "out_features", aliases: ["units", "out", "out_channels"], type: "count", doc: "number of outputs" },
    {
      name: "bias",
      aliases: ["use_bias"],
      type: "bool",
      default: true,
      doc: "whether the layer adds a learnable bias",
    },
  ],
  apply(ctx) {
    const out = ctx.args.number("out_features");
    if (out === undefined || ctx.args.unknown) return undefined;
    const input = ctx.input;
    const inFeatures = input[input.length - 1]!;
    if (input.length > 1) {
      ctx.report.warning(
        "dense-not-flat",
        `dense acts on the last axis (${inFeatures}) of ${input.join("×")}` +
          `, as nn.Linear and keras Dense do` +
          `: put flatten before it to connect every value`,
        ctx.args.callSpan,
      );
    }
    const bias = ctx.args.bool("bias") ?? true;
    const params = inFeatures * out + (bias ? out : 0);
    const output = [...input.slice(0, -1), out];
    return {
      output,
      params: { trainable: params, nonTrainable: 0 },
      macs: (batchElements(input, ctx.batch) / inFeatures) * inFeatures * out,
      formula: `${inFeatures} → ${out}`,
      paramFormula: `${inFeatures}·${out}${bias ? ` + ${out}` : ""} = ${params}`,
      field: globalField,
    };
  },
};

export const upsample: LayerKind<"upsample"> = {
  kind: "upsample",
  aliases: ["upsampling1d", "upsampling2d", "upsampling3d", "upsampling"],
  doc: "Upsampling by an integer factor (nn.Upsample / keras UpSampling2D), nearest or (bi)linear.",
  args: [
    {
      name: "scale",
      aliases: ["scale_factor", "size", "factor"],
      type: "axes",
      default: 2,
      doc: "factor per spatial axis",
    },
    {
      name: "mode",
      aliases: ["interpolation"],
      type: "word",
      default: "nearest",
      words: ["nearest", "bilinear", "linear", "trilinear"],
      doc: "nearest or bilinear",
    },
  ],
  apply(ctx) {
    const rank = featureMapRank(ctx);
    if (rank === undefined) return undefined;
    const scale = ctx.args.axes("scale", rank);
    if (!scale || ctx.args.unknown) return undefined;
    const sizes = spatial(ctx.input, ctx.framework);
    const out = sizes.map((w, i) => w * scale[i]!);
    const smooth = (ctx.args.word("mode") ?? "nearest") !== "nearest";
    return {
      output: makeShape(channels(ctx.input, ctx.framework), out, ctx.framework),
      params: noParams,
      macs: 0,
      formula: joinFormulas(
        sizes.map((w, i) => `${w}·${scale[i]} = ${out[i]}`),
        rank,
      ),
      field: (rf) => throughUpsample(rf, scale, smooth),
    };
  },
};

export const zeropad: LayerKind<"zeropad"> = {
  kind: "zeropad",
  aliases: ["zeropad1d", "zeropad2d", "zeropad3d", "zeropadding1d", "zeropadding2d", "zeropadding3d"],
  doc: "Adds zeros around the spatial axes: P on each side, P per axis, or (before, after) per axis.",
  args: [
    {
      name: "padding",
      aliases: ["pad", "p"],
      type: "pads",
      default: 1,
      doc: "pixels on each side, one per axis, or (before, after) pairs",
    },
  ],
  apply(ctx) {
    const rank = featureMapRank(ctx);
    if (rank === undefined) return undefined;
    const sides = ctx.args.sides("padding", rank);
    if (!sides || ctx.args.unknown) return undefined;
    const sizes = spatial(ctx.input, ctx.framework);
    const out = sizes.map((w, i) => w + sides[i]![0] + sides[i]![1]);
    return {
      output: makeShape(channels(ctx.input, ctx.framework), out, ctx.framework),
      params: noParams,
      macs: 0,
      formula: joinFormulas(
        sizes.map((w, i) => `${w} + ${sides[i]![0]} + ${sides[i]![1]} = ${out[i]}`),
        rank,
      ),
      field: (rf) =>
        throughPad(
          rf,
          sides.map((s) => s[0]),
        ),
    };
  },
};
