// Runs inside the architecture diagram webview: lays the model out with ELK in a worker, draws it as SVG,
// follows the editor's cursor, reveals a clicked node's text, expands and collapses groups, exports the SVG.
import elkApi from "elkjs/lib/elk-api.js";
// The ELK engine's source as text (esbuild.mjs loads *.min.js as text for this bundle): it runs in a worker.
import elkWorkerSource from "elkjs/lib/elk-worker.min.js";
import type { DiagramData } from "../../server/src/protocol.js";
import { elkGraph } from "../src/diagram/elk-graph.js";
import { drawSvg, type Metric } from "../src/diagram/svg.js";
import { allGroupIds, visibleGraph, type VisibleGraph } from "../src/diagram/visible-graph.js";
import { highlightIds } from "../src/diagram/cursor.js";

interface VsCodeApi {
  postMessage(message: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();

/**
 * The layout runs in a worker made from a blob (the page's CSP allows `worker-src blob:` and nothing else):
 * the page, and the workbench that may share its thread, stay responsive while a large graph is laid out.
 */
const workerUrl = URL.createObjectURL(new Blob([elkWorkerSource], { type: "text/javascript" }));
// The package is CommonJS: its module object is the constructor, which also names itself as `default`.
const elk = new elkApi.default({ workerFactory: () => new Worker(workerUrl) });

// A first layout of a two-node graph while the server computes the data: the worker parses and compiles ELK's
// engine now rather than on the first real drawing (about a second in a fresh worker on a loaded machine).
void elk.layout({
  id: "warm-up",
  children: [
    { id: "a", width: 10, height: 10 },
    { id: "b", width: 10, height: 10 },
  ],
  edges: [{ id: "e", sources: ["a"], targets: ["b"] }],
});

function byId(id: string): HTMLElement {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the diagram page has no #${id}`);
  return element;
}

const canvas = byId("canvas");
const status = byId("status");
let data: DiagramData | undefined;
let shown: VisibleGraph | undefined;
let metric: Metric = "params";
let zoom = 1;
const toggled = new Set<string>();
let cursor: { offset: number; line: number } | undefined;
/** A render in progress; a newer request waits for it and then draws the latest state once. */
let rendering = false;
let again = false;

window.addEventListener("message", (event: MessageEvent) => {
  const message = event.data as { type: string; data?: DiagramData; offset?: number; line?: number };
  if (message.type === "data" && message.data) {
    // Another model: its groups start as the defaults again.
    if (data?.model !== message.data.model) toggled.clear();
    data = message.data;
    void render("update");
  } else if (message.type === "empty") {
    data = undefined;
    shown = undefined;
    canvas.replaceChildren();
    status.textContent = "This file defines no model: write model Name { input(…) … } to see its diagram.";
  } else if (message.type === "cursor" && message.offset !== undefined) {
    cursor = { offset: message.offset, line: message.line ?? -1 };
    highlight(true);
  } else if (message.type === "exportSvg") {
    vscode.postMessage({ type: "svg", markup: standaloneSvg() });
  }
});

async function render(reason: string): Promise<void> {
  if (rendering) {
    again = true;
    return;
  }
  rendering = true;
  try {
    do {
      again = false;
      await renderOnce(reason);
    } while (again);
  } catch (e) {
    status.textContent = `The diagram could not be drawn: ${(e as Error).message}`;
    vscode.postMessage({ type: "error", message: (e as Error).message });
  } finally {
    rendering = false;
  }
}

async function renderOnce(reason: string): Promise<void> {
  if (!data) return;
  const current = data;
  const started = performance.now();
  const graph = visibleGraph(current, { toggled });
  const built = performance.now();
  const laid = await elk.layout(elkGraph(graph));
  const layoutDone = performance.now();
  canvas.innerHTML = drawSvg(laid, graph, { metric });
  shown = graph;
  applyZoom();
  highlight(false);
  const drawn = performance.now();
  const nodes = countNodes(graph);
  const timing = { graphMs: built - started, layoutMs: layoutDone - built, drawMs: drawn - layoutDone };
  byId("title").textContent = current.model;
  const errors = current.errors ? `${current.errors} errors: the shapes stop at the first · ` : "";
  status.textContent =
    `${nodes} nodes shown of ${current.atoms.length} · ${errors}` +
    `layout ${timing.layoutMs.toFixed(0)} ms, drawn ${timing.drawMs.toFixed(0)} ms`;
  document.body.dataset["version"] = String(current.version);
  document.body.dataset["model"] = current.model;
  vscode.postMessage({ type: "rendered", reason, version: current.version, nodes, ...timing });
}

function countNodes(graph: VisibleGraph): number {
  let n = 0;
  const count = (list: VisibleGraph["roots"]) => {
    for (const node of list) {
      n++;
      if (node.children) count(node.children);
    }
  };
  count(graph.roots);
  return n;
}

/** Marks the nodes that stand for the text under the cursor; scrolls the first into view when asked. */
function highlight(scroll: boolean): void {
  canvas.querySelectorAll(".node.cursor").forEach((n) => n.classList.remove("cursor"));
  if (!data || !shown || !cursor) return;
  const ids = highlightIds(data, shown, cursor.offset, cursor.line);
  let first: Element | undefined;
  for (const id of ids) {
    const node = canvas.querySelector(`[data-id="${CSS.escape(id)}"]`);
    if (!node) continue;
    node.classList.add("cursor");
    first ??= node;
  }
  if (scroll && first) first.scrollIntoView({ block: "nearest", inline: "nearest" });
}

canvas.addEventListener("click", (event) => {
  const target = event.target as Element;
  const toggle = target.closest("[data-toggle]")?.getAttribute("data-toggle");
  if (toggle) {
    if (toggled.has(toggle)) toggled.delete(toggle);
    else toggled.add(toggle);
    void render("toggle");
    return;
  }
  const id = target.closest("[data-id]")?.getAttribute("data-id");
  const node = id && shown ? findNode(shown.roots, id) : undefined;
  if (node) vscode.postMessage({ type: "reveal", start: node.span[0], end: node.span[1] });
});

canvas.addEventListener("dblclick", (event) => {
  const id = (event.target as Element).closest("[data-id]")?.getAttribute("data-id");
  const node = id && shown ? findNode(shown.roots, id) : undefined;
  if (!node?.expandable) return;
  if (toggled.has(node.id)) toggled.delete(node.id);
  else toggled.add(node.id);
  void render("toggle");
});

function findNode(list: VisibleGraph["roots"], id: string): VisibleGraph["roots"][number] | undefined {
  for (const n of list) {
    if (n.id === id) return n;
    const inner = n.children && findNode(n.children, id);
    if (inner) return inner;
  }
  return undefined;
}

for (const button of document.querySelectorAll<HTMLButtonElement>("[data-metric]")) {
  button.addEventListener("click", () => {
    metric = button.dataset["metric"] === "macs" ? "macs" : "params";
    document
      .querySelectorAll("[data-metric]")
      .forEach((b) => b.setAttribute("aria-pressed", String(b.getAttribute("data-metric") === metric)));
    void render("metric");
  });
}
byId("expand").addEventListener("click", () => {
  if (!data) return;
  toggled.clear();
  // Open every group that is closed by default; the others are open already.
  data.groups.forEach((g, i) => g.collapsed && toggled.add(allGroupIds(data!)[i]!));
  void render("expand");
});
byId("collapse").addEventListener("click", () => {
  if (!data) return;
  toggled.clear();
  data.groups.forEach((g, i) => !g.collapsed && toggled.add(allGroupIds(data!)[i]!));
  void render("collapse");
});
byId("export").addEventListener("click", () => vscode.postMessage({ type: "svg", markup: standaloneSvg() }));
byId("zoom-in").addEventListener("click", () => setZoom(zoom * 1.25));
byId("zoom-out").addEventListener("click", () => setZoom(zoom / 1.25));
byId("zoom-reset").addEventListener("click", () => setZoom(1));

function setZoom(value: number): void {
  zoom = Math.min(4, Math.max(0.1, value));
  applyZoom();
}

function applyZoom(): void {
  const svg = canvas.querySelector("svg");
  if (!svg) return;
  const [, , w, h] = (svg.getAttribute("viewBox") ?? "0 0 0 0").split(" ").map(Number);
  svg.setAttribute("width", String((w ?? 0) * zoom));
  svg.setAttribute("height", String((h ?? 0) * zoom));
  byId("zoom-reset").textContent = `${Math.round(zoom * 100)}%`;
}

/** The drawing as a file of its own: the theme's colours written into it, at 100 %, without the cursor mark. */
function standaloneSvg(): string {
  const svg = canvas.querySelector("svg");
  if (!svg) return "";
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.querySelectorAll(".cursor").forEach((n) => n.classList.remove("cursor"));
  const [, , w, h] = (copy.getAttribute("viewBox") ?? "0 0 0 0").split(" ");
  copy.setAttribute("width", w ?? "0");
  copy.setAttribute("height", h ?? "0");
  const style = document.createElementNS("http://www.w3.org/2000/svg", "style");
  style.textContent = exportStyle();
  copy.insertBefore(style, copy.firstChild);
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(copy);
}

/** The page's diagram rules with each theme variable replaced by the colour it has now. */
function exportStyle(): string {
  const rules = byId("diagram-style").textContent ?? "";
  const computed = getComputedStyle(document.body);
  const resolved = rules.replace(/var\((--[\w-]+)(?:,\s*([^)]+))?\)/g, (_m, name: string, fallback?: string) => {
    const value = computed.getPropertyValue(name).trim();
    return value || fallback || "#888";
  });
  const background = computed.getPropertyValue("--vscode-editor-background").trim() || "#fff";
  const font = computed.getPropertyValue("--vscode-editor-font-family").trim() || "monospace";
  return `svg.diagram { background: ${background}; font-family: ${font}; }\n${resolved}`;
}

vscode.postMessage({ type: "ready" });
