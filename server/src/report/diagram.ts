// The architecture diagram's data: one model's dataflow graph (ModelInfo.graph) with shapes, figures, groups
// and source spans, as plain data for the diagram webview. The structure is the analysis' own: nothing here
// re-walks the text.
import type { Span } from "../../../grammar/index.js";
import type { Analysis, GraphNode, GroupInfo, ModelInfo, Shape } from "../analysis/index.js";
import { modelErrors } from "../analysis/index.js";

/** A node of the dataflow: the model input, a layer, or an operation such as a merge. */
export interface DiagramAtom {
  /** `input`, `layer`, or the op of any other dataflow node (`add`, `concat`, and kinds added later). */
  kind: string;
  /** The layer's name (`layer1.conv2`), `input`, or the op. */
  name: string;
  /** A layer's kind (`conv`, `relu`) or the op. */
  type: string;
  output: Shape | null;
  params: number;
  macs: number;
  /** The text the node stands for, [start, end) offsets: a click reveals it, the cursor in it highlights it. */
  span: [number, number];
  /** 0-based line of the span's start. */
  line: number;
  /** The innermost group holding it (an index into `groups`), -1 at the model's top level. */
  group: number;
}

/** A block use, repeat, residual, concat/add or seq: a box around its atoms, collapsible into one node. */
export interface DiagramGroup {
  kind: string;
  name: string;
  /** A block use's block. */
  definition?: string;
  span: [number, number];
  line: number;
  /** The enclosing group, -1 at the top level. */
  parent: number;
  params: number;
  macs: number;
  output: Shape | null;
  /** How many layers it holds. */
  layers: number;
  /** Drawn as one node until the user expands it: block uses and repeats (what keeps big models readable). */
  collapsed: boolean;
}

/** One model's diagram, answered by `cnnlens/diagram`. */
export interface DiagramData {
  model: string;
  /** Every model of the file, for the model picker. */
  models: string[];
  /** The document version it was computed from. */
  version: number;
  modelSpan: [number, number];
  /** The definitions of the blocks this model uses: the cursor there still belongs to this diagram. */
  blockSpans: [number, number][];
  atoms: DiagramAtom[];
  /** Edges [from, to, shape] between atom indices, labelled with the tensor's shape (null when unknown). */
  edges: [number, number, Shape | null][];
  groups: DiagramGroup[];
  /** The atom the model returns, -1 when unknown. */
  output: number;
  params: number;
  macs: number;
  /** The model's errors: with any, the graph stops where the shapes do and the rest is drawn as a plain chain. */
  errors: number;
}

export interface DiagramOptions {
  /** The model containing this offset; in a block definition, a model using the block. */
  offset?: number;
  /** The model shown before (kept when the offset does not choose one). */
  model?: string;
  version: number;
  /** The 0-based line of an offset. */
  lineOf: (offset: number) => number;
}

/** The diagram of the model that `options` chooses, or null when the file defines no model. */
export function diagramOf(analysis: Analysis, options: DiagramOptions): DiagramData | null {
  const m = chooseModel(analysis, options);
  return m ? diagramOfModel(analysis, m, options) : null;
}

/** The model at the offset; inside a block, the shown model if it uses the block, else the first that does. */
export function chooseModel(analysis: Analysis, options: Pick<DiagramOptions, "offset" | "model">) {
  const { offset, model } = options;
  const inside = (s: Span) => offset !== undefined && s.start <= offset && offset <= s.end;
  const named = analysis.models.find((m) => m.name === model);
  const direct = analysis.models.find((m) => inside(m.span));
  if (direct) return direct;
  const block = analysis.blocks.find((b) => inside(b.span));
  const users = block ? analysis.models.filter((m) => m.groups.some((g) => g.definition === block.name)) : [];
  return (named && users.includes(named) ? named : users[0]) ?? named ?? analysis.models[0];
}

function diagramOfModel(analysis: Analysis, m: ModelInfo, options: DiagramOptions): DiagramData {
  const { lineOf } = options;
  const atoms: DiagramAtom[] = [];
  const atomOfNode = new Map<number, number>();
  const atomOfLayer: number[] = [];
  const span = (s: Span): [number, number] => [s.start, s.end];
  const inputSpan = inputStatement(analysis, m) ?? m.nameSpan;
  for (const node of m.graph) {
    atomOfNode.set(node.id, atoms.length);
    if (node.op === "layer") atomOfLayer[node.layer] = atoms.length;
    atoms.push(atomOfGraphNode(node, m, inputSpan, lineOf));
  }
  const edges: [number, number, Shape | null][] = [];
  for (const node of m.graph)
    for (const from of inputsOf(node)) {
      const a = atomOfNode.get(from);
      const b = atomOfNode.get(node.id);
      if (a !== undefined && b !== undefined) edges.push([a, b, null]);
    }
  // After an error the graph stops; the layers past it are drawn in text order, joined by unknown edges. The
  // first of a run reads the last node made before it: the graph is in execution order, so that is the node
  // just before the first layer node that comes after it (or the graph's last node).
  const layerNodes = m.graph.filter((n) => n.op === "layer");
  const noded = new Uint8Array(m.layers.length);
  for (const n of layerNodes) noded[n.layer] = 1;
  let next = 0;
  m.layers.forEach((_, i) => {
    if (atomOfLayer[i] !== undefined) return;
    while (next < layerNodes.length && layerNodes[next]!.layer < i) next++;
    const before = next < layerNodes.length ? layerNodes[next]!.id - 1 : m.graph.length - 1;
    const previous = i > 0 && !noded[i - 1] ? atomOfLayer[i - 1] : atomOfNode.get(before);
    atomOfLayer[i] = atoms.length;
    if (previous !== undefined) edges.push([previous, atoms.length, null]);
    atoms.push(layerAtom(m, i, lineOf));
  });
  const groups = diagramGroups(m, lineOf, span);
  placeInGroups(m, atoms, atomOfNode, atomOfLayer);
  const layerOfAtom = new Int32Array(atoms.length).fill(-1);
  atomOfLayer.forEach((atom, layer) => (layerOfAtom[atom] = layer));
  const inputOf = (atom: number) => (layerOfAtom[atom]! >= 0 ? m.layers[layerOfAtom[atom]!]!.inputShape : undefined);
  mergeSpansAndShapes(m, atoms, atomOfNode, edges, inputOf, lineOf);
  for (const e of edges) e[2] = atoms[e[0]]!.output ?? inputOf(e[1]) ?? null;
  const used = new Set(m.groups.flatMap((g) => (g.definition ? [g.definition] : [])));
  return {
    model: m.name,
    models: analysis.models.map((x) => x.name),
    version: options.version,
    modelSpan: span(m.span),
    blockSpans: analysis.blocks.filter((b) => used.has(b.name)).map((b) => span(b.span)),
    atoms,
    edges,
    groups,
    output: m.outputNode === undefined ? -1 : (atomOfNode.get(m.outputNode) ?? -1),
    params: m.params.total,
    macs: m.macs,
    errors: modelErrors(analysis, m).length,
  };
}

/** The nodes a dataflow node reads: merges list theirs, layers (and one-input ops) name one. */
function inputsOf(node: GraphNode): number[] {
  const n = node as { inputs?: unknown; input?: unknown };
  if (Array.isArray(n.inputs)) return n.inputs.filter((x): x is number => typeof x === "number");
  return typeof n.input === "number" ? [n.input] : [];
}

function atomOfGraphNode(node: GraphNode, m: ModelInfo, inputSpan: Span, lineOf: (o: number) => number) {
  if (node.op === "layer") return layerAtom(m, node.layer, lineOf);
  if (node.op === "input") {
    const index = (node as { index?: number }).index;
    const atom: DiagramAtom = {
      kind: "input",
      name: index ? `input ${index + 1}` : "input",
      type: "input",
      output: m.input ?? null,
      params: 0,
      macs: 0,
      span: [inputSpan.start, inputSpan.end],
      line: lineOf(inputSpan.start),
      group: -1,
    };
    return atom;
  }
  // A merge, or an operation kind this code does not know yet: drawn by its op's name.
  const op = String((node as { op: unknown }).op);
  const s = (node as { span?: Span }).span ?? m.nameSpan;
  const atom: DiagramAtom = {
    kind: op,
    name: op,
    type: op,
    output: null,
    params: 0,
    macs: 0,
    span: [s.start, s.end],
    line: lineOf(s.start),
    group: -1,
  };
  return atom;
}

function layerAtom(m: ModelInfo, index: number, lineOf: (o: number) => number): DiagramAtom {
  const l = m.layers[index]!;
  return {
    kind: "layer",
    name: l.name,
    type: l.kind,
    output: l.outputShape ?? null,
    params: l.params.trainable + l.params.nonTrainable,
    macs: l.macs,
    span: [l.span.start, l.span.end],
    line: lineOf(l.span.start),
    group: -1,
  };
}

/** The statement `input(…)` of a model, from the syntax tree. */
function inputStatement(analysis: Analysis, m: ModelInfo): Span | undefined {
  const def = analysis.ast.definitions.find((d) => d.kind === "model" && d.span.start === m.span.start);
  return def?.kind === "model" ? def.body[0]?.span : undefined;
}

/**
 * The groups with their parents. The analysis records a group when its walk ends (inner groups first), so a
 * group's parent is the first later group whose layer and node ranges hold it.
 */
function diagramGroups(m: ModelInfo, lineOf: (o: number) => number, span: (s: Span) => [number, number]) {
  const parents: number[] = m.groups.map(() => -1);
  const open: number[] = [];
  m.groups.forEach((g, i) => {
    while (open.length && holds(g, m.groups[open[open.length - 1]!]!)) parents[open.pop()!] = i;
    open.push(i);
  });
  return m.groups.map((g, i): DiagramGroup => ({
    kind: g.kind,
    name: g.name,
    ...(g.definition ? { definition: g.definition } : {}),
    span: span(g.span),
    line: lineOf(g.span.start),
    parent: parents[i]!,
    params: g.params.trainable + g.params.nonTrainable,
    macs: g.macs,
    output: g.outputShape ?? null,
    layers: g.layers[1] - g.layers[0],
    collapsed: g.kind === "block" || g.kind === "repeat",
  }));
}

function holds(outer: GroupInfo, inner: GroupInfo): boolean {
  const within = (a: [number, number], b: [number, number]) => b[0] >= a[0] && b[1] <= a[1];
  return within(outer.layers, inner.layers) && within(outer.nodes ?? [0, 0], inner.nodes ?? [0, 0]);
}

/** Each atom's innermost group: groups come inner first, so the first group to claim an atom is its innermost. */
function placeInGroups(m: ModelInfo, atoms: DiagramAtom[], atomOfNode: Map<number, number>, atomOfLayer: number[]) {
  const placed = new Uint8Array(atoms.length);
  const claim = (atom: number | undefined, group: number) => {
    if (atom === undefined || placed[atom]) return;
    placed[atom] = 1;
    atoms[atom]!.group = group;
  };
  m.groups.forEach((g, i) => {
    for (let l = g.layers[0]; l < g.layers[1]; l++) claim(atomOfLayer[l], i);
    const nodes = g.nodes ?? [0, 0];
    for (let n = nodes[0]; n < nodes[1]; n++) if (m.graph[n]?.op !== "layer") claim(atomOfNode.get(n), i);
  });
}

/**
 * A merge node carries no shape: it is the input of the layer that reads it, else the output of the group it
 * closes, else the model's output. A merge without a span of its own takes its group's.
 */
function mergeSpansAndShapes(
  m: ModelInfo,
  atoms: DiagramAtom[],
  atomOfNode: Map<number, number>,
  edges: [number, number, Shape | null][],
  inputOf: (atom: number) => Shape | undefined,
  lineOf: (o: number) => number,
) {
  // One part of a channel split (issue 12's `split`): its input's shape with the part's channels.
  for (const node of m.graph) {
    const part = node as { sizes?: unknown; index?: unknown; input?: unknown };
    if (!Array.isArray(part.sizes) || typeof part.index !== "number" || typeof part.input !== "number") continue;
    const from = atoms[atomOfNode.get(part.input)!]?.output;
    const channels = part.sizes[part.index];
    if (!from || typeof channels !== "number") continue;
    const shape = from.slice();
    shape[m.framework === "keras" ? shape.length - 1 : 0] = channels;
    atoms[atomOfNode.get(node.id)!]!.output = shape;
  }
  for (const [from, to] of edges) {
    const a = atoms[from]!;
    if (a.output === null && a.kind !== "layer") a.output = inputOf(to) ?? null;
  }
  for (const node of m.graph) {
    const atom = atoms[atomOfNode.get(node.id)!]!;
    if (atom.kind === "layer" || atom.kind === "input") continue;
    const g = atom.group >= 0 ? m.groups[atom.group] : undefined;
    if (atom.output === null) atom.output = g?.outputShape ?? (node.id === m.outputNode ? (m.output ?? null) : null);
    if (!(node as { span?: Span }).span && g)
      [atom.span, atom.line] = [[g.span.start, g.span.end], lineOf(g.span.start)];
  }
}
