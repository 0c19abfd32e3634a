// Layers that reshape or resize: batchnorm, flatten, dense, upsample, zeropad.
import { globalField, throughPad, throughUpsample } from "../receptive-field.js";
import { channelAxis, channels, elements, makeShape, spatial } from "../tensor.js";
import type { ArgSpec } from "../arguments.js";
import { batchElements, featureMapRank, noParams, type LayerKind } from "./kind.js";
import { INTERPOLATION_MODES, modeFitsRank } from "./interpolation.js";
import { joinFormulas, onAxis } from "./window-args.js";

/** The variance's epsilon of batchnorm and layernorm, whose defaults differ between the frameworks. */
export const normEpsilon: ArgSpec = {
  name: "eps",
  aliases: ["epsilon"],
  type: "number",
  default: (fw) => (fw === "keras" ? 1e-3 : 1e-5),
  doc: "added to the variance (pytorch 1e-5, keras 1e-3)",
};

export const batchnorm: LayerKind<"batchnorm"> = {
  kind: "batchnorm",
  aliases: ["batchnorm1d", "batchnorm2d", "batchnorm3d", "batchnormalization"],
  doc: "Batch normalisation over the channel axis; in inference it scales and shifts by the running statistics.",
  args: [
    normEpsilon,
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
  acceptsPermuted: () => true,
  apply(ctx) {
    const n = elements(ctx.input);
    return { output: [n], params: noParams, macs: 0, formula: `${ctx.input.join("·")} = ${n}`, field: globalField };
  },
};

export const dense: LayerKind<"dense"> = {
  kind: "dense",
  aliases: ["linear", "fc", "fullyconnected"],
  doc: "Fully connected layer (nn.Linear / keras Dense), acting on the last axis.",
  acceptsPermuted: () => true,
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
    // On a permuted tensor (ConvNeXt's block: permute → dense → permute back) the last axis is meant.
    if (input.length > 1 && !ctx.order) {
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
      // On the channels moved last it mixes channels at each position, as a 1×1 conv: the field stays.
      field:
        ctx.order && ctx.order[ctx.order.length - 1] === channelAxis(input, ctx.framework) ? undefined : globalField,
    };
  },
};

export const upsample: LayerKind<"upsample"> = {
  kind: "upsample",
  aliases: ["upsampling1d", "upsampling2d", "upsampling3d", "upsampling"],
  doc:
    "Upsampling by a factor (nn.Upsample / keras UpSampling2D): floor(W·scale), which may be fractional in " +
    "pytorch files; `size:` is the target size in pytorch files (nn.Upsample(size=…)) and the factor in keras " +
    "files (UpSampling2D(size=…)).",
  args: [
    {
      name: "scale",
      aliases: ["scale_factor", "factor"],
      type: "factors",
      default: 2,
      doc: "factor per spatial axis (fractional: floor(W·scale), as PyTorch)",
    },
    {
      name: "size",
      type: "factors",
      optional: true,
      doc: "pytorch: the output's spatial size (nn.Upsample(size=…)); keras: the factor (UpSampling2D(size=…))",
    },
    {
      name: "mode",
      aliases: ["interpolation"],
      type: "word",
      default: "nearest",
      words: INTERPOLATION_MODES,
      doc: "nearest (any rank), linear (1-D), bilinear or bicubic (2-D), trilinear (3-D)",
    },
  ],
  apply(ctx) {
    const rank = featureMapRank(ctx);
    if (rank === undefined || !modeFitsRank(ctx, rank, ctx.args.word("mode"))) return undefined;
    const keras = ctx.framework === "keras";
    if (ctx.args.has("size") && ctx.args.has("scale")) {
      const what = keras ? "both are the factor in a keras file" : "size is the output's size, scale a factor";
      ctx.report.error("argument-count", `${ctx.written}: give scale or size, not both (${what})`, ctx.args.callSpan);
      return undefined;
    }
    const sizes = spatial(ctx.input, ctx.framework);
    const target = !keras && ctx.args.has("size");
    const given = target || ctx.args.has("size") ? "size" : "scale";
    const values = ctx.args.axes(given, rank);
    if (!values || ctx.args.unknown) return undefined;
    const whole = target || keras;
    if (whole && !values.every(Number.isInteger)) {
      const message = target
        ? `${ctx.written}: size is the output's size in a pytorch file (nn.Upsample(size=…)), so it must be whole` +
          `: write scale: ${values.join(", ")} for a factor`
        : `${ctx.written}: Keras' UpSampling takes whole factors, not ${values.join(", ")}` +
          `: use resize(size: …) for another output size`;
      ctx.report.error("argument-value", message, ctx.args.span(given));
      return undefined;
    }
    const out = target ? values : sizes.map((w, i) => Math.floor(w * values[i]!));
    const empty = out.findIndex((o) => o <= 0);
    if (empty >= 0) {
      const message =
        `output size ${out[empty]}${onAxis(empty, rank)}: ⌊${sizes[empty]}·${values[empty]}⌋ is empty` +
        `; use a larger factor`;
      ctx.report.error("output-size", message, ctx.args.span(given));
      return undefined;
    }
    // PyTorch maps positions by the factor it is given, or by in/out for a target size.
    const scale = target ? out.map((o, i) => o / sizes[i]!) : values;
    const smooth = (ctx.args.word("mode") ?? "nearest") !== "nearest";
    return {
      output: makeShape(channels(ctx.input, ctx.framework), out, ctx.framework),
      params: noParams,
      macs: 0,
      formula: joinFormulas(
        sizes.map((w, i) =>
          target
            ? `${w} → ${out[i]}`
            : Number.isInteger(values[i])
              ? `${w}·${values[i]} = ${out[i]}`
              : `⌊${w}·${values[i]}⌋ = ${out[i]}`,
        ),
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
