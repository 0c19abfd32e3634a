// ONNX bytes → the importer's graph (ir.ts), by protobufjs and the committed onnx.proto; every size checked first.
import protobuf from "protobufjs";
import { onnxSchema } from "./onnx-schema.js";
import type { Attr, ConstTensor, OnnxGraph, OnnxNode, OnnxValueInfo } from "./ir.js";
import { refuse } from "./refusal.js";
import { tensorData, type ExternalFiles } from "./tensor-data.js";
import { num, own } from "./fields.js";

export type { ExternalFiles } from "./tensor-data.js";

/** Loaded once: building the reflection from JSON costs a few milliseconds. */
let modelType: protobuf.Type | undefined;

/** The graph of an ONNX file's bytes; refuses (ImportRefusal) bytes that are not a whole ONNX model. */
export function decodeOnnx(bytes: Uint8Array, external: ExternalFiles | undefined, fileName: string): OnnxGraph {
  modelType ??= protobuf.Root.fromJSON(onnxSchema).lookupType("onnx.ModelProto");
  let model: Record<string, unknown>;
  try {
    // protobufjs checks every claimed length against the bytes left before it copies anything, so a truncated
    // file or a field claiming 2 GB is a RangeError here, not an allocation.
    model = modelType.decode(bytes) as unknown as Record<string, unknown>;
  } catch (e) {
    refuse(
      `${fileName} is not a complete ONNX model (${(e as Error).message}); ` +
        `the file may be truncated or not an .onnx file: export it again`,
    );
  }
  const graph = model["graph"] as Record<string, unknown> | undefined;
  if (!graph) refuse(`${fileName} holds no graph (an empty or non-ONNX protobuf file): export the model again`);
  const opsets = (model["opset_import"] as { domain?: string; version?: unknown }[] | undefined) ?? [];
  const main = opsets.find((o) => !o.domain || o.domain === "ai.onnx");
  const constants = new Map<string, ConstTensor>();
  for (const t of list(graph["initializer"])) {
    const tensor = tensorData(t, external);
    constants.set(tensor.name, tensor);
  }
  const nodes = list(graph["node"]).map((n, i) => decodeNode(n, i, external));
  return {
    name: String(graph["name"] ?? "model"),
    opset: main ? num(main.version) : 1,
    inputs: list(graph["input"])
      .map(valueInfo)
      .filter((v) => !constants.has(v.name)),
    outputs: list(graph["output"]).map(valueInfo),
    nodes,
    constants,
  };
}

function decodeNode(n: Record<string, unknown>, index: number, external: ExternalFiles | undefined): OnnxNode {
  const opType = String(n["op_type"] ?? "");
  const attrs = new Map<string, Attr>();
  for (const a of list(n["attribute"])) attrs.set(String(a["name"] ?? ""), decodeAttr(a, external));
  return {
    name: n["name"] ? String(n["name"]) : `${opType} #${index}`,
    opType,
    domain: String(n["domain"] ?? ""),
    inputs: ((n["input"] as string[] | undefined) ?? []).map(String),
    outputs: ((n["output"] as string[] | undefined) ?? []).map(String),
    attrs,
  };
}

/** AttributeProto.AttributeType: FLOAT 1, INT 2, STRING 3, TENSOR 4, FLOATS 6, INTS 7. */
function decodeAttr(a: Record<string, unknown>, external: ExternalFiles | undefined): Attr {
  const type = num(a["type"] ?? 0);
  switch (type) {
    case 1:
      return { kind: "float", value: Number(a["f"] ?? 0) };
    case 2:
      return { kind: "int", value: num(a["i"] ?? 0) };
    case 3:
      return {
        kind: "string",
        value: new TextDecoder().decode((a["s"] as Uint8Array | undefined) ?? new Uint8Array()),
      };
    case 4:
      return { kind: "tensor", value: tensorData(a["t"] as Record<string, unknown>, external) };
    case 6:
      return { kind: "floats", value: ((a["floats"] as number[] | undefined) ?? []).map(Number) };
    case 7:
      return { kind: "ints", value: ((a["ints"] as unknown[] | undefined) ?? []).map(num) };
    default:
      return { kind: "other", type };
  }
}

function valueInfo(v: Record<string, unknown>): OnnxValueInfo {
  const type = v["type"] as { tensor_type?: { elem_type?: number; shape?: { dim?: Record<string, unknown>[] } } };
  const tensor = type?.tensor_type;
  const dims = tensor?.shape?.dim?.map((d) =>
    own(d, "dim_value")
      ? num(d["dim_value"])
      : own(d, "dim_param") && d["dim_param"]
        ? String(d["dim_param"])
        : undefined,
  );
  return { name: String(v["name"] ?? ""), dims, elemType: Number(tensor?.elem_type ?? 0) };
}

function list(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? (value as Record<string, unknown>[]) : [];
}
