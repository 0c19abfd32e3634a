// Constant folding of the shape arithmetic exporters leave in graphs (Shape → Gather → Concat → Reshape), so that
// a reshape's target or a resize's size is a number the importer can read.
import type { ConstTensor, OnnxNode } from "./ir.js";
import { intsAttr } from "./ir.js";

/** What folding may ask: constants so far, and the shapes (batch included) of computed tensors. */
export interface FoldInputs {
  constant(name: string): ConstTensor | undefined;
  shape(name: string): number[] | undefined;
}

const FOLDABLE = new Set([
  "Constant",
  "Shape",
  "Gather",
  "Unsqueeze",
  "Squeeze",
  "Concat",
  "Slice",
  "Cast",
  "Identity",
  "Transpose",
  "Reshape",
  "Mul",
  "Div",
  "Add",
  "Sub",
]);

/** The node's output as a constant, or undefined when it computes on data (or is not a shape op). */
export function foldNode(node: OnnxNode, opset: number, inputs: FoldInputs): ConstTensor | undefined {
  if (!FOLDABLE.has(node.opType) || node.outputs.length !== 1) return undefined;
  const name = node.outputs[0]!;
  if (node.opType === "Constant") return constantValue(node, name);
  if (node.opType === "Shape") {
    const shape = inputs.shape(node.inputs[0]!);
    return shape && { name, dims: [shape.length], ints: shape };
  }
  const args = node.inputs.map((i) => (i === "" ? undefined : inputs.constant(i)));
  if (
    args[0] === undefined ||
    (node.opType !== "Concat" && args.slice(1).some((a, i) => a === undefined && node.inputs[i + 1] !== ""))
  )
    return undefined;
  if (node.opType === "Concat" && args.some((a) => a === undefined)) return undefined;
  const x = args[0];
  const values = x.ints ?? Array.from(x.float ?? []);
  switch (node.opType) {
    case "Identity":
    case "Cast":
      return { ...x, name };
    case "Gather": {
      const index = valuesOf(args[1]!);
      const picked = index.map((i) => values[i < 0 ? i + values.length : i]!);
      return x.dims.length === 1 && args[1]!.dims.length <= 1
        ? { name, dims: args[1]!.dims.length === 0 ? [] : [picked.length], ints: picked }
        : undefined;
    }
    case "Unsqueeze":
    case "Squeeze":
      if (x.dims.length > 1) return undefined;
      return {
        name,
        dims: node.opType === "Unsqueeze" ? [values.length] : values.length === 1 ? [] : [values.length],
        ...(x.ints ? { ints: values } : { float: Float32Array.from(values) }),
      };
    case "Concat": {
      const all = args.map((a) => valuesOf(a!));
      return { name, dims: [all.flat().length], ints: all.flat() };
    }
    case "Slice": {
      if (x.dims.length !== 1) return undefined;
      const [starts, ends] =
        opset >= 10
          ? [valuesOf(args[1]!), valuesOf(args[2]!)]
          : [intsAttr(node, "starts") ?? [0], intsAttr(node, "ends") ?? [0]];
      const at = (v: number) => Math.max(0, Math.min(values.length, v < 0 ? v + values.length : v));
      return { name, dims: [at(ends[0]!) - at(starts[0]!)], ints: values.slice(at(starts[0]!), at(ends[0]!)) };
    }
    case "Transpose":
      return transpose(x, intsAttr(node, "perm"), name);
    case "Reshape":
      return reshape(x, valuesOf(args[1]!), name);
    default: {
      // Integer arithmetic on sizes (x.size(1) // groups); float arithmetic is left to the graph.
      const y = args[1];
      if (!x.ints || !y?.ints) return undefined;
      const b = y.ints;
      const op = (p: number, q: number) =>
        node.opType === "Mul"
          ? p * q
          : node.opType === "Add"
            ? p + q
            : node.opType === "Sub"
              ? p - q
              : Math.trunc(p / q);
      const n = Math.max(values.length, b.length);
      const out = Array.from({ length: n }, (_, i) =>
        op(values[values.length === 1 ? 0 : i]!, b[b.length === 1 ? 0 : i]!),
      );
      return { name, dims: x.dims.length >= y.dims.length ? x.dims : y.dims, ints: out };
    }
  }
}

function valuesOf(t: ConstTensor): number[] {
  return t.ints ?? Array.from(t.float ?? []);
}

function constantValue(node: OnnxNode, name: string): ConstTensor | undefined {
  const a = node.attrs.get("value");
  if (a?.kind === "tensor") return { ...a.value, name };
  const ints = node.attrs.get("value_ints");
  if (ints?.kind === "ints") return { name, dims: [ints.value.length], ints: ints.value };
  const int = node.attrs.get("value_int");
  if (int?.kind === "int") return { name, dims: [], ints: [int.value] };
  const float = node.attrs.get("value_float");
  if (float?.kind === "float") return { name, dims: [], float: Float32Array.of(float.value) };
  const floats = node.attrs.get("value_floats");
  if (floats?.kind === "floats") return { name, dims: [floats.value.length], float: Float32Array.from(floats.value) };
  return undefined;
}

/** A constant's axes reordered (a weight transposed by the exporter, as MatMul(x, Transpose(W))). */
function transpose(x: ConstTensor, perm: number[] | undefined, name: string): ConstTensor | undefined {
  const rank = x.dims.length;
  const order = perm ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
  if (rank !== 2 || !x.float) return rank <= 1 ? { ...x, name } : undefined;
  if (order[0] === 0) return { ...x, name };
  const [r, c] = x.dims as [number, number];
  const out = new Float32Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = x.float[i * c + j]!;
  return { name, dims: [c, r], float: out };
}

function reshape(x: ConstTensor, target: number[], name: string): ConstTensor | undefined {
  const count = x.dims.reduce((p, d) => p * d, 1);
  const known = target.reduce((p, d, i) => (d === -1 ? p : p * (d === 0 ? x.dims[i]! : d)), 1);
  const dims = target.map((d, i) => (d === -1 ? count / known : d === 0 ? x.dims[i]! : d));
  if (dims.reduce((p, d) => p * d, 1) !== count) return undefined;
  return { ...x, name, dims };
}
