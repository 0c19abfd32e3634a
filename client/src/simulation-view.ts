// The simulation report webview: per-layer table, std and zero fraction across depth, a chosen layer's
// histogram and feature maps. Strict CSP: no remote content, one inline script allowed by its nonce.
import { randomBytes } from "node:crypto";
import { escapeHtml } from "./html.js";

/** The webview page for a simulation view (the server's `SimulationView`, received as plain JSON). */
export function simulationHtml(view: { model: string }, cspSource: string): string {
  const nonce = randomBytes(16).toString("base64");
  // The data rides in a JSON script element; `<` is escaped so no layer name can close the element.
  const data = JSON.stringify(view).replace(/</g, "\\u003c");
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${cspSource} data:; style-src ${cspSource} 'unsafe-inline'; script-src 'nonce-${nonce}';">
<title>Simulation: ${escapeHtml(view.model)}</title>
<style>
  body { color: var(--vscode-editor-foreground); background: var(--vscode-editor-background); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); }
  table { border-collapse: collapse; font-family: var(--vscode-editor-font-family); font-size: 12px; }
  th, td { padding: 2px 8px; text-align: right; border-bottom: 1px solid var(--vscode-editorWidget-border, #8884); }
  th:first-child, td:first-child, td:nth-child(2) { text-align: left; }
  tr.selected { background: var(--vscode-list-activeSelectionBackground); color: var(--vscode-list-activeSelectionForeground); }
  tr { cursor: pointer; }
  .plots { display: flex; flex-wrap: wrap; gap: 24px; margin: 12px 0; }
  svg text { fill: var(--vscode-descriptionForeground); font-size: 11px; }
  .std { stroke: var(--vscode-charts-blue, #3794ff); fill: none; stroke-width: 1.5; }
  .zeros { stroke: var(--vscode-charts-orange, #d18616); fill: none; stroke-width: 1.5; }
  .bar { fill: var(--vscode-charts-blue, #3794ff); }
  .axis { stroke: var(--vscode-descriptionForeground); stroke-width: 0.5; }
  canvas { image-rendering: pixelated; width: 96px; height: 96px; margin: 2px; border: 1px solid var(--vscode-editorWidget-border, #8884); }
  .meta { color: var(--vscode-descriptionForeground); }
  .warn, tr.nonfinite td { color: var(--vscode-editorWarning-foreground, #cca700); }
</style></head>
<body>
<h2 id="title"></h2>
<div class="meta" id="meta"></div>
<div class="warn" id="warnings"></div>
<div class="plots">
  <div><h3>Activation std and zero fraction across depth</h3><svg id="depth" width="560" height="200"></svg>
    <div class="meta"><span style="color: var(--vscode-charts-blue, #3794ff)">━ std (log scale)</span> &nbsp; <span style="color: var(--vscode-charts-orange, #d18616)">━ fraction of zeros</span></div></div>
  <div><h3 id="layer-title">Layer</h3><svg id="histogram" width="320" height="160"></svg><div id="maps"></div></div>
</div>
<div id="top5"></div>
<table id="layers"><thead><tr id="head"></tr></thead><tbody id="rows"></tbody></table>
<script type="application/json" id="data">${data}</script>
<script nonce="${nonce}">${script}</script>
</body></html>`;
}

/** Runs inside the webview: draws everything from the JSON data; clicking a row shows that layer. */
const script = String.raw`
const view = JSON.parse(document.getElementById("data").textContent);
// A statistic of a layer whose values are all NaN is NaN, which arrives through JSON as null.
const fmt = (x) => typeof x !== "number" || Number.isNaN(x) ? "nan"
  : (x === 0 || Math.abs(x) >= 0.01 && Math.abs(x) < 1e4) ? x.toFixed(4) : x.toExponential(2);
const svgNs = "http://www.w3.org/2000/svg";
const el = (tag, attrs, parent) => { const e = document.createElementNS(svgNs, tag); for (const k in attrs) e.setAttribute(k, attrs[k]); parent.appendChild(e); return e; };
document.getElementById("title").textContent = "Simulation of " + view.model + " (" + view.framework + ")";
const t = view.timing;
document.getElementById("meta").textContent = "input " + view.input + " · weights: " + view.weights + " · " + view.engine +
  " · build " + t.buildMs.toFixed(0) + " ms, session " + t.sessionMs.toFixed(0) + " ms, first run " + t.firstRunMs.toFixed(1) + " ms" +
  (t.steadyMs !== undefined ? ", steady " + t.steadyMs.toFixed(1) + " ms" : "");
// NaN and ±Infinity are left out of every statistic, so they are counted where the statistics are shown.
const poisoned = view.layers.filter((l) => l.nonFinite > 0);
const warnings = [];
if (view.nonFiniteWeights.length) {
  const listed = view.nonFiniteWeights.map((w) => w.tensor + " (" + w.count + " of " + w.size + ")");
  warnings.push("⚠ weights with NaN or ±Infinity: " + listed.join(", "));
}
if (poisoned.length) {
  warnings.push("⚠ " + poisoned.length + " of " + view.layers.length + " layers output NaN or ±Infinity, first " +
    poisoned[0].name + " (" + poisoned[0].nonFinite + " values); the statistics, plots and histograms leave them out");
}
document.getElementById("warnings").textContent = warnings.join(" · ");
if (view.top5.length) document.getElementById("top5").textContent = "Top-5 classes: " + view.top5.map((c) => c.index + " (" + (100 * c.probability).toFixed(1) + "%)").join(", ");

function depthPlot() {
  const svg = document.getElementById("depth"), W = 560, H = 200, L = 40, B = 20;
  const n = view.layers.length;
  const x = (i) => L + (n > 1 ? i / (n - 1) : 0) * (W - L - 10);
  // A layer whose values are all NaN has no std: its point is left out of the line.
  const stds = view.layers.map((l) => Number.isFinite(l.std) ? Math.log10(Math.max(l.std, 1e-12)) : undefined);
  const known = stds.filter((v) => v !== undefined);
  const lo = known.length ? Math.min(...known) : 0, hi = Math.max(...known, lo + 1);
  const yStd = (v) => 10 + (1 - (v - lo) / (hi - lo)) * (H - B - 10);
  const yZero = (z) => 10 + (1 - z) * (H - B - 10);
  el("line", { x1: L, y1: H - B, x2: W - 10, y2: H - B, class: "axis" }, svg);
  el("line", { x1: L, y1: 10, x2: L, y2: H - B, class: "axis" }, svg);
  // Adding 0 turns a rounded -0 into 0, so the axis never reads "1e-0".
  el("text", { x: 2, y: 14 }, svg).textContent = "1e" + (Math.round(hi) + 0);
  el("text", { x: 2, y: H - B }, svg).textContent = "1e" + (Math.round(lo) + 0);
  el("text", { x: L, y: H - 4 }, svg).textContent = "layer 1";
  el("text", { x: W - 60, y: H - 4 }, svg).textContent = "layer " + n;
  const points = stds.flatMap((v, i) => v === undefined ? [] : [x(i) + "," + yStd(v)]);
  el("polyline", { points: points.join(" "), class: "std" }, svg);
  el("polyline", { points: view.layers.map((l, i) => x(i) + "," + yZero(l.zeros)).join(" "), class: "zeros" }, svg);
}

function showLayer(index) {
  const l = view.layers[index];
  document.querySelectorAll("#rows tr").forEach((r, i) => r.classList.toggle("selected", i === index));
  document.getElementById("layer-title").textContent = l.name + " (" + l.kind + ") " + l.shape.join("×") +
    ": histogram, min " + fmt(l.min) + " to max " + fmt(l.max) +
    (l.nonFinite ? " · ⚠ " + l.nonFinite + " NaN/Inf values left out" : "");
  const svg = document.getElementById("histogram");
  svg.replaceChildren();
  const max = Math.max(1, ...l.histogram), w = 320 / Math.max(1, l.histogram.length);
  l.histogram.forEach((c, i) => el("rect", { x: i * w, y: 150 - (c / max) * 140, width: Math.max(1, w - 1), height: (c / max) * 140, class: "bar" }, svg));
  const maps = document.getElementById("maps");
  maps.replaceChildren();
  if (!l.maps) return;
  const bytes = Uint8Array.from(atob(l.maps.data), (c) => c.charCodeAt(0));
  const size = l.maps.height * l.maps.width;
  for (let c = 0; c < l.maps.channels; c++) {
    const canvas = document.createElement("canvas");
    canvas.width = l.maps.width; canvas.height = l.maps.height;
    const ctx = canvas.getContext("2d"), img = ctx.createImageData(l.maps.width, l.maps.height);
    for (let p = 0; p < size; p++) { const v = bytes[c * size + p]; img.data.set([v, v, v, 255], p * 4); }
    ctx.putImageData(img, 0, 0);
    canvas.title = "channel " + c;
    maps.appendChild(canvas);
  }
}

const headers = ["Layer", "Kind", "Shape", "Mean", "Std", "Min", "Max", "Zeros"];
if (poisoned.length) headers.push("NaN/Inf");
headers.push("ms");
for (const h of headers) {
  const th = document.createElement("th"); th.textContent = h; document.getElementById("head").appendChild(th);
}
const body = document.getElementById("rows");
view.layers.forEach((l, i) => {
  const row = document.createElement("tr");
  const stats = [fmt(l.mean), fmt(l.std), fmt(l.min), fmt(l.max), (100 * l.zeros).toFixed(1) + "%"];
  const cells = [l.name, l.kind, l.shape.join("×"), ...stats];
  if (poisoned.length) cells.push(l.nonFinite ? "⚠ " + l.nonFinite : "0");
  cells.push(l.timeMs.toFixed(2));
  if (l.nonFinite) row.classList.add("nonfinite");
  for (const v of cells) {
    const td = document.createElement("td"); td.textContent = v; row.appendChild(td);
  }
  row.addEventListener("click", () => showLayer(i));
  body.appendChild(row);
});
depthPlot();
if (view.layers.length) showLayer(view.layers.length - 1);
`;
