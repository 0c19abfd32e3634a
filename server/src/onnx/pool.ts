// Pools as ONNX MaxPool / AveragePool / ReduceMean, reproducing PyTorch's ceil_mode, padding counts and adaptive
// windows.
import { readWindow } from "./conv.js";
import { cfValue, type LayerEmit } from "./emit.js";
import type { Value } from "./graph.js";
import { perAxis, spatialOf } from "./tensors.js";

/**
 * maxpool and avgpool. ceil_mode is never handed to onnxruntime: the extra rows PyTorch's rounding up
 * adds (the last window must start inside the input or the left padding, which the analysis already
 * applied to the output size) become extra end padding that no element is counted in — MaxPool ignores
 * pads, and AveragePool with count_include_pad 0 leaves them out of the divisor. PyTorch's
 * count_include_pad counts the explicit padding but never the ceil_mode overhang, so that padding is
 * added with a real Pad node first. Keras' `same` average excludes the padding, as TensorFlow does.
 */
export function pool(e: LayerEmit, max: boolean): Value {
  const w = readWindow(e, true);
  const extra = w.outs.map((out, i) => {
    const reach = (out - 1) * w.stride[i]! + w.dilation[i]! * (w.kernel[i]! - 1) + 1;
    return Math.max(0, reach - (w.sizes[i]! + w.before[i]! + w.after[i]!));
  });
  let x = e.cf();
  let { before, after } = w;
  if (max) {
    const out = e.g.op("MaxPool", [x], {
      kernel_shape: w.kernel,
      strides: w.stride,
      dilations: w.dilation,
      pads: [...before, ...after.map((p, i) => p + extra[i]!)],
    });
    return cfValue(out, e.input.rank);
  }
  const countsPadding = e.framework === "pytorch" && e.layer.args.count_include_pad !== false;
  if (countsPadding && [...before, ...after].some((p) => p > 0)) {
    x = e.g.op("Pad", [x, e.g.int64Const([0, 0, ...before, 0, 0, ...after])]);
    before = before.map(() => 0);
    after = after.map(() => 0);
  }
  const out = e.g.op("AveragePool", [x], {
    kernel_shape: w.kernel,
    strides: w.stride,
    pads: [...before, ...after.map((p, i) => p + extra[i]!)],
    count_include_pad: 0,
  });
  return cfValue(out, e.input.rank);
}

/**
 * PyTorch's adaptive pools: output cell i of an axis covers [⌊i·W/n⌋, ⌈(i+1)·W/n⌉). When n divides W
 * that is a plain pool with kernel = stride = W/n. Otherwise the windows overlap unevenly; since each
 * window is a box, the pool is separable, so each axis is reduced in turn with one Slice and one
 * ReduceMean/ReduceMax per output cell, and the cells are concatenated.
 */
export function adaptivePool(e: LayerEmit, max: boolean): Value {
  const sizes = spatialOf(e.layer.inputShape, e.framework);
  const outs = perAxis(e.layer.args.output_size, sizes.length);
  let x = e.cf();
  if (sizes.every((w, i) => w % outs[i]! === 0)) {
    const kernel = sizes.map((w, i) => w / outs[i]!);
    const out = e.g.op(max ? "MaxPool" : "AveragePool", [x], { kernel_shape: kernel, strides: kernel });
    return cfValue(out, e.input.rank);
  }
  sizes.forEach((w, i) => {
    const n = outs[i]!;
    const axis = i + 2;
    if (w === n) return;
    const cells: string[] = [];
    for (let j = 0; j < n; j++) {
      const start = Math.floor((j * w) / n);
      const end = Math.ceil(((j + 1) * w) / n);
      const slice = e.g.op("Slice", [x, e.g.int64Const([start]), e.g.int64Const([end]), e.g.int64Const([axis])]);
      cells.push(e.g.op(max ? "ReduceMax" : "ReduceMean", [slice], { axes: [axis], keepdims: 1 }));
    }
    x = e.g.op("Concat", cells, { axis });
  });
  // Every axis may already have the output size: the layer still needs a node of its own.
  return cfValue(sizes.every((w, i) => w === outs[i]) ? e.g.op("Identity", [x]) : x, e.input.rank);
}

/** Global pools: C×1×1 in PyTorch files; Keras drops the spatial axes unless keepdims. */
export function globalPool(e: LayerEmit, max: boolean): Value {
  const out = e.g.op(max ? "GlobalMaxPool" : "GlobalAveragePool", [e.cf()]);
  if (e.layer.outputShape.length === 1) return cfValue(e.g.op("Flatten", [out], { axis: 1 }), 2);
  return cfValue(out, e.input.rank);
}
