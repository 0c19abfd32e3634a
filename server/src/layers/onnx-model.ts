// buildOnnx: an ONNX model (opset 17) that computes what PyTorch or Keras would, from each layer unit's ONNX face.
import type { GraphNode, LayerInfo, ModelInfo } from "../analysis/types.js";
import type { LayerEmit } from "../onnx/emit.js";
import { GraphBuilder, NODE_SEPARATOR, toChannelsFirst, toChannelsLast, type Value } from "../onnx/graph.js";
import { DataType, encodeModel, type ValueInfoData } from "../onnx/proto.js";
import { StatisticsGroups, STATISTICS_OUTPUT, STATISTICS_OWNER, type PlacedRows } from "../onnx/statistics.js";
import type { WeightMap } from "../onnx/tensors.js";
import { unitOf } from "./index.js";

/** The graph input: one batch in the file's layout ([N, C, H, W] for pytorch, [N, H, W, C] for keras). */
export const ONNX_INPUT = "input";
/** The model's result in the file's layout (the last layer, or the merge the model ends with). */
export const ONNX_OUTPUT = "output";

/** The graph input of the model's input `index`: `input` for the first, `input.<label>` for the others. */
export function onnxInputName(model: ModelInfo, index: number): string {
  return index === 0 ? ONNX_INPUT : `${ONNX_INPUT}.${model.inputs[index]!.name}`;
}

/** The graph output of the model's result `index`: `output` for the first, `output.<label>` for the others. */
export function onnxOutputName(model: ModelInfo, index: number): string {
  return index === 0 ? ONNX_OUTPUT : `${ONNX_OUTPUT}.${model.outputs[index]!.name}`;
}

export interface BuildOptions {
  /** Batch size of the graph input; default the model's `batch`. */
  batch?: number;
  /**
   * "all" (default) makes every layer's output a graph output named after the layer, in the file's
   * layout, so per-layer statistics can be read; "final" gives only `output`, which lets onnxruntime
   * fuse layers (Conv+BatchNorm+Relu) and is faster.
   */
  outputs?: "all" | "final";
  /**
   * Adds the `statistics` output: every layer's rows of `statisticRows` with STAT_COLUMNS partial statistics each
   * (onnx/statistics.ts), placed as `BuiltModel.statistics` says, so no layer's output need leave the engine.
   */
  statistics?: boolean;
}

/** The ONNX bytes, and where each layer's rows are in the `statistics` output (listed in layer order). */
export interface BuiltModel {
  bytes: Uint8Array;
  statistics: PlacedRows[];
}

/**
 * Builds the ONNX bytes of `model`. Every layer must have a known shape (the analysis reported no error);
 * `weights` must hold every tensor of `parameterSpecs(model)` (see simulation/weights.ts to check them).
 */
export function buildOnnx(model: ModelInfo, weights: WeightMap, options: BuildOptions = {}): Uint8Array {
  return buildModel(model, weights, options).bytes;
}

/** buildOnnx, with the row layout of the statistics output that `options.statistics` adds. */
export function buildModel(model: ModelInfo, weights: WeightMap, options: BuildOptions = {}): BuiltModel {
  if (!model.input || model.outputNode === undefined)
    throw new Error(`model ${model.name} has errors: fix them before simulating or exporting it`);
  const batch = options.batch ?? model.batch;
  const keras = model.framework === "keras";
  const g = new GraphBuilder();
  model.inputs.forEach((_, i) => g.claim(onnxInputName(model, i)));
  const values = new Map<number, Value>();
  const outputs: ValueInfoData[] = [];
  const layout = new Layout(g, keras);
  const splits = new Map<string, string[]>();
  const groups = new StatisticsGroups(g);
  const statistics: PlacedRows[] = [];
  for (const node of model.graph) {
    if (node.op === "input") {
      const index = node.index ?? 0;
      const rank = (model.inputs[index]?.shape ?? model.input).length + 1;
      values.set(node.id, { name: onnxInputName(model, index), rank, channelsLast: keras && rank >= 3 });
    } else if (node.op === "split") {
      values.set(node.id, splitPart(g, node, values.get(node.input)!, splits, layout));
    } else if (node.op === "layer") {
      const layer = model.layers[node.layer]!;
      const input = values.get(node.input)!;
      g.owner = layer.name;
      const out = emitLayer(g, layer, input, model, weights, layout);
      values.set(node.id, out);
      if ((options.outputs ?? "all") === "all") {
        outputs.push({ name: expose(g, out, layer.name, layout), elemType: DataType.FLOAT, dims: { rank: out.rank } });
      }
      if (options.statistics) {
        statistics.push(layerStatistics(g, groups, out, [batch, ...layer.outputShape!], layout));
      }
    } else {
      g.owner = `${node.op}@${node.id}`;
      values.set(
        node.id,
        merge(
          g,
          node.op,
          node.inputs.map((i) => values.get(i)!),
          layout,
        ),
      );
    }
  }
  g.owner = ONNX_OUTPUT;
  model.outputs.forEach((o, i) => {
    const final = values.get(o.node!)!;
    const finalName = g.op("Identity", [layout.file(final)], undefined, onnxOutputName(model, i));
    outputs.push({ name: finalName, elemType: DataType.FLOAT, dims: { rank: final.rank } });
  });
  g.owner = STATISTICS_OWNER;
  const statisticsOutput = options.statistics ? groups.finish(STATISTICS_OUTPUT) : undefined;
  if (statisticsOutput) outputs.push({ name: statisticsOutput, elemType: DataType.FLOAT, dims: { rank: 2 } });
  const bytes = encodeModel({
    name: model.name,
    nodes: g.nodes,
    initializers: g.initializers,
    inputs: model.inputs.map((one, i) => ({
      name: onnxInputName(model, i),
      elemType: DataType.FLOAT,
      dims: [batch, ...(one.shape ?? model.input!)],
    })),
    // Output shapes are left to onnxruntime so that a wrong shape reaches simulate's own check.
    outputs,
  });
  return { bytes, statistics };
}

/** Converts values between Keras' channels-last order and the channels-first order ONNX operators use. */
export class Layout {
  constructor(
    private readonly g: GraphBuilder,
    private readonly keras: boolean,
  ) {}

  /** The value in channels-first order ([N, C, …S]); flat tensors are the same either way. */
  cf(v: Value): string {
    return v.channelsLast && v.rank >= 3 ? this.g.transpose(v.name, toChannelsFirst(v.rank)) : v.name;
  }

  /** The value in the file's order: channels last for Keras feature maps. */
  file(v: Value): string {
    return this.inFileOrder(v) ? v.name : this.g.transpose(v.name, toChannelsLast(v.rank));
  }

  inFileOrder(v: Value): boolean {
    return !this.keras || v.channelsLast || v.rank < 3;
  }
}

function emitLayer(
  g: GraphBuilder,
  layer: LayerInfo,
  input: Value,
  model: ModelInfo,
  weights: WeightMap,
  layout: Layout,
): Value {
  const emit = unitOf(layer.kind).onnx;
  const { inputShape, outputShape } = layer;
  if (!inputShape || !outputShape)
    throw new Error(`layer ${layer.name} has no known shape: fix the model's errors first`);
  const ctx: LayerEmit = {
    g,
    layer: { ...layer, inputShape, outputShape },
    framework: model.framework,
    input,
    weights,
    cf: () => layout.cf(input),
    file: () => layout.file(input),
    param: (role) => {
      const key = `${layer.name}.${role}`;
      const t = weights.get(key);
      if (!t) throw new Error(`no tensor '${key}' for layer ${layer.name} (${layer.kind})`);
      return g.floatTensor(key, t);
    },
  };
  return emit(ctx);
}

/**
 * Makes a layer's result a graph output named after the layer, in the file's layout: the layer's last
 * node is renamed when the value is already in that layout, else a Transpose (Keras) gives the copy.
 */
function expose(g: GraphBuilder, v: Value, name: string, layout: Layout): string {
  if (!layout.inFileOrder(v)) return g.transpose(v.name, toChannelsLast(v.rank), name);
  const last = g.nodes[g.nodes.length - 1];
  // Only a node of this layer may be renamed: nothing has read its output yet.
  if (last && last.outputs[0] === v.name && last.name?.startsWith(`${g.owner}${NODE_SEPARATOR}`)) {
    last.outputs[0] = g.claim(name);
    v.name = name;
    return name;
  }
  return g.op("Identity", [v.name], undefined, name);
}

/**
 * The statistics rows of a layer's result (`fileDims`: batch first, the file's layout), read where the value is:
 * a Keras value still in channels-first order is reduced in that order, without the Transpose to the file's.
 * The nodes are owned by no layer, so their time is not counted as the layer's own.
 */
function layerStatistics(
  g: GraphBuilder,
  groups: StatisticsGroups,
  v: Value,
  fileDims: number[],
  layout: Layout,
): PlacedRows {
  const dims = layout.inFileOrder(v) ? fileDims : toChannelsFirst(v.rank).map((axis) => fileDims[axis]!);
  const owner = g.owner;
  g.owner = STATISTICS_OWNER;
  const placed = groups.add(v.name, dims);
  g.owner = owner;
  return placed;
}

function merge(g: GraphBuilder, op: "add" | "concat" | "mul", inputs: Value[], layout: Layout): Value {
  // Merge in channels-first order, where the channel axis is 1 for every rank.
  const names = inputs.map((v) => layout.cf(v));
  const rank = inputs[0]!.rank;
  if (op === "concat") return { name: g.op("Concat", names, { axis: 1 }), rank, channelsLast: false };
  // Mul broadcasts axes of size 1 as NumPy does (the analysis checked the shapes); Add gets equal shapes.
  let sum = names[0]!;
  for (const n of names.slice(1)) sum = g.op(op === "mul" ? "Mul" : "Add", [sum, n]);
  return { name: sum, rank, channelsLast: false };
}

/**
 * One part of a channel split: the first part asked for emits one ONNX Split (channels-first, axis 1) with
 * an output per part, which the other parts of the same split reuse.
 */
function splitPart(
  g: GraphBuilder,
  node: Extract<GraphNode, { op: "split" }>,
  input: Value,
  splits: Map<string, string[]>,
  layout: Layout,
): Value {
  const key = `${node.input}|${node.sizes.join(",")}`;
  let parts = splits.get(key);
  if (!parts) {
    g.owner = `split@${node.id}`;
    const x = layout.cf(input);
    const sizes = g.int64Const(node.sizes);
    parts = node.sizes.map(() => g.fresh());
    g.nodes.push({
      opType: "Split",
      inputs: [x, sizes],
      outputs: parts,
      name: `${g.owner}${NODE_SEPARATOR}${g.nodes.length}`,
      attributes: { axis: 1 },
    });
    splits.set(key, parts);
  }
  return { name: parts[node.index]!, rank: input.rank, channelsLast: false };
}
