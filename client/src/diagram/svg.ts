// The laid-out diagram as SVG markup: boxes for expanded groups, nodes coloured by params or MACs, edges with
// their shapes. Every name and label passes through escapeHtml (the one escaping function of the webviews).
import type { ElkEdgeSection, ElkExtendedEdge, ElkNode } from "elkjs/lib/elk-api.js";
import { escapeHtml } from "../html.js";
import { BOX_HEADER, FONT } from "./elk-graph.js";
import { compact } from "../figures.js";
import type { VisibleGraph, VisibleNode } from "./visible-graph.js";

export type Metric = "params" | "macs";

export interface DrawOptions {
  metric: Metric;
  /** A `<style>` element's text put inside the SVG (the export's concrete colours); none in the webview. */
  style?: string;
}

/** The SVG of a layout (`elk.layout(elkGraph(graph))`) of `graph`. */
export function drawSvg(laid: ElkNode, graph: VisibleGraph, options: DrawOptions): string {
  const nodes = new Map<string, VisibleNode>();
  const index = (list: VisibleNode[]) => {
    for (const n of list) {
      nodes.set(n.id, n);
      if (n.children) index(n.children);
    }
  };
  index(graph.roots);
  const max = options.metric === "params" ? graph.maxParams : graph.maxMacs;
  const boxes: string[] = [];
  const leaves: string[] = [];
  const edges: string[] = [];
  const walk = (elk: ElkNode) => {
    for (const child of elk.children ?? []) {
      const n = nodes.get(child.id);
      if (!n) continue;
      if (n.children) boxes.push(box(child, n));
      else leaves.push(leaf(child, n, options.metric, max));
      walk(child);
    }
    for (const e of elk.edges ?? []) edges.push(edge(e));
  };
  walk(laid);
  const width = Math.ceil(laid.width ?? 0);
  const height = Math.ceil(laid.height ?? 0);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="diagram" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}">` +
    (options.style ? `<style>${escapeHtml(options.style)}</style>` : "") +
    `<defs><marker id="arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="8" markerHeight="8" ` +
    `orient="auto-start-reverse"><path d="M0,0 L8,4 L0,8 z" class="arrowhead"/></marker></defs>` +
    boxes.join("") +
    edges.join("") +
    leaves.join("") +
    `</svg>`
  );
}

/** An expanded group or section: a rounded box, its title and a ▾ that collapses it. */
function box(elk: ElkNode, n: VisibleNode): string {
  const { x, y, w, h } = frame(elk);
  return (
    `<g class="node box ${escapeHtml(n.role)}" data-id="${escapeHtml(n.id)}">` +
    `<title>${escapeHtml(tooltip(n))}</title>` +
    `<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="6"/>` +
    `<text class="toggle" data-toggle="${escapeHtml(n.id)}" x="${x + 8}" y="${y + BOX_HEADER - 8}">▾</text>` +
    `<text class="title" x="${x + 8 + 2 * FONT.charWidth}" y="${y + BOX_HEADER - 8}">${escapeHtml(n.title)}</text>` +
    `</g>`
  );
}

/** A node: its fill's strength is its share of the largest params or MACs (log scale), its text two lines. */
function leaf(elk: ElkNode, n: VisibleNode, metric: Metric, max: number): string {
  const { x, y, w, h } = frame(elk);
  const value = metric === "params" ? n.params : n.macs;
  const heat = max > 0 && value > 0 ? Math.log1p(value) / Math.log1p(max) : 0;
  const op = n.role === "op";
  const toggle = n.expandable ? `<tspan class="toggle" data-toggle="${escapeHtml(n.id)}">▸ </tspan>` : "";
  const title = op
    ? `<text class="title" x="${x + w / 2}" y="${y + h / 2 + 4}" text-anchor="middle">${escapeHtml(n.title)}</text>`
    : `<text class="title" x="${x + 10}" y="${y + 17}">${toggle}${escapeHtml(n.title)}</text>` +
      `<text class="subtitle" x="${x + 10}" y="${y + 32}">${escapeHtml(n.subtitle)}</text>`;
  return (
    `<g class="node ${escapeHtml(n.role)}" data-id="${escapeHtml(n.id)}">` +
    `<title>${escapeHtml(tooltip(n))}</title>` +
    `<rect class="base" x="${x}" y="${y}" width="${w}" height="${h}" rx="${op ? h / 2 : 4}"/>` +
    `<rect class="heat" x="${x}" y="${y}" width="${w}" height="${h}" rx="${op ? h / 2 : 4}" ` +
    `fill-opacity="${(0.08 + 0.62 * heat).toFixed(3)}"/>` +
    title +
    `</g>`
  );
}

function edge(e: ElkExtendedEdge): string {
  const d = (e.sections ?? []).map(path).join(" ");
  const label = e.labels?.[0];
  const at = label && label.x !== undefined && label.y !== undefined ? label : undefined;
  const text = at
    ? `<text class="shape" x="${round(at.x! + 2)}" y="${round(at.y! + FONT.small)}">${escapeHtml(at.text ?? "")}</text>`
    : "";
  return `<g class="edge"><path d="${d}" marker-end="url(#arrow)"/>${text}</g>`;
}

function path(s: ElkEdgeSection): string {
  const points = [s.startPoint, ...(s.bendPoints ?? []), s.endPoint];
  return points.map((p, i) => `${i ? "L" : "M"}${round(p.x)},${round(p.y)}`).join(" ");
}

function frame(elk: ElkNode) {
  return { x: round(elk.x ?? 0), y: round(elk.y ?? 0), w: round(elk.width ?? 0), h: round(elk.height ?? 0) };
}

function tooltip(n: VisibleNode): string {
  const figures = `${compact(n.params)} params · ${compact(n.macs)} MACs`;
  return [n.title, n.subtitle, figures, n.expandable ? "click ▸/▾ to expand or collapse" : ""]
    .filter(Boolean)
    .join("\n");
}

const round = (v: number) => Math.round(v * 10) / 10;
