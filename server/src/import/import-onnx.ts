// importOnnx: an ONNX model's bytes → the .cnn text a person would write for it, and its weights by the file's
// layer names; or a refusal sentence. Pure: no files are read (external data comes through `options.external`).
import { analyze } from "../analysis/index.js";
import type { ModelInfo } from "../analysis/types.js";
import { parameterSpecs } from "../layers/index.js";
import type { WeightMap } from "../onnx/tensors.js";
import { decodeOnnx, type ExternalFiles } from "./decode.js";
import { groupSplits } from "./group-splits.js";
import { layerCall } from "./layer-text.js";
import { mapGraph } from "./map-graph.js";
import { commentText, definitionName, LabelNames } from "./names.js";
import { ImportRefusal, refuse } from "./refusal.js";
import { recoverStructure } from "./structure.js";
import { BodyWriter, type WrittenCall } from "./write.js";

export interface ImportOptions {
  /** The file's name, for the header comment and messages. */
  fileName?: string;
  /** C,H,W (without the batch) for inputs whose sizes the file leaves symbolic. */
  inputShape?: number[];
  /** Where external tensor data is read from; without it such a model is refused. */
  external?: ExternalFiles;
}

export interface ImportedModel {
  text: string;
  /** Every tensor of the written model, named as the analysis names its layers (`conv1.weight`). */
  weights: WeightMap;
  model: string;
}

export type ImportResult = ImportedModel | { refusal: string };

/** Imports an ONNX model; never throws for a bad file (the refusal says what is wrong and where). */
export function importOnnx(bytes: Uint8Array, options: ImportOptions = {}): ImportResult {
  try {
    return importOrThrow(bytes, options);
  } catch (e) {
    if (e instanceof ImportRefusal) return { refusal: e.message };
    if (e instanceof RangeError || e instanceof TypeError)
      return { refusal: `${options.fileName ?? "the model"} could not be read (${e.message}): the file is damaged` };
    throw e;
  }
}

function importOrThrow(bytes: Uint8Array, options: ImportOptions): ImportedModel {
  const fileName = options.fileName ?? "model.onnx";
  const graph = decodeOnnx(bytes, options.external, fileName);
  const layers = mapGraph(graph, options.inputShape ? { inputShape: options.inputShape } : {});
  const names = new LabelNames();
  const units = recoverStructure(groupSplits(layers.nodes, layers.outputs), layers);
  const modelName = definitionName(graph.name, "Imported");
  const [batch, ...sample] = layers.input.shape as [number, ...number[]];
  const hints = new Map<string, string>([[layers.input.name, layers.input.name]]);
  for (const n of layers.nodes)
    if (n.kind === "layer") hints.set(n.output, n.layer.hint);
    else if (n.kind !== "split") hints.set(n.output, n.source.name);
  const header =
    `# Imported from ${commentText(fileName)} (ONNX opset ${graph.opset}) by cnnlens import\n` +
    `model ${modelName} {\n`;
  const written = new BodyWriter(names).model(
    header,
    layerCall("input", sample, [["batch", batch === 1 ? undefined : batch]]),
    {
      units,
      entry: layers.input.name,
      outputs: layers.outputs,
      hint: (v) => hints.get(v) ?? v,
    },
  );
  const model = verify(written.text, written.calls, layers.shapes, layers.outputs);
  return { text: written.text, weights: weightsOf(model, written.calls), model: model.name };
}

/** Analyses the written text: no errors, and every layer's shape as the ONNX graph's; else a refusal. */
function verify(text: string, calls: WrittenCall[], shapes: Map<string, number[]>, outputs: string[]): ModelInfo {
  const analysis = analyze(text);
  const errors = analysis.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0)
    refuse(
      `the importer wrote a .cnn file with errors (a bug in cnnlens import; please report it with the model): ` +
        errors.map((e) => e.message).join("; "),
    );
  const model = analysis.models[0]!;
  const byOffset = new Map(calls.map((c) => [c.offset, c]));
  for (const layer of model.layers) {
    const call = byOffset.get(layer.span.start);
    if (!call) continue;
    const expected = call.node.layer.outShape.slice(1);
    if (!sameShape(layer.outputShape, expected))
      refuse(
        `the written layer ${layer.name} (${call.node.layer.call}) gives [${layer.outputShape?.join(", ")}] where ` +
          `ONNX's ${call.node.source.opType} gives [${expected.join(", ")}] (a bug in cnnlens import)`,
      );
  }
  model.outputs.forEach((o, i) => {
    const expected = shapes.get(outputs[i]!)?.slice(1);
    if (expected && !sameShape(o.shape, expected))
      refuse(`the written model's output ${o.name} is [${o.shape?.join(", ")}], not ONNX's [${expected.join(", ")}]`);
  });
  return model;
}

/** The ONNX tensors under the written layers' names; every one is checked against the shape the layer expects. */
function weightsOf(model: ModelInfo, calls: WrittenCall[]): WeightMap {
  const byOffset = new Map(calls.map((c) => [c.offset, c]));
  const weights: WeightMap = new Map();
  for (const spec of parameterSpecs(model)) {
    const layer = model.layers[spec.layer]!;
    const call = byOffset.get(layer.span.start);
    const tensor = call?.node.layer.tensors.find(([role]) => role === spec.role)?.[1];
    if (!tensor) refuse(`the written layer ${layer.name} needs a ${spec.role} that the ONNX node does not give`);
    if (tensor.data.length !== spec.shape.reduce((p, d) => p * d, 1))
      refuse(
        `the ONNX tensor for ${spec.name} has shape [${tensor.shape.join(", ")}] but the layer expects ` +
          `[${spec.shape.join(", ")}]`,
      );
    weights.set(spec.name, { shape: spec.shape, data: tensor.data });
  }
  return weights;
}

function sameShape(a: number[] | undefined, b: number[]): boolean {
  return a !== undefined && a.length === b.length && a.every((d, i) => d === b[i]);
}
