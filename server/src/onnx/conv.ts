// conv and convtranspose as ONNX Conv / ConvTranspose, with each framework's padding written out explicitly.
import { samePadding } from "../analysis/geometry.js";
import { cfValue, type LayerEmit } from "./emit.js";
import type { Value } from "./graph.js";
import { perAxis, spatialOf } from "./tensors.js";

/** The window geometry of a conv or pool layer, per spatial axis. */
export interface Window {
  sizes: number[];
  outs: number[];
  kernel: number[];
  stride: number[];
  dilation: number[];
  before: number[];
  after: number[];
}

/**
 * Reads the window of a layer. `same` is TensorFlow's rule (the odd pixel after), written as explicit
 * pads rather than auto_pad so that nothing depends on onnxruntime's reading of SAME_UPPER.
 */
export function readWindow(e: LayerEmit, strideDefaultsToKernel: boolean): Window {
  const a = e.layer.args;
  const sizes = spatialOf(e.layer.inputShape, e.framework);
  const outs = spatialOf(e.layer.outputShape, e.framework);
  const rank = sizes.length;
  const kernel = perAxis(a.kernel, rank);
  const stride =
    a.stride === undefined || a.stride === null
      ? strideDefaultsToKernel
        ? kernel
        : perAxis(1, rank)
      : perAxis(a.stride, rank);
  const dilation = perAxis(a.dilation ?? 1, rank);
  const before: number[] = [];
  const after: number[] = [];
  sizes.forEach((size, i) => {
    if (a.padding === "same") {
      const p = samePadding(size, kernel[i]!, stride[i]!, dilation[i]!);
      before.push(p.padBefore);
      after.push(p.padAfter);
    } else {
      const p = a.padding === "valid" || a.padding === undefined ? 0 : perAxis(a.padding, rank)[i]!;
      before.push(p);
      after.push(p);
    }
  });
  return { sizes, outs, kernel, stride, dilation, before, after };
}

export function conv(e: LayerEmit): Value {
  const w = readWindow(e, false);
  const inputs = [e.cf(), e.param("weight")];
  if (e.layer.args.bias !== false) inputs.push(e.param("bias"));
  const out = e.g.op("Conv", inputs, {
    kernel_shape: w.kernel,
    strides: w.stride,
    dilations: w.dilation,
    pads: [...w.before, ...w.after],
    group: Number(e.layer.args.groups ?? 1),
  });
  return cfValue(out, e.input.rank);
}

/**
 * ConvTranspose. ONNX's output size is (W − 1)S + D(K − 1) + 1 + output_padding − pad_begin − pad_end,
 * so PyTorch's padding and output_padding carry over as they are. Keras crops TensorFlow's way: the
 * total crop is the full size minus the output size, ⌊total/2⌋ at the start; when the output is larger
 * than the full transposed conv (`valid` with K < S, or output_padding), the extra rows go at the end.
 */
export function convTranspose(e: LayerEmit): Value {
  const w = readWindow(e, false);
  const a = e.layer.args;
  const rank = w.sizes.length;
  let outputPadding =
    a.output_padding === undefined || a.output_padding === null
      ? Array<number>(rank).fill(0)
      : perAxis(a.output_padding, rank);
  let { before, after } = w;
  if (e.framework === "keras") {
    before = [];
    after = [];
    outputPadding = [];
    w.sizes.forEach((size, i) => {
      const full = (size - 1) * w.stride[i]! + w.dilation[i]! * (w.kernel[i]! - 1) + 1;
      const total = full - w.outs[i]!;
      const start = a.padding === "same" ? Math.max(0, Math.floor(total / 2)) : 0;
      before.push(start);
      after.push(Math.max(0, total - start));
      outputPadding.push(Math.max(0, start - total));
    });
  }
  const inputs = [e.cf(), e.param("weight")];
  if (a.bias !== false) inputs.push(e.param("bias"));
  const out = e.g.op("ConvTranspose", inputs, {
    kernel_shape: w.kernel,
    strides: w.stride,
    dilations: w.dilation,
    pads: [...before, ...after],
    output_padding: outputPadding,
    group: Number(a.groups ?? 1),
  });
  return cfValue(out, e.input.rank);
}
