// Runs inside the simulation report webview: draws the table, the depth plot, a layer's histogram and maps.
import type { SimulationView } from "../../server/src/protocol.js";

/** An element of the page (client/src/simulation-view.ts writes them all); a missing one is a bug of that page. */
function byId<T extends HTMLElement | SVGElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the simulation page has no #${id}`);
  return element as unknown as T;
}

// The page carries the data in a JSON script element.
const view = JSON.parse(byId("data").textContent ?? "null") as SimulationView;
// A statistic of a layer whose values are all NaN is NaN, which arrives through JSON as null.
const fmt = (x: number | null): string =>
  typeof x !== "number" || Number.isNaN(x)
    ? "nan"
    : x === 0 || (Math.abs(x) >= 0.01 && Math.abs(x) < 1e4)
      ? x.toFixed(4)
      : x.toExponential(2);
const svgNs = "http://www.w3.org/2000/svg";

/** Adds an SVG element with these attributes to `parent`. */
function el(tag: string, attrs: Record<string, string | number>, parent: Element): SVGElement {
  const e = document.createElementNS(svgNs, tag);
  for (const k in attrs) e.setAttribute(k, String(attrs[k]));
  parent.appendChild(e);
  return e;
}

byId("title").textContent = "Simulation of " + view.model + " (" + view.framework + ")";
const t = view.timing;
byId("meta").textContent =
  "input " +
  view.input +
  " · weights: " +
  view.weights +
  " · " +
  view.engine +
  " · build " +
  t.buildMs.toFixed(0) +
  " ms, session " +
  t.sessionMs.toFixed(0) +
  " ms, first run " +
  t.firstRunMs.toFixed(1) +
  " ms" +
  (t.steadyMs !== undefined ? ", steady " + t.steadyMs.toFixed(1) + " ms" : "");
// NaN and ±Infinity are left out of every statistic, so they are counted where the statistics are shown.
const poisoned = view.layers.filter((l) => l.nonFinite > 0);
const warnings: string[] = [];
if (view.nonFiniteWeights.length) {
  const listed = view.nonFiniteWeights.map((w) => w.tensor + " (" + w.count + " of " + w.size + ")");
  warnings.push("⚠ weights with NaN or ±Infinity: " + listed.join(", "));
}
const firstPoisoned = poisoned[0];
if (firstPoisoned) {
  warnings.push(
    "⚠ " +
      poisoned.length +
      " of " +
      view.layers.length +
      " layers output NaN or ±Infinity, first " +
      firstPoisoned.name +
      " (" +
      firstPoisoned.nonFinite +
      " values); the statistics, plots and histograms " +
      "leave them out",
  );
}
byId("warnings").textContent = warnings.join(" · ");
if (view.top5.length) {
  const classes = view.top5.map((c) => c.index + " (" + (100 * c.probability).toFixed(1) + "%)");
  byId("top5").textContent = "Top-5 classes: " + classes.join(", ");
}

/** The std (log scale) and the fraction of zeros of every layer, from input to output. */
function depthPlot(): void {
  const svg = byId<SVGElement>("depth"),
    W = 560,
    H = 200,
    L = 40,
    B = 20;
  const n = view.layers.length;
  const x = (i: number) => L + (n > 1 ? i / (n - 1) : 0) * (W - L - 10);
  // A layer whose values are all NaN has no std: its point is left out of the line.
  const stds = view.layers.map((l) => (Number.isFinite(l.std) ? Math.log10(Math.max(l.std, 1e-12)) : undefined));
  const known = stds.filter((v): v is number => v !== undefined);
  const lo = known.length ? Math.min(...known) : 0,
    hi = Math.max(...known, lo + 1);
  const yStd = (v: number) => 10 + (1 - (v - lo) / (hi - lo)) * (H - B - 10);
  const yZero = (z: number) => 10 + (1 - z) * (H - B - 10);
  el("line", { x1: L, y1: H - B, x2: W - 10, y2: H - B, class: "axis" }, svg);
  el("line", { x1: L, y1: 10, x2: L, y2: H - B, class: "axis" }, svg);
  // Adding 0 turns a rounded -0 into 0, so the axis never reads "1e-0".
  el("text", { x: 2, y: 14 }, svg).textContent = "1e" + (Math.round(hi) + 0);
  el("text", { x: 2, y: H - B }, svg).textContent = "1e" + (Math.round(lo) + 0);
  el("text", { x: L, y: H - 4 }, svg).textContent = "layer 1";
  el("text", { x: W - 60, y: H - 4 }, svg).textContent = "layer " + n;
  const points = stds.flatMap((v, i) => (v === undefined ? [] : [x(i) + "," + yStd(v)]));
  el("polyline", { points: points.join(" "), class: "std" }, svg);
  el("polyline", { points: view.layers.map((l, i) => x(i) + "," + yZero(l.zeros)).join(" "), class: "zeros" }, svg);
}

/** Selects a layer's row and draws its histogram and feature maps. */
function showLayer(index: number): void {
  const l = view.layers[index];
  if (!l) return;
  document.querySelectorAll("#rows tr").forEach((r, i) => r.classList.toggle("selected", i === index));
  byId("layer-title").textContent =
    l.name +
    " (" +
    l.kind +
    ") " +
    l.shape.join("×") +
    ": histogram, min " +
    fmt(l.min) +
    " to max " +
    fmt(l.max) +
    (l.nonFinite ? " · ⚠ " + l.nonFinite + " NaN/Inf values left out" : "");
  const svg = byId<SVGElement>("histogram");
  svg.replaceChildren();
  const max = Math.max(1, ...l.histogram),
    w = 320 / Math.max(1, l.histogram.length);
  l.histogram.forEach((c, i) =>
    el(
      "rect",
      {
        x: i * w,
        y: 150 - (c / max) * 140,
        width: Math.max(1, w - 1),
        height: (c / max) * 140,
        class: "bar",
      },
      svg,
    ),
  );
  const maps = byId("maps");
  maps.replaceChildren();
  if (!l.maps) return;
  const { channels, height, width, data } = l.maps;
  const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  const size = height * width;
  for (let c = 0; c < channels; c++) {
    const canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext("2d");
    if (!ctx) continue;
    const img = ctx.createImageData(width, height);
    for (let p = 0; p < size; p++) {
      const v = bytes[c * size + p] ?? 0;
      img.data.set([v, v, v, 255], p * 4);
    }
    ctx.putImageData(img, 0, 0);
    canvas.title = "channel " + c;
    maps.appendChild(canvas);
  }
}

const headers = ["Layer", "Kind", "Shape", "Mean", "Std", "Min", "Max", "Zeros"];
if (poisoned.length) headers.push("NaN/Inf");
headers.push("ms");
for (const h of headers) {
  const th = document.createElement("th");
  th.textContent = h;
  byId("head").appendChild(th);
}
const body = byId("rows");
view.layers.forEach((l, i) => {
  const row = document.createElement("tr");
  const stats = [fmt(l.mean), fmt(l.std), fmt(l.min), fmt(l.max), (100 * l.zeros).toFixed(1) + "%"];
  const cells = [l.name, l.kind, l.shape.join("×"), ...stats];
  if (poisoned.length) cells.push(l.nonFinite ? "⚠ " + l.nonFinite : "0");
  cells.push(l.timeMs.toFixed(2));
  if (l.nonFinite) row.classList.add("nonfinite");
  for (const v of cells) {
    const td = document.createElement("td");
    td.textContent = v;
    row.appendChild(td);
  }
  row.addEventListener("click", () => showLayer(i));
  body.appendChild(row);
});
depthPlot();
if (view.layers.length) showLayer(view.layers.length - 1);
