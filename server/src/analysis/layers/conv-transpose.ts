// convtranspose: ConvTranspose1d/2d/3d and Conv1D/2D/3DTranspose, with output_padding.
import type { ArgSpec } from "../arguments.js";
import { kerasTransposedOutput, transposedOutput } from "../geometry.js";
import { throughTransposed } from "../receptive-field.js";
import { exact, reportInexactStep } from "../size-limits.js";
import { channels, makeShape } from "../tensor.js";
import { convArgs, checkGroups } from "./conv.js";
import { batchElements, featureMapRank, type LayerKind, type LayerOutcome } from "./kind.js";
import { joinFormulas, onAxis } from "./window-args.js";

const args: ArgSpec[] = [
  ...convArgs.slice(0, 4),
  {
    name: "output_padding",
    type: "axes0",
    optional: true,
    doc: "extra size added to one side of the output (pytorch default 0; keras default None)",
  },
  ...convArgs.slice(4),
];

export const convtranspose: LayerKind<"convtranspose"> = {
  kind: "convtranspose",
  aliases: [
    "convtranspose1d",
    "convtranspose2d",
    "convtranspose3d",
    "conv1dtranspose",
    "conv2dtranspose",
    "conv3dtranspose",
    "deconv",
    "deconvolution",
  ],
  doc:
    "Transposed convolution (nn.ConvTranspose2d / keras Conv2DTranspose): " +
    "upsamples by scattering each input through the kernel.",
  args,
  apply(ctx): LayerOutcome | undefined {
    const rank = featureMapRank(ctx);
    if (rank === undefined) return undefined;
    const { args: a, framework, report } = ctx;
    const kernel = a.axes("kernel", rank);
    const stride = a.axes("stride", rank);
    const dilation = a.axes("dilation", rank);
    const cout = a.number("out_channels");
    const op = a.has("output_padding") ? a.axes("output_padding", rank) : undefined;
    if (!kernel || !stride || !dilation || cout === undefined || a.unknown) return undefined;
    const cin = channels(ctx.input, framework);
    if (!checkGroups(ctx, cin, cout)) return undefined;
    const padWord = a.word("padding");
    if (framework === "pytorch" && padWord === "same") {
      report.error(
        "argument-value",
        `PyTorch's ConvTranspose does not take padding "same": give the padding in pixels`,
        a.span("padding"),
      );
      return undefined;
    }
    if (framework === "keras" && padWord === undefined) {
      report.error("argument-value", `keras ${ctx.written} takes padding "same" or "valid"`, a.span("padding"));
      return undefined;
    }
    const pads = padWord === undefined ? a.axes("padding", rank) : Array<number>(rank).fill(0);
    if (!pads) return undefined;
    const sizes: number[] = [];
    const formulas: string[] = [];
    const padBefore: number[] = [];
    for (let i = 0; i < rank; i++) {
      const outPad = op?.[i] ?? (framework === "pytorch" ? 0 : undefined);
      if (outPad !== undefined && outPad >= stride[i]! && outPad >= dilation[i]!) {
        report.error(
          "output-padding",
          `output_padding ${outPad} must be smaller than the stride ${stride[i]}` +
            ` or the dilation ${dilation[i]}${onAxis(i, rank)}`,
          a.span("output_padding"),
        );
        return undefined;
      }
      const size = ctx.input[framework === "pytorch" ? i + 1 : i]!;
      // (W − 1)·S + D(K − 1) bounds every step of both frameworks' formulas: past 2^53 − 1 they would round.
      const reach = size * stride[i]! + dilation[i]! * kernel[i]! + (outPad ?? 0);
      if (!exact(reach)) {
        const what = `the upsampled size${onAxis(i, rank)} of ${ctx.written}`;
        reportInexactStep(what, reach, "use a smaller stride, kernel or dilation", a.callSpan, report);
        return undefined;
      }
      const r =
        framework === "pytorch"
          ? {
              ...transposedOutput(
                {
                  size,
                  kernel: kernel[i]!,
                  stride: stride[i]!,
                  dilation: dilation[i]!,
                  padBefore: pads[i]!,
                  padAfter: pads[i]!,
                },
                outPad ?? 0,
              ),
              padBefore: pads[i]!,
            }
          : kerasTransposedOutput(size, kernel[i]!, stride[i]!, dilation[i]!, padWord === "same", outPad);
      if (r.out <= 0) {
        report.error(
          "output-size",
          `output size ${r.out}${onAxis(i, rank)} (${r.formula}): reduce the padding or enlarge the kernel or stride`,
          a.span(a.has("padding") ? "padding" : "kernel"),
        );
        return undefined;
      }
      sizes.push(r.out);
      formulas.push(r.formula);
      padBefore.push(r.padBefore);
    }
    const groups = a.number("groups") ?? 1;
    const kernelVolume = kernel.reduce((p, k) => p * k, 1);
    const bias = a.bool("bias") ?? true;
    const params = kernelVolume * (cout / groups) * cin + (bias ? cout : 0);
    return {
      output: makeShape(cout, sizes, framework),
      params: { trainable: params, nonTrainable: 0 },
      // The spec counts transposed conv MACs over input elements: in_elements·(C_out/groups)·ΠK.
      macs: batchElements(ctx.input, ctx.batch) * (cout / groups) * kernelVolume,
      formula: joinFormulas(formulas, rank),
      paramFormula:
        `${kernel.join("·")}·${cin}·${groups === 1 ? cout : `(${cout}/${groups})`}` +
        `${bias ? ` + ${cout}` : ""} = ${params}`,
      field: (rf) => throughTransposed(rf, { kernel, stride, dilation, padBefore }),
    };
  },
};
