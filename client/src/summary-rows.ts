// The summary view's rows: the layers of a model as a tree of their dotted names (block uses, repeats and
// iterations hold their layers), with figures rolled up and cells worded as `cnnlens summary` words them.
// Pure (no DOM, no vscode) so that the unit tests compare it with the CLI and the webview script can bundle it.
import type { JsonTableDocument } from "../../server/src/protocol.js";
import { grouped, megabytes } from "./figures.js";

export type TableModel = JsonTableDocument["models"][number];

/** One layer of the server's columns (JsonTableLayers), read out of them. */
interface TableLayer {
  name: string;
  kind: string;
  line: number;
  outputShape: number[] | null;
  params: number | null;
  macs: number | null;
  memory: number | null;
}

function layerAt(columns: TableModel["layers"], i: number): TableLayer {
  return {
    name: columns.name[i]!,
    kind: columns.kind[i]!,
    line: columns.line[i]!,
    outputShape: columns.outputShape[i] ?? null,
    params: columns.params[i] ?? null,
    macs: columns.macs[i] ?? null,
    memory: columns.memory[i] ?? null,
  };
}

/** One row: a layer, or a name prefix (block use, repeat, iteration, labelled chain) holding rows. */
export interface SummaryNode {
  /** The full dotted name (`repeat1.0.Bottleneck1.conv2`); unique within the model. */
  name: string;
  /** The name below its parent's (`conv2` under `repeat1.0.Bottleneck1`). */
  label: string;
  kind: string;
  /** 0-based line to reveal: the layer call, or the block use or repeat. */
  line: number;
  output: number[] | null;
  /** Sums over the layers below; null when a figure overflowed (no exact count exists). */
  params: number | null;
  macs: number | null;
  memory: number | null;
  /** Some layer below has an unknown size (an error above it). */
  unknown: boolean;
  /** Position in execution order among all nodes, for sorting back to the file's order. */
  order: number;
  children: SummaryNode[];
}

/** The rows of a model, top level first, each holding its children in execution order. */
export function summaryTree(model: TableModel): SummaryNode[] {
  // Only block uses and repeats name the rows' kind and output, as in the CLI's --depth rows.
  const groups = new Map(model.groups.filter((g) => g.kind === "block" || g.kind === "repeat").map((g) => [g.name, g]));
  const lines = new Map(model.groups.map((g) => [g.name, g.line]));
  const top: SummaryNode[] = [];
  const open: { node: SummaryNode; layers: TableLayer[] }[] = [];
  let order = 0;
  const close = (depth: number) => {
    while (open.length > depth) {
      const { node, layers } = open.pop()!;
      const group = groups.get(node.name);
      node.output = group?.outputShape ?? layers[layers.length - 1]!.outputShape;
      node.kind = groupKind(node.name, group);
    }
  };
  for (let i = 0; i < model.layers.name.length; i++) {
    const layer = layerAt(model.layers, i);
    const parts = layer.name.split(".");
    // Keep the open prefixes this name shares, close the others, open the missing ones.
    let shared = 0;
    while (shared < open.length && shared < parts.length - 1 && open[shared]!.node.label === parts[shared]) shared++;
    close(shared);
    for (let d = shared; d < parts.length - 1; d++) {
      const name = parts.slice(0, d + 1).join(".");
      const parent = open[d - 1]?.node;
      const node: SummaryNode = {
        name,
        label: parts[d]!,
        kind: "group",
        line: lines.get(name) ?? parent?.line ?? layer.line,
        output: null,
        params: 0,
        macs: 0,
        memory: 0,
        unknown: false,
        order: order++,
        children: [],
      };
      (parent ? parent.children : top).push(node);
      open.push({ node, layers: [] });
    }
    const leaf: SummaryNode = {
      name: layer.name,
      label: parts[parts.length - 1]!,
      kind: layer.kind,
      line: layer.line,
      output: layer.outputShape,
      params: layer.params,
      macs: layer.macs,
      memory: layer.memory,
      unknown: layer.outputShape === null,
      order: order++,
      children: [],
    };
    (open.length ? open[open.length - 1]!.node.children : top).push(leaf);
    for (const o of open) {
      o.layers.push(layer);
      o.node.params = add(o.node.params, layer.params);
      o.node.macs = add(o.node.macs, layer.macs);
      o.node.memory = add(o.node.memory, layer.memory);
      o.node.unknown ||= leaf.unknown;
    }
  }
  close(0);
  return top;
}

/** The text of each cell, as `cnnlens summary` prints it (`--`, `?` and `overflow` included). */
export function cellTexts(n: SummaryNode): { params: string; macs: string; memory: string; output: string } {
  const count = (x: number | null) => (x === null ? "overflow" : n.unknown && x === 0 ? "?" : x ? grouped(x) : "--");
  return {
    output: n.output ? n.output.join("×") : "?",
    params: count(n.params),
    macs: count(n.macs),
    memory: n.memory === null ? "overflow" : n.unknown ? "?" : megabytes(n.memory),
  };
}

export type SortKey = "order" | "name" | "kind" | "params" | "macs" | "memory";

/** The rows to draw: the tree walked in order (siblings sorted by `sort`), below expanded nodes only. */
export function visibleRows(
  top: SummaryNode[],
  expanded: (n: SummaryNode) => boolean,
  sort: { key: SortKey; descending: boolean } = { key: "order", descending: false },
): { node: SummaryNode; depth: number }[] {
  const rows: { node: SummaryNode; depth: number }[] = [];
  const compare = comparator(sort.key, sort.descending);
  const walk = (nodes: SummaryNode[], depth: number) => {
    const sorted = sort.key === "order" && !sort.descending ? nodes : [...nodes].sort(compare);
    for (const node of sorted) {
      rows.push({ node, depth });
      if (node.children.length && expanded(node)) walk(node.children, depth + 1);
    }
  };
  walk(top, 0);
  return rows;
}

/** Every node, depth first: for "expand all" and for finding a node by name. */
export function allNodes(top: SummaryNode[]): SummaryNode[] {
  const out: SummaryNode[] = [];
  const walk = (nodes: SummaryNode[]) => {
    for (const n of nodes) {
      out.push(n);
      walk(n.children);
    }
  };
  walk(top);
  return out;
}

/** The CLI's kind of a collapsed row (server/src/report/table.ts groupKind). */
function groupKind(name: string, group: { kind: string; definition?: string } | undefined): string {
  if (group?.kind === "block") return group.definition ?? "block";
  if (group?.kind === "repeat") return "repeat";
  // `repeat1.0` is one iteration of a repeat; `features.3` one step of a labelled chain.
  return /\.\d+$/.test(name) ? "iteration" : "group";
}

function add(sum: number | null, x: number | null): number | null {
  return sum === null || x === null ? null : sum + x;
}

/** Unknown and overflowed figures sort below every number, whichever the direction. */
function comparator(key: SortKey, descending: boolean): (a: SummaryNode, b: SummaryNode) => number {
  const sign = descending ? -1 : 1;
  if (key === "name" || key === "kind")
    return (a, b) => sign * (key === "name" ? a.label : a.kind).localeCompare(key === "name" ? b.label : b.kind);
  if (key === "order") return (a, b) => sign * (a.order - b.order);
  return (a, b) => {
    const x = a[key],
      y = b[key];
    if (x === null || y === null) return x === y ? a.order - b.order : x === null ? 1 : -1;
    return sign * (x - y) || a.order - b.order;
  };
}
