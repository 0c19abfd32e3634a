// The ONNX graph → the .cnn-shaped layer graph: each node to a layer, a merge or a split, with the patterns that
// take several nodes (x·sigmoid(x), MatMul + Add, Pad + Conv, a channel shuffle) recognised first.
import type { ConstTensor, OnnxGraph, OnnxNode } from "./ir.js";
import { intAttr, intsAttr } from "./ir.js";
import { foldNode } from "./fold.js";
import { OpContext, type MappedLayer } from "./op-context.js";
import { mapConv, mapConvTranspose, mapGlobalPool, mapPool, type ExtraPads } from "./ops-window.js";
import * as simple from "./ops-simple.js";
import { orderNodes } from "./order.js";
import { describeNode, refuse } from "./refusal.js";
import type { LayerGraph, LNode } from "./layer-graph.js";
import { graphInput } from "./graph-input.js";

export interface MapOptions {
  /** C,H,W (or C, or C,D,H,W) for a graph whose input sizes are symbolic. */
  inputShape?: number[];
}

/** Operators that pass their input through at inference. */
const PASS_THROUGH = new Set(["Identity", "Dropout"]);

export function mapGraph(graph: OnnxGraph, options: MapOptions): LayerGraph {
  const order = orderNodes(graph);
  const input = graphInput(graph, options.inputShape);
  const shapes = new Map<string, number[]>([[input.name, input.shape]]);
  const constants = new Map(graph.constants);
  const alias = new Map<string, string>();
  const consumers = consumerMap(order);
  const done = new Set<OnnxNode>();
  const folded = new Map<string, number[]>();
  const deferred = new Map<OnnxNode, () => void>();
  const slices = new Map<string, SliceSplit>();
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
    if (PASS_THROUGH.has(n.opType)) {
      alias.set(n.outputs[0]!, x);
      continue;
    }
    const c = new OpContext(n, graph.opset, shapes.get(x) ?? [], (v) => constants.get(real(v)));
    const addLayer = (layer: MappedLayer, output = n.outputs[0]!) => {
      shapes.set(output, layer.outShape);
      nodes.push({ kind: "layer", layer, input: x, output, source: n });
    };
    // torch.cat([x]) exports a Concat of one tensor (DenseNet's first layer): it is x itself.
    if ((n.opType === "Concat" || n.opType === "Sum") && n.inputs.length === 1) {
      alias.set(n.outputs[0]!, x);
      continue;
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
    if (!shapes.has(x)) {
      if (constants.has(x))
        refuse(`${describeNode(n)} computes on constants only ('${x}'), which the importer cannot fold`);
      refuse(`${describeNode(n)} reads '${n.inputs[0]}', whose shape the importer could not follow`);
    }
    // x · sigmoid(x) is SiLU (PyTorch exports it as two nodes); x · tanh(softplus(x)) is Mish.
    const fused = fusedActivation(n, only, x, real);
    if (fused) {
      addLayer(c.layer(fused.kind, c.input), fused.mul.outputs[0]!);
      fused.nodes.forEach((m) => done.add(m));
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
    if (n.opType === "Pad") {
      const user = only(n.outputs[0]!);
      if (user?.opType === "Conv" && user.inputs[0] === n.outputs[0]) {
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
    const extra: ExtraPads = folded.get(n.inputs[0] ?? "");
    addLayer(mapOne(c, extra));
  }
  for (const split of slices.values()) closeSplit(split, shapes.get(split.input)![1]!);
  const outputs = graph.outputs.map((o) => real(o.name));
  for (const o of outputs)
    if (!shapes.has(o)) refuse(`the graph output '${o}' is a constant or the input itself; there is no layer to write`);
  return { input, nodes, outputs, shapes };
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

/** Add, Mul, Sum and Concat of computed tensors are merges; with a constant operand they are not. */
function mergeKind(
  n: OnnxNode,
  constants: Map<string, ConstTensor>,
  real: (v: string) => string,
): "add" | "mul" | "concat" | undefined {
  const kind =
    n.opType === "Add" || n.opType === "Sum"
      ? "add"
      : n.opType === "Mul"
        ? "mul"
        : n.opType === "Concat"
          ? "concat"
          : undefined;
  if (!kind || n.inputs.length < 2 || n.inputs.some((i) => constants.has(real(i)))) return undefined;
  return kind;
}

function mergeShape(n: OnnxNode, kind: "add" | "mul" | "concat", shapes: number[][]): number[] {
  const first = shapes[0]!;
  const text = () => shapes.map((s) => `[${s.join(", ")}]`).join(" and ");
  if (shapes.some((s) => s.length !== first.length))
    refuse(`${describeNode(n)} joins tensors of different ranks (${text()})`);
  if (kind === "concat") {
    const axis = intAttr(n, "axis", 1);
    if (axis !== 1 && axis !== 1 - first.length)
      refuse(`${describeNode(n)} concatenates on axis ${axis}; the language concatenates channels (axis 1)`);
    if (shapes.some((s) => s.some((d, i) => i !== 1 && d !== first[i])))
      refuse(`${describeNode(n)} concatenates ${text()}, which differ outside the channel axis`);
    return [first[0]!, shapes.reduce((p, s) => p + s[1]!, 0), ...first.slice(2)];
  }
  if (kind === "add") {
    if (shapes.some((s) => s.some((d, i) => d !== first[i])))
      refuse(`${describeNode(n)} adds ${text()}; the language adds tensors of equal shapes`);
    return first;
  }
  const out = first.map((_, i) => Math.max(...shapes.map((s) => s[i]!)));
  if (shapes.some((s) => s.some((d, i) => d !== 1 && d !== out[i])))
    refuse(`${describeNode(n)} multiplies ${text()}, which do not broadcast`);
  return out;
}

function splitSizes(c: OpContext): number[] {
  const n = c.node;
  const axis = intAttr(n, "axis", 0);
  if (axis !== 1 && axis !== 1 - c.input.length) c.refuse(`it splits axis ${axis}; the language splits channels`);
  const given = c.opset >= 13 ? (n.inputs[1] ? c.ints(1) : undefined) : intsAttr(n, "split");
  const channels = c.input[1]!;
  const parts = n.outputs.length;
  const sizes = given ?? (channels % parts === 0 ? Array<number>(parts).fill(channels / parts) : undefined);
  if (!sizes || sizes.reduce((p, s) => p + s, 0) !== channels)
    c.refuse(`its parts do not divide the ${channels} channels`);
  return sizes;
}

function consumerMap(order: OnnxNode[]): Map<string, OnnxNode[]> {
  const users = new Map<string, OnnxNode[]>();
  for (const n of order) for (const i of n.inputs) users.set(i, [...(users.get(i) ?? []), n]);
  return users;
}

/** Sigmoid(x)·x → silu, Tanh(Softplus(x))·x → mish, starting from the Sigmoid or Softplus node. */
function fusedActivation(
  n: OnnxNode,
  only: (v: string) => OnnxNode | undefined,
  x: string,
  real: (v: string) => string,
): { kind: string; mul: OnnxNode; nodes: OnnxNode[] } | undefined {
  let last = n;
  const nodes = [n];
  let kind = "silu";
  if (n.opType === "Softplus") {
    const tanh = only(n.outputs[0]!);
    if (tanh?.opType !== "Tanh") return undefined;
    nodes.push(tanh);
    last = tanh;
    kind = "mish";
  } else if (n.opType !== "Sigmoid") return undefined;
  const mul = only(last.outputs[0]!);
  if (mul?.opType !== "Mul" || mul.inputs.length !== 2) return undefined;
  const other = mul.inputs.find((i) => i !== last.outputs[0]);
  if (other === undefined || real(other) !== x) return undefined;
  return { kind, mul, nodes: [...nodes, mul] };
}

/** Reshape [N, g, C/g, …] → Transpose(0, 2, 1, …) → Reshape [N, C, …]: ShuffleNet's channel shuffle. */
function shufflePattern(
  n: OnnxNode,
  c: OpContext,
  only: (v: string) => OnnxNode | undefined,
): { groups: number; last: OnnxNode; nodes: OnnxNode[] } | undefined {
  if (n.opType !== "Reshape" || c.input.length < 3) return undefined;
  const target = c.ints(1);
  const transpose = only(n.outputs[0]!);
  if (!target || transpose?.opType !== "Transpose") return undefined;
  const back = only(transpose.outputs[0]!);
  if (back?.opType !== "Reshape") return undefined;
  const perm = intsAttr(transpose, "perm");
  const channels = c.input[1]!;
  const groups = target[1]!;
  if (!perm || perm[0] !== 0 || perm[1] !== 2 || perm[2] !== 1 || perm.slice(3).some((p, i) => p !== i + 3))
    return undefined;
  if (groups <= 0 || channels % groups !== 0 || (target[2] !== channels / groups && target[2] !== -1)) return undefined;
  return { groups, last: back, nodes: [n, transpose, back] };
}

/** The axes of a ReduceMean/ReduceMax when they are every spatial axis, and whether it keeps them. */
function globalReduce(
  n: OnnxNode,
  opset: number,
  rank: number,
  constant: (v: string) => ConstTensor | undefined,
): { keep: boolean } | undefined {
  const given = opset >= 18 && n.inputs[1] ? constant(n.inputs[1])?.ints : intsAttr(n, "axes");
  if (!given || rank < 3) return undefined;
  const axes = given.map((a) => (a < 0 ? a + rank : a)).sort((a, b) => a - b);
  const spatial = Array.from({ length: rank - 2 }, (_, i) => i + 2);
  if (axes.length !== spatial.length || axes.some((a, i) => a !== spatial[i])) return undefined;
  return { keep: intAttr(n, "keepdims", 1) === 1 };
}

/** A split gathered from Slice nodes; its parts are ordered and checked once every Slice is seen. */
type SliceSplit = Extract<LNode, { kind: "split" }> & {
  ranges: { start: number; end: number; output: string; node: OnnxNode }[];
};

/** The channels [start, end) a Slice takes; refuses any other slice (spatial crops have no layer). */
function channelRange(c: OpContext): { start: number; end: number } {
  const n = c.node;
  const rank = c.input.length;
  const starts = c.opset >= 10 ? c.ints(1) : intsAttr(n, "starts");
  const ends = c.opset >= 10 ? c.ints(2) : intsAttr(n, "ends");
  const axes = (c.opset >= 10 ? (n.inputs[3] ? c.ints(3) : undefined) : intsAttr(n, "axes")) ?? [0];
  const steps = c.opset >= 10 && n.inputs[4] ? c.ints(4) : [1];
  if (!starts || !ends || starts.length !== 1 || axes.length !== 1 || steps?.[0] !== 1)
    c.refuse("only a slice of the channel axis with constant bounds (a chunk) is imported");
  const axis = axes[0]! < 0 ? axes[0]! + rank : axes[0]!;
  if (axis !== 1) c.refuse(`it slices axis ${axis}; the language has no crop, only a split of the channels`);
  const channels = c.input[1]!;
  const at = (v: number) => Math.max(0, Math.min(channels, v < 0 ? v + channels : v));
  return { start: at(starts[0]!), end: at(ends[0]!) };
}

/** Orders a gathered split's parts; they must cover the channels once, in order. */
function closeSplit(split: SliceSplit, channels: number): void {
  const parts = [...split.ranges].sort((a, b) => a.start - b.start);
  let at = 0;
  for (const p of parts) {
    if (p.start !== at || p.end <= p.start)
      refuse(`${describeNode(p.node)}: the slices of '${split.input}' do not cut its channels into consecutive parts`);
    at = p.end;
  }
  if (at !== channels)
    refuse(`${describeNode(parts[0]!.node)}: the slices of '${split.input}' leave channels ${at} to ${channels} out`);
  split.outputs.push(...parts.map((p) => p.output));
  split.sizes.push(...parts.map((p) => p.end - p.start));
}
