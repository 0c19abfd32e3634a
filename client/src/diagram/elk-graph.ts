// The visible graph as ELK's input: node sizes from their text, boxes as compound nodes, shapes as edge labels.
import type { ElkExtendedEdge, ElkNode } from "elkjs/lib/elk-api.js";
import type { VisibleGraph, VisibleNode } from "./visible-graph.js";

/** The text metrics the drawing uses (svg.ts): a monospace font, so widths follow from character counts. */
export const FONT = { size: 12, charWidth: 7.2, small: 10, smallCharWidth: 6.0 } as const;
export const NODE_HEIGHT = 40;
export const OP_HEIGHT = 24;
/** Room above a box's children for its title. */
export const BOX_HEADER = 26;

/**
 * Layered layout, top to bottom, in the text's order (considerModelOrder): the branches of a merge stay in the
 * order they are written. Boxes are laid out with their contents in one pass (INCLUDE_CHILDREN), and every
 * coordinate comes back relative to the root (shapeCoords/edgeCoords ROOT), which is what the drawing wants.
 */
const ROOT_OPTIONS = {
  "elk.algorithm": "layered",
  "elk.direction": "DOWN",
  "elk.hierarchyHandling": "INCLUDE_CHILDREN",
  "elk.json.shapeCoords": "ROOT",
  "elk.json.edgeCoords": "ROOT",
  "elk.layered.considerModelOrder.strategy": "NODES_AND_EDGES",
  "elk.spacing.nodeNode": "24",
  "elk.layered.spacing.nodeNodeBetweenLayers": "22",
  "elk.spacing.edgeLabel": "2",
  "elk.edgeLabels.placement": "CENTER",
  "elk.padding": "[top=12,left=12,bottom=12,right=12]",
};

/** The ELK graph of a visible graph; node and edge ids are the visible ones. */
export function elkGraph(graph: VisibleGraph): ElkNode {
  const byContainer = new Map<string, ElkExtendedEdge[]>();
  for (const e of graph.edges) {
    const labelWidth = e.label.length * FONT.smallCharWidth + 4;
    const edge: ElkExtendedEdge = {
      id: e.id,
      sources: [e.from],
      targets: [e.to],
      labels: [{ id: `${e.id}l`, text: e.label, width: labelWidth, height: FONT.small + 4 }],
    };
    const list = byContainer.get(e.container) ?? [];
    list.push(edge);
    byContainer.set(e.container, list);
  }
  const toElk = (n: VisibleNode): ElkNode => {
    if (n.children) {
      return {
        id: n.id,
        layoutOptions: { "elk.padding": `[top=${BOX_HEADER + 8},left=10,bottom=10,right=10]` },
        // A box at least as wide as its title.
        width: textWidth(n) + 20,
        children: n.children.map(toElk),
        edges: byContainer.get(n.id) ?? [],
      };
    }
    return { id: n.id, ...nodeSize(n) };
  };
  return {
    id: "root",
    layoutOptions: ROOT_OPTIONS,
    children: graph.roots.map(toElk),
    edges: byContainer.get("root") ?? [],
  };
}

/** A node's size: an operation (add, concat) is a small pill; anything else two lines of text. */
export function nodeSize(n: VisibleNode): { width: number; height: number } {
  if (n.role === "op") return { width: n.title.length * FONT.charWidth + 24, height: OP_HEIGHT };
  return { width: Math.max(textWidth(n), 60) + 20, height: NODE_HEIGHT };
}

function textWidth(n: VisibleNode): number {
  // Room for the ▸/▾ toggle in front of a group's title.
  const title = (n.title.length + (n.expandable ? 2 : 0)) * FONT.charWidth;
  return Math.max(title, n.subtitle.length * FONT.smallCharWidth);
}
