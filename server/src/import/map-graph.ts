// The ONNX graph → the .cnn-shaped layer graph: each node to a layer, a merge or a split, with the patterns that
// take several nodes (x·sigmoid(x), MatMul + Add, Pad + Conv, a channel shuffle) recognised first.
import type { OnnxGraph, OnnxNode } from "./ir.js";
import { floatAttr, intAttr, intsAttr } from "./ir.js";
import { axes, layerCall } from "./layer-text.js";
import { foldNode } from "./fold.js";
import { OpContext, type MappedLayer } from "./op-context.js";
import { mapConv, mapConvTranspose, mapGlobalPool, mapPool, type ExtraPads } from "./ops-window.js";
import * as simple from "./ops-simple.js";
import { orderNodes } from "./order.js";
import { describeNode, refuse } from "./refusal.js";
import type { LayerGraph, LNode } from "./layer-graph.js";
import { graphInputs } from "./graph-input.js";
import { channelRange, closeSplit, mergeKind, mergeShape, splitSizes, type SliceSplit } from "./map-merges.js";
import { channelLayerNorm, fusedActivation, globalReduce, shufflePattern } from "./map-patterns.js";
import { findGelus } from "./gelu.js";
import { adaptiveCells, type CellGraph } from "./adaptive-cells.js";
import { channelsLastGraph, firstShape } from "./channels-last.js";
import { mapKerasOp } from "./ops-keras.js";
import { groupNormPattern, mapInstanceNorm, type NormGraph } from "./ops-norms.js";
import { mapPrelu } from "./ops-prelu.js";

export interface MapOptions {
  /** C,H,W (or C, or C,D,H,W) for a graph whose input sizes are symbolic. */
  inputShape?: number[];
  /**
   * Identity and Dropout nodes that cnnlens' own export wrote for a layer (named `<layer>#<n>`) become that layer
   * (`identity`, `dropout(p: …)`, `droppath(p)`), so the round trip keeps them; otherwise they are left out.
   */
  keepPassThrough?: boolean;
}

/** Operators that need the channel axis where PyTorch has it (second): refused on a transposed tensor. */
const CHANNEL_OPS = new Set([
  "Conv",
  "ConvTranspose",
  "MaxPool",
  "AveragePool",
  "GlobalAveragePool",
  "GlobalMaxPool",
  "BatchNormalization",
  "LRN",
  "Resize",
  "Upsample",
]);

/** Operators that pass their input through at inference. */
const PASS_THROUGH = new Set(["Identity", "Dropout"]);

export function mapGraph(graph: OnnxGraph, options: MapOptions): LayerGraph {
  const order = orderNodes(graph);
  // A Keras file's graph is channels last: its shapes are kept channels first here, and written in its order.
  const keras = channelsLastGraph(graph, order);
  const framework = keras ? "keras" : "pytorch";
  const inputs = graphInputs(graph, options.inputShape).map((i) => ({ ...i, shape: firstShape(i.shape, framework) }));
  const shapes = new Map<string, number[]>(inputs.map((i) => [i.name, i.shape]));
  const constants = new Map(graph.constants);
  const alias = new Map<string, string>();
  const consumers = consumerMap(order);
  const producers = new Map(order.flatMap((n) => n.outputs.map((o) => [o, n] as const)));
  const cellGraph: CellGraph = {
    opset: graph.opset,
    constant: (v) => constants.get(real(v)),
    readers: (v) => consumers.get(v) ?? [],
    isOutput: (v) => graph.outputs.some((o) => o.name === v),
    producer: (v) => producers.get(v),
  };
  const done = new Set<OnnxNode>();
  const folded = new Map<string, number[]>();
  const deferred = new Map<OnnxNode, () => void>();
  const slices = new Map<string, SliceSplit>();
  /** Tensors whose axes a Transpose moved, with the axis order and the Transpose (Keras' channels-last graphs). */
  const permuted = new Map<string, { order: number[]; node: OnnxNode }>();
  const gelus = findGelus(graph, order);
  const normGraph: NormGraph = {
    opset: graph.opset,
    constant: (v) => constants.get(real(v)),
    producer: (v) => producers.get(v),
    only: (v) => only(v),
  };
  const nodes: LNode[] = [];
  const real = (v: string) => alias.get(v) ?? v;
  const shapeOf = (v: string, n: OnnxNode) =>
    shapes.get(real(v)) ?? refuse(`${describeNode(n)} reads '${v}', whose shape the importer could not follow`);
  const only = (v: string) => {
    const users = consumers.get(v) ?? [];
    return users.length === 1 && !graph.outputs.some((o) => o.name === v) ? users[0] : undefined;
  };

  for (const n of order) {
    if (done.has(n)) {
      // A shuffle's last Reshape: its target is folded by now (its Shape arithmetic may follow the first Reshape).
      const check = deferred.get(n);
      if (check) check();
      continue;
    }
    const fold = foldNode(n, graph.opset, {
      constant: (v) => constants.get(real(v)),
      shape: (v) => shapes.get(real(v)),
    });
    if (fold) {
      constants.set(fold.name, fold);
      continue;
    }
    if (n.domain !== "" && n.domain !== "ai.onnx")
      refuse(`${describeNode(n)} is in the operator domain '${n.domain}', which the language cannot express`);
    const x = real(n.inputs[0] ?? "");
    if (keras?.isReorder(n)) {
      alias.set(n.outputs[0]!, x);
      continue;
    }
    keras?.check(n, (v) => (shapes.get(real(v)) ?? []).slice(2).every((d) => d === 1));
    const gelu = gelus.get(n);
    if (gelu && shapes.has(real(gelu.input))) {
      const input = real(gelu.input);
      const shape = shapes.get(input)!;
      const c = new OpContext(n, graph.opset, shape, (v) => constants.get(real(v)));
      shapes.set(gelu.output, shape);
      nodes.push({ kind: "layer", layer: c.layer("gelu", shape), input, output: gelu.output, source: n });
      gelu.nodes.forEach((m) => done.add(m));
      continue;
    }
    const c = new OpContext(n, graph.opset, shapes.get(x) ?? [], (v) => constants.get(real(v)));
    if (PASS_THROUGH.has(n.opType)) {
      const kept = options.keepPassThrough && shapes.has(x) ? passThroughLayer(c) : undefined;
      if (!kept) alias.set(n.outputs[0]!, x);
      else {
        shapes.set(n.outputs[0]!, c.input);
        nodes.push({ kind: "layer", layer: c.layer(kept, c.input), input: x, output: n.outputs[0]!, source: n });
      }
      continue;
    }
    const addLayer = (layer: MappedLayer, output = n.outputs[0]!) => {
      let from = x;
      if (layer.before) {
        from = `${output}#before`;
        shapes.set(from, layer.before.outShape);
        nodes.push({ kind: "layer", layer: layer.before, input: x, output: from, source: n });
      }
      shapes.set(output, layer.outShape);
      nodes.push({ kind: "layer", layer, input: from, output, source: n });
      const before = permuted.get(x);
      const order = before?.order ?? layer.outShape.map((_, i) => i);
      const perm = n.opType === "Transpose" && layer.call.startsWith("permute") ? intsAttr(n, "perm") : undefined;
      const after = perm ? perm.map((p) => order[p]!) : order;
      if (after.some((a, i) => a !== i) && after.length === layer.outShape.length)
        permuted.set(output, { order: after, node: perm ? n : before!.node });
    };
    // torch.cat([x]) exports a Concat of one tensor (DenseNet's first layer): it is x itself.
    if ((n.opType === "Concat" || n.opType === "Sum") && n.inputs.length === 1) {
      alias.set(n.outputs[0]!, x);
      continue;
    }
    if (!shapes.has(x) && !mergeKind(n, constants, real)) {
      if (constants.has(x))
        refuse(`${describeNode(n)} computes on constants only ('${x}'), which the importer cannot fold`);
      refuse(`${describeNode(n)} reads '${n.inputs[0]}', whose shape the importer could not follow`);
    }
    // x.mean([2, 3]) is a global average pool (and a flatten without keepdims).
    if (n.opType === "ReduceMean" || n.opType === "ReduceMax") {
      const rank = (shapes.get(x) ?? []).length;
      const pooled = globalReduce(n, graph.opset, rank, (v) => constants.get(real(v)));
      if (!pooled) refuse(`${describeNode(n)}: only a mean or max over all spatial axes (a global pool) is imported`);
      const call = n.opType === "ReduceMean" ? "adaptiveavgpool(1)" : "adaptivemaxpool(1)";
      const shape = shapes.get(x)!;
      const pooledShape = [shape[0]!, shape[1]!, ...shape.slice(2).map(() => 1)];
      if (pooled.keep) addLayer(c.layer(call, pooledShape));
      else {
        addLayer(c.layer(call, pooledShape), `${n.outputs[0]!}#pooled`);
        const flat = new OpContext(n, graph.opset, pooledShape, (v) => constants.get(real(v)));
        shapes.set(n.outputs[0]!, [shape[0]!, shape[1]!]);
        nodes.push({
          kind: "layer",
          layer: flat.layer("flatten", [shape[0]!, shape[1]!]),
          input: `${n.outputs[0]!}#pooled`,
          output: n.outputs[0]!,
          source: n,
        });
      }
      continue;
    }
    const merge = mergeKind(n, constants, real);
    if (merge) {
      const inputs = n.inputs.map(real);
      const outShape = mergeShape(
        n,
        merge,
        inputs.map((v) => shapeOf(v, n)),
      );
      shapes.set(n.outputs[0]!, outShape);
      nodes.push({ kind: merge, inputs, output: n.outputs[0]!, source: n, outShape });
      continue;
    }
    // x · sigmoid(x) is SiLU (PyTorch exports it as two nodes); x · tanh(softplus(x)) is Mish.
    const fused = fusedActivation(n, only, x, real);
    if (fused) {
      addLayer(c.layer(fused.kind, c.input), fused.mul.outputs[0]!);
      fused.nodes.forEach((m) => done.add(m));
      continue;
    }
    // Reshape to groups, InstanceNormalization, Reshape back (then γ and β): GroupNorm as opset 17 writes it.
    const groupNorm = groupNormPattern(n, c, normGraph);
    if (groupNorm) {
      addLayer(groupNorm.layer, groupNorm.last.outputs[0]!);
      groupNorm.nodes.forEach((m) => done.add(m));
      continue;
    }
    const shuffle = shufflePattern(n, c, only);
    if (shuffle) {
      addLayer(c.layer(`shuffle(${shuffle.groups})`, c.input), shuffle.last.outputs[0]!);
      shuffle.nodes.forEach((m) => done.add(m));
      const back = shuffle.last;
      const shape = c.input;
      deferred.set(back, () => {
        const values = constants.get(real(back.inputs[1] ?? ""))?.ints;
        if (!values || values.length !== shape.length || values.some((v, i) => v !== 0 && v !== -1 && v !== shape[i]))
          refuse(
            `${describeNode(back)}: after a channel shuffle's Reshape and Transpose it reshapes to ` +
              `[${values?.join(", ") ?? "a computed shape"}], not back to [${shape.join(", ")}]`,
          );
      });
      continue;
    }
    // Transpose to channels last, LayerNormalization over the last axis, back: LayerNorm over the channels.
    const norm = channelLayerNorm(n, c, only);
    if (norm) {
      const ln = new OpContext(norm.norm, graph.opset, norm.lastShape, (v) => constants.get(real(v)));
      const mapped = simple.mapLayerNorm(ln);
      addLayer(
        { ...mapped, call: mapped.call.replace(/, axis: -1|\(axis: -1\)/, ""), outShape: c.input },
        norm.last.outputs[0]!,
      );
      norm.nodes.forEach((m) => done.add(m));
      continue;
    }
    if (n.opType === "Transpose") {
      const perm = intsAttr(n, "perm") ?? c.input.map((_, i) => c.input.length - 1 - i);
      addLayer(
        c.layer(
          `permute(${perm.join(", ")})`,
          perm.map((p) => c.input[p]!),
        ),
      );
      continue;
    }
    if (n.opType === "Mul") {
      // A per-channel constant [C, 1, …] is ConvNeXt's layer scale.
      const k = n.inputs.findIndex((i) => constants.has(real(i)));
      const t = k >= 0 ? constants.get(real(n.inputs[k]!)) : undefined;
      const channels = c.input[1]!;
      const dims = t?.dims.length === c.input.length ? t.dims.slice(1) : t?.dims;
      if (
        t?.float &&
        k === 1 &&
        dims &&
        dims[0] === channels &&
        dims.slice(1).every((d) => d === 1) &&
        dims.length === c.input.length - 1
      ) {
        addLayer(c.layer("scale", c.input, [["weight", { shape: [channels, ...dims.slice(1)], data: t.float }]]));
        continue;
      }
    }
    if (n.opType === "Pad") {
      const user = only(n.outputs[0]!);
      // cnnlens' export writes a conv's padding in the Conv: a Pad named as another layer is the file's own zeropad.
      const own = options.keepPassThrough && ownerOf(n) !== ownerOf(user);
      if (user?.opType === "Conv" && user.inputs[0] === n.outputs[0] && !own) {
        const pads = simple.padsOf(c);
        const rank = c.input.length;
        folded.set(n.outputs[0]!, [...pads.slice(2, rank), ...pads.slice(rank + 2)]);
        alias.set(n.outputs[0]!, x);
        continue;
      }
      addLayer(simple.mapPad(c));
      continue;
    }
    if (n.opType === "MatMul") {
      const user = only(n.outputs[0]!);
      const other = user?.opType === "Add" ? user.inputs.find((i) => i !== n.outputs[0]) : undefined;
      const bias = other !== undefined ? constants.get(real(other)) : undefined;
      if (user && bias?.float && bias.float.length === (c.constant(1)?.dims[1] ?? -1)) {
        addLayer(simple.mapMatMul(c, bias.float), user.outputs[0]!);
        done.add(user);
      } else addLayer(simple.mapMatMul(c, undefined));
      continue;
    }
    if (n.opType === "Slice") {
      // A Slice and a mean per output cell, joined again: an adaptive pool whose output does not divide its input.
      const pool = adaptiveCells(n, n.inputs[0]!, c.input, cellGraph);
      if (pool) {
        const call = layerCall(pool.max ? "adaptivemaxpool" : "adaptiveavgpool", [axes(pool.out)]);
        addLayer(c.layer(call, [c.input[0]!, c.input[1]!, ...pool.out]), pool.last.outputs[0]!);
        pool.nodes.forEach((m) => done.add(m));
        continue;
      }
      // torch's chunk exports one Slice per part: the parts of one tensor are gathered into one split.
      const range = channelRange(c);
      let split = slices.get(x);
      if (!split) {
        split = { kind: "split", input: x, outputs: [], sizes: [], source: n, ranges: [] };
        slices.set(x, split);
        nodes.push(split);
      }
      split.ranges.push({ ...range, output: n.outputs[0]!, node: n });
      shapes.set(n.outputs[0]!, [c.input[0]!, range.end - range.start, ...c.input.slice(2)]);
      continue;
    }
    if (n.opType === "Split") {
      const sizes = splitSizes(c);
      const outputs = n.outputs;
      outputs.forEach((o, i) => shapes.set(o, [c.input[0]!, sizes[i]!, ...c.input.slice(2)]));
      nodes.push({ kind: "split", input: x, outputs, sizes, source: n });
      continue;
    }
    const moved = permuted.get(x);
    if (moved && CHANNEL_OPS.has(n.opType))
      refuse(
        `${describeNode(n)} reads a tensor whose axes ${describeNode(moved.node)} reordered ` +
          `(${moved.order.join(", ")}): the language's ${n.opType} needs channels first, as PyTorch lays them out; ` +
          `export the model channels first (Keras and TensorFlow graphs are channels last)`,
      );
    const extra: ExtraPads = folded.get(n.inputs[0] ?? "");
    // Keras' global pools give a flat tensor: the export writes the pool and a Flatten.
    const flat = keras && n.opType.startsWith("Global") ? only(n.outputs[0]!) : undefined;
    if (flat?.opType === "Flatten" && intAttr(flat, "axis", 1) === 1) {
      const call = n.opType === "GlobalMaxPool" ? "globalmaxpool" : "globalavgpool";
      addLayer(c.layer(call, c.input.slice(0, 2)), flat.outputs[0]!);
      done.add(flat);
      continue;
    }
    addLayer((keras ? mapKerasOp(c, extra) : undefined) ?? mapOne(c, extra));
  }
  for (const split of slices.values()) closeSplit(split, shapes.get(split.input)![1]!);
  graph.outputs.forEach((o) => keras?.checkOutput(o.name));
  const outputs = graph.outputs.map((o) => real(o.name));
  for (const o of outputs)
    if (!shapes.has(o)) refuse(`the graph output '${o}' is a constant or the input itself; there is no layer to write`);
  return { input: inputs[0]!, inputs, nodes, outputs, shapes, framework };
}

/**
 * The layer cnnlens' export wrote as this Identity or Dropout node, by the node's name (`features.5#12`, the layer's
 * name and a counter); undefined for the export's own nodes (`output#40`, a merge's `add@7#3`) and other files'.
 */
function passThroughLayer(c: OpContext): string | undefined {
  const owner = /^(.+)#[0-9]+$/.exec(c.node.name)?.[1];
  if (!owner || owner === "output" || owner === "graph" || owner.includes("@")) return undefined;
  if (c.node.opType === "Identity") return "identity";
  const p = c.ints(1)?.[0] ?? floatAttr(c.node, "ratio", 0.5);
  const kind = /(^|\.)droppath[0-9]+$/.test(owner) ? "droppath" : "dropout";
  return layerCall(kind, [], [["p", p]]);
}

/** The layer a node of cnnlens' export belongs to: its name without the `#<n>` counter. */
function ownerOf(n: OnnxNode | undefined): string | undefined {
  return n && /^(.+)#[0-9]+$/.exec(n.name)?.[1];
}

/** One node that is one layer. */
function mapOne(c: OpContext, extra: ExtraPads): MappedLayer {
  const n = c.node;
  const activation = simple.mapActivation(c);
  if (activation) return activation;
  switch (n.opType) {
    case "Conv":
      return mapConv(c, extra);
    case "ConvTranspose":
      return mapConvTranspose(c);
    case "MaxPool":
      return mapPool(c, true);
    case "AveragePool":
      return mapPool(c, false);
    case "GlobalAveragePool":
      return mapGlobalPool(c, false);
    case "GlobalMaxPool":
      return mapGlobalPool(c, true);
    case "BatchNormalization":
      return simple.mapBatchNorm(c);
    case "LayerNormalization":
      return simple.mapLayerNorm(c);
    case "LRN":
      return simple.mapLrn(c);
    case "InstanceNormalization":
      return mapInstanceNorm(c);
    case "PRelu":
      return mapPrelu(c);
    case "Softmax":
      return simple.mapSoftmax(c);
    case "Flatten":
      return simple.mapFlatten(c);
    case "Reshape":
      return simple.mapReshape(c);
    case "Gemm":
      return simple.mapGemm(c);
    case "Resize":
    case "Upsample":
      return simple.mapResize(c);
    case "Add":
    case "Mul":
      return c.refuse(
        `it computes with the constant '${n.inputs.find((_, i) => c.constant(i))}', ` +
          `which no layer of the language holds (only x·sigmoid(x), a dense bias and merges of two paths are imported)`,
      );
    default:
      return c.refuse(`the operator ${n.opType} has no counterpart in the .cnn language`);
  }
}

function consumerMap(order: OnnxNode[]): Map<string, OnnxNode[]> {
  const users = new Map<string, OnnxNode[]>();
  for (const n of order) for (const i of n.inputs) users.set(i, [...(users.get(i) ?? []), n]);
  return users;
}
