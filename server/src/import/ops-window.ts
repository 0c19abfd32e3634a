// Conv, ConvTranspose and the pools: ONNX's per-side pads and auto_pad become the language's symmetric padding.
import { intAttr, intsAttr, stringAttr } from "./ir.js";
import { axes, layerCall } from "./layer-text.js";
import type { MappedLayer, OpContext } from "./op-context.js";

/** Extra padding a Pad node before the conv adds (folded into the conv), per spatial axis. */
export type ExtraPads = number[] | undefined;

export function mapConv(c: OpContext, extra: ExtraPads): MappedLayer {
  const w = c.floats(1, "weight");
  const spatial = c.input.slice(2);
  const rank = spatial.length;
  if (w.shape.length !== rank + 2) c.refuse(`its weight has shape [${w.shape.join(", ")}], not rank ${rank + 2}`);
  const kernel = w.shape.slice(2);
  const stride = intsAttr(c.node, "strides") ?? ones(rank);
  const dilation = intsAttr(c.node, "dilations") ?? ones(rank);
  const groups = intAttr(c.node, "group", 1);
  const sides = sidePads(c, spatial, kernel, stride, dilation, extra);
  // Uneven sides (TensorFlow's `same` with a stride) are a zeropad before a conv without padding: zeros either way.
  const uneven = sides.some((p, i) => i < rank && p !== sides[i + rank]);
  const before = uneven ? zeropadLayer(c, sides) : undefined;
  const pads = uneven ? zeros(rank) : even(c, sides);
  const padded = before ? before.outShape.slice(2) : spatial;
  const outChannels = w.shape[0]!;
  if (c.input[1] !== w.shape[1]! * groups)
    c.refuse(`its weight expects ${w.shape[1]! * groups} input channels but the input has ${c.input[1]}`);
  const tensors: MappedLayer["tensors"] = [["weight", w]];
  const hasBias = c.node.inputs[2] !== undefined && c.node.inputs[2] !== "";
  if (hasBias) tensors.push(["bias", c.floats(2, "bias")]);
  const out = padded.map(
    (s, i) => Math.floor((s + 2 * pads[i]! - dilation[i]! * (kernel[i]! - 1) - 1) / stride[i]!) + 1,
  );
  const call = layerCall(
    "conv",
    [outChannels, axes(kernel)],
    [
      ["stride", nonDefault(stride, 1)],
      ["padding", nonDefault(pads, 0)],
      ["dilation", nonDefault(dilation, 1)],
      ["groups", groups === 1 ? undefined : groups],
      ["bias", hasBias ? undefined : false],
    ],
  );
  const layer = c.layer(call, [c.input[0]!, outChannels, ...out], tensors);
  return before ? { ...layer, before } : layer;
}

/** `zeropad(((top, bottom), (left, right)))` for ONNX pads (all begins, then all ends) of the spatial axes. */
export function zeropadLayer(c: OpContext, sides: number[]): MappedLayer {
  const rank = sides.length / 2;
  const pairs = Array.from({ length: rank }, (_, i) => `(${sides[i]}, ${sides[i + rank]})`);
  const even = sides.every((p, i) => i >= rank || p === sides[i + rank]);
  const call = even ? layerCall("zeropad", [axes(sides.slice(0, rank))]) : `zeropad((${pairs.join(", ")}))`;
  const shape = [c.input[0]!, c.input[1]!, ...c.input.slice(2).map((s, i) => s + sides[i]! + sides[i + rank]!)];
  return { call, outShape: shape, tensors: [], hint: c.node.name };
}

export function mapConvTranspose(c: OpContext): MappedLayer {
  const w = c.floats(1, "weight");
  const spatial = c.input.slice(2);
  const rank = spatial.length;
  const kernel = w.shape.slice(2);
  const stride = intsAttr(c.node, "strides") ?? ones(rank);
  const dilation = intsAttr(c.node, "dilations") ?? ones(rank);
  const groups = intAttr(c.node, "group", 1);
  const outputPadding = intsAttr(c.node, "output_padding") ?? zeros(rank);
  if (intsAttr(c.node, "output_shape")) c.refuse("output_shape is not in the language; export with explicit pads");
  if (stringAttr(c.node, "auto_pad", "NOTSET") !== "NOTSET") c.refuse("auto_pad is not supported for ConvTranspose");
  const pads = intsAttr(c.node, "pads") ?? zeros(2 * rank);
  if (pads.some((p, i) => i < rank && p !== pads[i + rank]))
    c.refuse(`its pads [${pads.join(", ")}] differ between the two sides of an axis, which the language cannot write`);
  const outChannels = w.shape[1]! * groups;
  const tensors: MappedLayer["tensors"] = [["weight", w]];
  const hasBias = c.node.inputs[2] !== undefined && c.node.inputs[2] !== "";
  if (hasBias) tensors.push(["bias", c.floats(2, "bias")]);
  const out = spatial.map(
    (s, i) => (s - 1) * stride[i]! - 2 * pads[i]! + dilation[i]! * (kernel[i]! - 1) + outputPadding[i]! + 1,
  );
  const call = layerCall(
    "convtranspose",
    [outChannels, axes(kernel)],
    [
      ["stride", nonDefault(stride, 1)],
      ["padding", nonDefault(pads.slice(0, rank), 0)],
      ["output_padding", nonDefault(outputPadding, 0)],
      ["dilation", nonDefault(dilation, 1)],
      ["groups", groups === 1 ? undefined : groups],
      ["bias", hasBias ? undefined : false],
    ],
  );
  return c.layer(call, [c.input[0]!, outChannels, ...out], tensors);
}

/** MaxPool and AveragePool with PyTorch's output size (ceil_mode's last window must start inside). */
export function mapPool(c: OpContext, max: boolean): MappedLayer {
  const spatial = c.input.slice(2);
  const rank = spatial.length;
  const kernel = intsAttr(c.node, "kernel_shape") ?? c.refuse("it has no kernel_shape");
  const stride = intsAttr(c.node, "strides") ?? ones(rank);
  const dilation = intsAttr(c.node, "dilations") ?? ones(rank);
  if (!max && dilation.some((d) => d !== 1)) c.refuse("a dilated average pool is not in the language");
  if (max && c.node.outputs.length > 1 && c.node.outputs[1] !== "")
    c.refuse("its indices output is not in the language");
  let ceil = intAttr(c.node, "ceil_mode", 0) === 1;
  const sides = sidePads(c, spatial, kernel, stride, dilation, undefined);
  const exact = spatial.map(
    (s, i) => Math.floor((s + sides[i]! + sides[i + rank]! - dilation[i]! * (kernel[i]! - 1) - 1) / stride[i]!) + 1,
  );
  // Extra padding at the end of a max pool is ceil_mode's partial window (cnnlens' own export writes it so):
  // max ignores padding, so both give the same values when they give the same size.
  if (max && !ceil && sides.some((p, i) => i < rank && sides[i + rank]! > p)) {
    const begins = sides.slice(0, rank);
    const ceiled = spatial.map((s, i) => poolSize(s, kernel[i]!, stride[i]!, begins[i]!, dilation[i]!, true));
    if (ceiled.every((n, i) => n === exact[i])) {
      ceil = true;
      sides.splice(rank, rank, ...begins);
    }
  }
  const pads = even(c, sides);
  const countPad = intAttr(c.node, "count_include_pad", 0) === 1;
  const out = spatial.map((s, i) => poolSize(s, kernel[i]!, stride[i]!, pads[i]!, dilation[i]!, ceil));
  const samePad = pads.every((p) => p === 0);
  // A window over the whole input is a global pool (cnnlens' export writes adaptiveavgpool(1) so): written as
  // PyTorch writes it, it reads the same at every resolution, which lets blocks share it.
  if (samePad && !ceil && kernel.every((k, i) => k === spatial[i]) && dilation.every((d) => d === 1))
    return mapGlobalPool(c, max);
  const call = layerCall(
    max ? "maxpool" : "avgpool",
    [axes(kernel)],
    [
      ["stride", equal(stride, kernel) ? undefined : axes(stride)],
      ["padding", nonDefault(pads, 0)],
      ["dilation", max ? nonDefault(dilation, 1) : undefined],
      ["ceil_mode", ceil ? true : undefined],
      // ONNX's default leaves padding out of the average; PyTorch's counts it. Only padding makes them differ.
      ["count_include_pad", !max && !samePad && !countPad ? false : undefined],
    ],
  );
  return c.layer(call, [c.input[0]!, c.input[1]!, ...out]);
}

export function mapGlobalPool(c: OpContext, max: boolean): MappedLayer {
  return c.layer(max ? "adaptivemaxpool(1)" : "adaptiveavgpool(1)", [
    c.input[0]!,
    c.input[1]!,
    ...c.input.slice(2).map(() => 1),
  ]);
}

/** PyTorch's pool output size: with ceil_mode the last window must start inside the input or the left padding. */
function poolSize(s: number, k: number, stride: number, pad: number, dilation: number, ceil: boolean): number {
  const span = s + 2 * pad - dilation * (k - 1) - 1;
  let n = (ceil ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  if (ceil && (n - 1) * stride >= s + pad) n--;
  return n;
}

/** The begins and ends per spatial axis (ONNX's order: all begins, then all ends), auto_pad and a Pad folded in. */
export function sidePads(
  c: OpContext,
  spatial: number[],
  kernel: number[],
  stride: number[],
  dilation: number[],
  extra: ExtraPads,
): number[] {
  const rank = spatial.length;
  const auto = stringAttr(c.node, "auto_pad", "NOTSET");
  // A copy: the caller may change it (a max pool's ceil_mode), and the node's attribute must stay as read, since
  // the graph is mapped a second time when the names of cnnlens' own export do not explain it.
  let pads = [...(intsAttr(c.node, "pads") ?? zeros(2 * rank))];
  if (auto === "SAME_UPPER" || auto === "SAME_LOWER") {
    pads = zeros(2 * rank);
    spatial.forEach((s, i) => {
      const out = Math.ceil(s / stride[i]!);
      const total = Math.max((out - 1) * stride[i]! + dilation[i]! * (kernel[i]! - 1) + 1 - s, 0);
      const small = Math.floor(total / 2);
      pads[i] = auto === "SAME_UPPER" ? small : total - small;
      pads[i + rank] = total - pads[i]!;
    });
  } else if (auto === "VALID") pads = zeros(2 * rank);
  if (extra) pads = pads.map((p, i) => p + extra[i]!);
  return pads;
}

/** One padding per axis from begins and ends that are equal; PyTorch's conv and pools cannot write others. */
function even(c: OpContext, pads: number[]): number[] {
  const rank = pads.length / 2;
  if (pads.some((p, i) => i < rank && p !== pads[i + rank]))
    c.refuse(
      `its padding [${pads.join(", ")}] differs between the two sides of an axis (TensorFlow's 'same' with a ` +
        `stride); the language writes one padding per axis`,
    );
  return pads.slice(0, rank);
}

function nonDefault(values: number[], fallback: number): number | number[] | undefined {
  return values.every((v) => v === fallback) ? undefined : axes(values);
}

function equal(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

const ones = (n: number) => Array<number>(n).fill(1);
const zeros = (n: number) => Array<number>(n).fill(0);
