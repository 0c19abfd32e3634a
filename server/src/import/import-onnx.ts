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
import { CnnWriter, layerKey, type Registry } from "./write.js";
import { findBlocks } from "./blocks.js";
import type { LayerGraph } from "./layer-graph.js";
import { exportedNames, namedStructure } from "./named-structure.js";
import { fileShape } from "./channels-last.js";

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

/** A refusal's sentence; `needsInputShape` when the sizes of the input (`inputShape`) are what is missing. */
export type ImportResult = ImportedModel | { refusal: string; needsInputShape?: true };

/** Imports an ONNX model; never throws for a bad file (the refusal says what is wrong and where). */
export function importOnnx(bytes: Uint8Array, options: ImportOptions = {}): ImportResult {
  try {
    return importOrThrow(bytes, options);
  } catch (e) {
    if (e instanceof ImportRefusal)
      return e.needsInputShape ? { refusal: e.message, needsInputShape: true } : { refusal: e.message };
    // Anything else is a bug of the importer; the caller still gets a sentence, not a stack trace.
    const where = e instanceof Error ? (e.stack?.split("\n")[1]?.trim() ?? "") : "";
    return { refusal: `cnnlens import failed on this model (${String(e)} ${where}); please report it with the model` };
  }
}

function importOrThrow(bytes: Uint8Array, options: ImportOptions): ImportedModel {
  const fileName = options.fileName ?? "model.onnx";
  const graph = decodeOnnx(bytes, options.external, fileName);
  const shape = options.inputShape ? { inputShape: options.inputShape } : {};
  // PyTorch names every graph `torch_jit` (older: `torch-jit-export`), tf2onnx often `main_graph`: the file's
  // name says more then.
  const generic = /^(torch[_-]jit(-export)?|main_graph|graph|model)?$/i.test(graph.name);
  const modelName = definitionName(generic ? fileName.replace(/\.onnx$/i, "") : graph.name, "Imported");
  const header = `# Imported from ${commentText(fileName)} (ONNX opset ${graph.opset}) by cnnlens import\n`;
  // cnnlens' own export names its nodes after the layers: the file is written back under exactly those names.
  if (graph.nodes.every((n) => /#[0-9]+$/.test(n.name))) {
    const named = importByNames(mapGraph(graph, { ...shape, keepPassThrough: true }), modelName, header);
    if (named) return named;
  }
  const layers = mapGraph(graph, shape);
  const names = new LabelNames();
  const units = recoverStructure(groupSplits(layers.nodes, layers.outputs), layers);
  const hints = hintsOf(layers);
  const { units: body, blocks } = findBlocks(units, layers.shapes, layers.outputs, names);
  const written = new CnnWriter(names).file({
    header: headerOf(header, layers, blocks.length > 0),
    blocks,
    name: modelName,
    inputs: inputCalls(layers),
    units: body,
    entry: layers.input.name,
    outputs: layers.outputs,
    hint: (v) => hints.get(v) ?? v,
  });
  const model = verify(written.text, written.registry, layers);
  return { text: written.text, weights: weightsOf(model, written.registry), model: model.name };
}

/** The header comment, the `framework keras` line of a channels-last graph, a blank line before blocks. */
function headerOf(comment: string, layers: LayerGraph, blocks: boolean): string {
  const framework = layers.framework === "keras" ? "framework keras\n" : "";
  return `${comment}${framework}${blocks ? "\n" : ""}`;
}

/** The `input(…)` call of every graph input: one sample in the file's order (Keras: H, W, C). */
function inputCalls(layers: LayerGraph): { name: string; call: string }[] {
  return layers.inputs.map(({ name, shape }) => {
    const [batch, ...sample] = fileShape(shape, layers.framework);
    return { name, call: layerCall("input", sample, [["batch", batch === 1 ? undefined : batch]]) };
  });
}

/** A name hint per tensor, for the labels that merges need. */
function hintsOf(layers: LayerGraph): Map<string, string> {
  const hints = new Map<string, string>(layers.inputs.map((i) => [i.name, i.name]));
  for (const n of layers.nodes)
    if (n.kind === "layer") hints.set(n.output, n.layer.hint);
    else if (n.kind !== "split") hints.set(n.output, n.source.name);
  return hints;
}

/**
 * The file written with the block uses, repeats and labels that give every layer its exported name, checked by
 * analysing it: every analysed layer is the node of its name, with its shape; undefined when that is not so.
 */
function importByNames(layers: LayerGraph, modelName: string, header: string): ImportedModel | undefined {
  const units = recoverStructure(groupSplits(layers.nodes, layers.outputs), layers);
  const exported = exportedNames(units);
  if (!exported) return undefined;
  const names = new LabelNames();
  const found = namedStructure(units, exported, layers.shapes, names);
  if (!found) return undefined;
  const hints = hintsOf(layers);
  const written = new CnnWriter(names).file({
    header: headerOf(header, layers, found.blocks.length > 0),
    blocks: found.blocks,
    name: modelName,
    inputs: inputCalls(layers),
    units: found.units,
    entry: layers.input.name,
    outputs: layers.outputs,
    hint: (v) => hints.get(v) ?? v,
    named: found.named,
  });
  const analysis = analyze(written.text);
  if (analysis.diagnostics.some((d) => d.severity === "error")) return undefined;
  const model = analysis.models[0]!;
  const byName = new Map([...exported].map(([node, name]) => [name, node]));
  if (model.layers.length !== byName.size) return undefined;
  for (const layer of model.layers) {
    const node = byName.get(layer.name);
    if (!node || !sameShape(layer.outputShape, fileShape(node.layer.outShape, layers.framework).slice(1)))
      return undefined;
  }
  checkOutputs(model, layers);
  const weights: WeightMap = new Map();
  for (const spec of parameterSpecs(model)) {
    const node = byName.get(model.layers[spec.layer]!.name)!;
    const tensor = node.layer.tensors.find(([role]) => role === spec.role)?.[1];
    if (!tensor || tensor.data.length !== spec.shape.reduce((p, d) => p * d, 1)) return undefined;
    weights.set(spec.name, { shape: spec.shape, data: tensor.data });
  }
  return { text: written.text, weights, model: model.name };
}

/** Analyses the written text: no errors, and every layer's shape as the ONNX graph's; else a refusal. */
function verify(text: string, registry: Registry, layers: LayerGraph): ModelInfo {
  const analysis = analyze(text);
  const errors = analysis.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0)
    refuse(
      `the .cnn text written for this model does not analyse (a limit or a bug of cnnlens import; please ` +
        `report it with the model): ` +
        errors.map((e) => e.message).join("; "),
    );
  const model = analysis.models[0]!;
  const nodes = nodesOf(model, registry);
  for (const [i, layer] of model.layers.entries()) {
    const call = nodes[i];
    if (!call)
      refuse(`the written layer ${layer.name} matches no ONNX node (a bug in cnnlens import; please report it)`);
    const expected = fileShape(call.layer.outShape, layers.framework).slice(1);
    if (!sameShape(layer.outputShape, expected))
      refuse(
        `the written layer ${layer.name} (${call.layer.call}) gives [${layer.outputShape?.join(", ")}] where ` +
          `ONNX's ${call.source.opType} gives [${expected.join(", ")}] (a bug in cnnlens import)`,
      );
  }
  checkOutputs(model, layers);
  return model;
}

/** Refuses a written model whose outputs' shapes are not the ONNX graph's (in the file's order). */
function checkOutputs(model: ModelInfo, layers: LayerGraph): void {
  model.outputs.forEach((o, i) => {
    const shape = layers.shapes.get(layers.outputs[i]!);
    const expected = shape ? fileShape(shape, layers.framework).slice(1) : undefined;
    if (expected && !sameShape(o.shape, expected))
      refuse(`the written model's output ${o.name} is [${o.shape?.join(", ")}], not ONNX's [${expected.join(", ")}]`);
  });
}

/** The ONNX tensors under the written layers' names; every one is checked against the shape the layer expects. */
function weightsOf(model: ModelInfo, registry: Registry): WeightMap {
  const nodes = nodesOf(model, registry);
  const weights: WeightMap = new Map();
  for (const spec of parameterSpecs(model)) {
    const layer = model.layers[spec.layer]!;
    const call = nodes[spec.layer];
    const tensor = call?.layer.tensors.find(([role]) => role === spec.role)?.[1];
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

/** The ONNX node of every analysed layer, by its key; a repeat's iterations take theirs in order. */
function nodesOf(model: ModelInfo, registry: Registry): (WrittenNode | undefined)[] {
  const taken = new Map<string, number>();
  return model.layers.map((layer) => {
    const key = layerKey(
      layer.via.map((s) => s.start),
      layer.span.start,
      layer.kind,
    );
    const at = taken.get(key) ?? 0;
    taken.set(key, at + 1);
    return registry.get(key)?.[at];
  });
}

type WrittenNode = NonNullable<ReturnType<Registry["get"]>>[number];

function sameShape(a: number[] | undefined, b: number[]): boolean {
  return a !== undefined && a.length === b.length && a.every((d, i) => d === b[i]);
}
