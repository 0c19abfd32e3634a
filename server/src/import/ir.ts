// The small graph the importer works on: what an ONNX file holds once decoded, without protobuf's classes.

/** A constant tensor of the file (an initializer or a Constant node's value), converted to numbers. */
export interface ConstTensor {
  name: string;
  dims: number[];
  /** Float tensors as float32 (the simulation's type); integer tensors as plain numbers. */
  float?: Float32Array;
  ints?: number[];
}

/** An attribute's value: ints and floats stay apart, because ONNX keeps them apart. */
export type Attr =
  | { kind: "int"; value: number }
  | { kind: "float"; value: number }
  | { kind: "ints"; value: number[] }
  | { kind: "floats"; value: number[] }
  | { kind: "string"; value: string }
  | { kind: "tensor"; value: ConstTensor }
  | { kind: "other"; type: number };

export interface OnnxNode {
  /** The node's name, or `<op> #<index>` when the file gives none, for messages. */
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attrs: Map<string, Attr>;
}

/** A graph input or output: a size per axis, or a name (a symbolic size), or undefined (unknown). */
export interface OnnxValueInfo {
  name: string;
  dims: (number | string | undefined)[] | undefined;
  elemType: number;
}

export interface OnnxGraph {
  name: string;
  /** The default domain's opset version. */
  opset: number;
  /** The graph inputs that are not initializers. */
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  nodes: OnnxNode[];
  constants: Map<string, ConstTensor>;
}

/** Reads an int attribute, or the default. */
export function intAttr(node: OnnxNode, name: string, fallback: number): number {
  const a = node.attrs.get(name);
  return a?.kind === "int" ? a.value : fallback;
}

export function floatAttr(node: OnnxNode, name: string, fallback: number): number {
  const a = node.attrs.get(name);
  return a?.kind === "float" ? a.value : a?.kind === "int" ? a.value : fallback;
}

export function intsAttr(node: OnnxNode, name: string): number[] | undefined {
  const a = node.attrs.get(name);
  return a?.kind === "ints" ? a.value : undefined;
}

export function stringAttr(node: OnnxNode, name: string, fallback: string): string {
  const a = node.attrs.get(name);
  return a?.kind === "string" ? a.value : fallback;
}
