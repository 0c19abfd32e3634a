// Small ONNX files for the importer's tests, encoded by protobufjs from the same onnx.proto the importer reads.
import protobuf from "protobufjs";
import { onnxSchema } from "../../server/src/import/onnx-schema.js";

const modelType = protobuf.Root.fromJSON(onnxSchema).lookupType("onnx.ModelProto");

export type Dim = number | string;

export function valueInfo(name: string, dims: Dim[]): object {
  const dim = dims.map((d) => (typeof d === "number" ? { dim_value: d } : { dim_param: d }));
  return { name, type: { tensor_type: { elem_type: 1, shape: { dim } } } };
}

/** A float32 initializer with values 0.01·i (or the given ones). */
export function floats(name: string, dims: number[], values?: number[]): object {
  const count = dims.reduce((p, d) => p * d, 1);
  const data = Float32Array.from(values ?? Array.from({ length: count }, (_, i) => ((i % 17) - 8) * 0.01));
  return { name, dims, data_type: 1, raw_data: new Uint8Array(data.buffer) };
}

export function node(opType: string, inputs: string[], outputs: string[], attribute: object[] = [], name?: string) {
  return { op_type: opType, input: inputs, output: outputs, attribute, name: name ?? `${opType}_${outputs[0]}` };
}

export const ints = (name: string, values: number[]) => ({ name, type: 7, ints: values });
export const int = (name: string, value: number) => ({ name, type: 2, i: value });
export const float = (name: string, value: number) => ({ name, type: 1, f: value });

/** A ModelProto's bytes: IR 8, the default domain at `opset`. */
export function modelBytes(graph: object, opset = 17): Uint8Array {
  return modelType
    .encode(modelType.fromObject({ ir_version: 8, opset_import: [{ domain: "", version: opset }], graph }))
    .finish();
}

/** input [1, 3, 8, 8] → Conv(4, 3×3, pad 1) → Relu → output: the graph the refusal tests start from. */
export function convGraph(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: "tiny",
    node: [
      node("Conv", ["x", "conv.weight", "conv.bias"], ["c"], [ints("pads", [1, 1, 1, 1])]),
      node("Relu", ["c"], ["y"]),
    ],
    initializer: [floats("conv.weight", [4, 3, 3, 3]), floats("conv.bias", [4])],
    input: [valueInfo("x", [1, 3, 8, 8])],
    output: [valueInfo("y", [1, 4, 8, 8])],
    ...overrides,
  };
}
