// Runs inside the summary webview: the layers as a tree table (collapse, expand, sort, share bars); a click on
// a row asks the extension to reveal its line. Only the rows in view are in the DOM, so 50,000 layers stay fast.
import { compact, grouped, megabytes } from "../src/figures.js";
import {
  allNodes,
  cellTexts,
  summaryTree,
  visibleRows,
  type SortKey,
  type SummaryNode,
  type TableModel,
} from "../src/summary-rows.js";

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** What survives the panel being hidden and shown again. */
interface State {
  model: string;
  expanded: string[];
  sort: { key: SortKey; descending: boolean };
  selected?: string;
}

const vscode = acquireVsCodeApi();
const page = JSON.parse(byId("data").textContent ?? "null") as { models: TableModel[]; model?: string };
/** Row height in pixels (the stylesheet's `tr { height }`): rows are placed by index, not measured. */
const ROW_HEIGHT = 24;
/** Rows drawn above and below the ones in view, so a short scroll shows no gap. */
const OVERSCAN = 20;

const saved = vscode.getState() as State | undefined;
let model = page.models.find((m) => m.name === (saved?.model ?? page.model)) ?? page.models[0]!;
let tree = summaryTree(model);
let expanded = new Set(saved?.model === model.name ? saved.expanded : []);
let sort: State["sort"] = saved?.sort ?? { key: "order", descending: false };
let selected = saved?.model === model.name ? saved.selected : undefined;
let rows: { node: SummaryNode; depth: number }[] = [];

function byId(id: string): HTMLElement {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the summary page has no #${id}`);
  return element;
}

function save(): void {
  vscode.setState({ model: model.name, expanded: [...expanded], sort, ...(selected ? { selected } : {}) });
}

/** The model's header and totals, worded as the CLI's footer. */
function drawModel(): void {
  const m = model;
  byId("title").textContent = `${m.name} (${m.framework}), input ${m.input ? m.input.join("×") : "?"}`;
  const lost = m.overflow ? `unknown (${m.overflow.message})` : undefined;
  const partial = m.errors ? ` (partial: ${m.errors} error${m.errors > 1 ? "s" : ""} in the model)` : "";
  const count = (n: number | null) => lost ?? (n === null ? "?" : grouped(n));
  const mb = (n: number | null) => lost ?? (n === null ? "?" : `${megabytes(n)} MB`);
  const items: [string, string][] = [
    ["Output", m.output ? m.output.join("×") : "?"],
    ["Params", count(m.params.total) + partial],
    ["Trainable", count(m.params.trainable)],
    ["Non-trainable", count(m.params.nonTrainable)],
    ["MACs", lost ?? (m.macs === null ? "?" : `${grouped(m.macs)} (${compact(m.macs)})`)],
    ["FLOPs = 2·MACs", lost ?? (m.flops === null ? "?" : compact(m.flops))],
    ["Activations", mb(m.memory.activations)],
    ["Params size", mb(m.memory.params)],
  ];
  const totals = byId("totals");
  totals.replaceChildren();
  for (const [name, value] of items) {
    const dt = document.createElement("dt");
    dt.textContent = name;
    const dd = document.createElement("dd");
    dd.textContent = value;
    const item = document.createElement("div");
    item.append(dt, dd);
    totals.append(item);
  }
}

/** Recomputes the visible rows (after a collapse, an expand or a sort) and draws them. */
function refresh(): void {
  rows = visibleRows(tree, (n) => expanded.has(n.name), sort);
  byId("rows").dataset.count = String(rows.length);
  document.querySelectorAll<HTMLElement>("th[data-sort]").forEach((th) => {
    const on = th.dataset.sort === sort.key;
    th.classList.toggle("sorted", on);
    th.setAttribute("aria-sort", on ? (sort.descending ? "descending" : "ascending") : "none");
  });
  save();
  draw();
}

/** Draws the rows in view between two spacer rows that keep the scroll height of all of them. */
function draw(): void {
  const body = byId("rows");
  const top = body.getBoundingClientRect().top + window.scrollY;
  const first = Math.max(0, Math.floor((window.scrollY - top) / ROW_HEIGHT) - OVERSCAN);
  const count = Math.ceil(window.innerHeight / ROW_HEIGHT) + 2 * OVERSCAN;
  const end = Math.min(rows.length, first + count);
  const totalParams = model.params.total ?? sumOf(tree, "params");
  const totalMacs = model.macs ?? sumOf(tree, "macs");
  const out: HTMLTableRowElement[] = [spacer(first * ROW_HEIGHT)];
  for (let i = first; i < end; i++) out.push(rowElement(rows[i]!.node, rows[i]!.depth, totalParams, totalMacs));
  out.push(spacer((rows.length - end) * ROW_HEIGHT));
  body.replaceChildren(...out);
}

function spacer(height: number): HTMLTableRowElement {
  const tr = document.createElement("tr");
  tr.className = "spacer";
  tr.style.height = `${height}px`;
  return tr;
}

function rowElement(n: SummaryNode, depth: number, totalParams: number, totalMacs: number): HTMLTableRowElement {
  const tr = document.createElement("tr");
  tr.dataset.name = n.name;
  tr.title = `${n.name}: line ${n.line + 1}`;
  if (n.name === selected) tr.classList.add("selected");
  if (n.children.length) tr.classList.add(expanded.has(n.name) ? "expanded" : "collapsed");
  const cells = cellTexts(n);
  const name = document.createElement("td");
  name.className = "name";
  name.style.paddingLeft = `${4 + depth * 14}px`;
  const twisty = document.createElement("span");
  twisty.className = "twisty";
  twisty.textContent = n.children.length ? (expanded.has(n.name) ? "▾" : "▸") : "";
  const label = document.createElement("span");
  label.textContent = n.label;
  name.append(twisty, label);
  tr.append(name, textCell(n.kind, "kind"), textCell(cells.output, "shape"));
  tr.append(barCell(cells.params, n.params, totalParams), barCell(cells.macs, n.macs, totalMacs));
  tr.append(textCell(cells.memory, "num"));
  return tr;
}

function textCell(text: string, className: string): HTMLTableCellElement {
  const td = document.createElement("td");
  td.className = className;
  td.textContent = text;
  td.title = text;
  return td;
}

/** A number with a bar beneath it: its share of the model's total. */
function barCell(text: string, value: number | null, total: number): HTMLTableCellElement {
  const td = textCell(text, "num share");
  if (value !== null && total > 0 && value > 0) {
    const share = value / total;
    const bar = document.createElement("div");
    bar.className = "bar";
    bar.style.width = `${Math.max(1, Math.round(share * 100))}%`;
    td.appendChild(bar);
    td.title = `${text} (${(100 * share).toFixed(1)}% of the model)`;
  }
  return td;
}

function sumOf(nodes: SummaryNode[], key: "params" | "macs"): number {
  return nodes.reduce((s, n) => s + (n[key] ?? 0), 0);
}

function toggle(n: SummaryNode): void {
  if (expanded.has(n.name)) expanded.delete(n.name);
  else expanded.add(n.name);
  refresh();
}

function choose(m: TableModel): void {
  model = m;
  tree = summaryTree(m);
  expanded = new Set();
  selected = undefined;
  drawModel();
  refresh();
}

// A click on the twisty opens or closes a row; anywhere else on the row reveals its line in the editor.
byId("rows").addEventListener("click", (e) => {
  const tr = (e.target as HTMLElement).closest("tr");
  const row = rows.find((r) => r.node.name === tr?.dataset.name);
  if (!row) return;
  if ((e.target as HTMLElement).classList.contains("twisty")) return toggle(row.node);
  selected = row.node.name;
  document.querySelectorAll("#rows tr.selected").forEach((r) => r.classList.remove("selected"));
  tr!.classList.add("selected");
  save();
  vscode.postMessage({ type: "reveal", line: row.node.line });
});
byId("rows").addEventListener("dblclick", (e) => {
  const name = (e.target as HTMLElement).closest("tr")?.dataset.name;
  const row = rows.find((r) => r.node.name === name);
  if (row?.node.children.length) toggle(row.node);
});
// A click on a column's title sorts by it: largest first, then smallest first, then the file's order again.
document.querySelectorAll<HTMLElement>("th[data-sort]").forEach((th) =>
  th.addEventListener("click", () => {
    const key = th.dataset.sort as SortKey;
    const numeric = key === "params" || key === "macs" || key === "memory";
    if (sort.key !== key) sort = { key, descending: numeric };
    else if (sort.descending === numeric) sort = { key, descending: !numeric };
    else sort = { key: "order", descending: false };
    refresh();
  }),
);
byId("expand-all").addEventListener("click", () => {
  expanded = new Set(
    allNodes(tree)
      .filter((n) => n.children.length)
      .map((n) => n.name),
  );
  refresh();
});
byId("collapse-all").addEventListener("click", () => {
  expanded = new Set();
  refresh();
});
const picker = byId("model") as HTMLSelectElement;
function fillPicker(): void {
  picker.replaceChildren(...page.models.map((m) => new Option(m.name, m.name, false, m === model)));
  picker.hidden = page.models.length < 2;
}
fillPicker();
picker.addEventListener("change", () => choose(page.models.find((m) => m.name === picker.value)!));
// After an edit the extension sends the document's models again: the same model stays shown (the first if it is
// gone), and the open rows, the sort and the selection are kept wherever their names still exist.
window.addEventListener("message", (e: MessageEvent) => {
  const message = e.data as { type?: unknown; models?: unknown };
  if (message?.type !== "update" || !Array.isArray(message.models) || message.models.length === 0) return;
  page.models = message.models as TableModel[];
  const same = page.models.find((m) => m.name === model.name);
  model = same ?? page.models[0]!;
  tree = summaryTree(model);
  if (!same) {
    expanded = new Set();
    selected = undefined;
  }
  fillPicker();
  drawModel();
  refresh();
});
window.addEventListener("scroll", () => requestAnimationFrame(draw), { passive: true });
window.addEventListener("resize", () => requestAnimationFrame(draw));

drawModel();
refresh();
