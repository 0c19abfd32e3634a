// Runs inside the simulation report webview: the page's text and table (simulation-page.ts), the depth chart
// (std and zeros on axes of their own, the layer's name on hover) and the chosen layer's histogram and maps.
// Charts are uPlot's: canvas, no eval and no remote content, so they run under the page's strict CSP.
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { SimulationView } from "../../server/src/protocol.js";
import { byId, depthSeries, drawPage, fmt, selectRow, type Layer } from "./simulation-page.js";

interface VsCodeApi {
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const view = JSON.parse(byId("data").textContent ?? "null") as SimulationView;

/** A theme colour for the canvas, which cannot read CSS variables itself. */
function themeColor(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}
const colors = {
  blue: themeColor("--vscode-charts-blue", "#3794ff"),
  orange: themeColor("--vscode-charts-orange", "#d18616"),
  text: themeColor("--vscode-descriptionForeground", "#888"),
  grid: themeColor("--vscode-editorWidget-border", "#8884"),
};
const DEPTH_HEIGHT = 220;
const HISTOGRAM_HEIGHT = 180;

/** An axis in the editor's colours, with a label. */
function axis(label: string, more: uPlot.Axis = {}): uPlot.Axis {
  return {
    label,
    stroke: colors.text,
    grid: { stroke: colors.grid, width: 1 },
    ticks: { stroke: colors.grid, width: 1 },
    ...more,
  };
}

/** Std (log axis, left) and the fraction of zeros (%, right) of every layer, the layer's name on hover. */
function depthChart(): uPlot {
  const { x, std, zeros } = depthSeries(view);
  const host = byId("depth");
  const options: uPlot.Options = {
    width: host.clientWidth,
    height: DEPTH_HEIGHT,
    scales: { x: { time: false }, std: { distr: 3 }, zeros: { range: [0, 100] } },
    axes: [
      axis("layer (execution order)"),
      // A log axis labels only its powers of ten: uPlot passes null for the ticks it leaves unlabelled.
      axis("std of the output (log)", {
        scale: "std",
        size: 60,
        values: (_u, v) => v.map((t) => (t == null ? "" : t.toExponential(0))),
      }),
      axis("zeros (%)", { scale: "zeros", side: 1, grid: { show: false } }),
    ],
    series: [
      { label: "layer", value: (_u, i) => (i == null ? "" : `${i} ${view.layers[i - 1]?.name ?? ""}`) },
      { label: "std", scale: "std", stroke: colors.blue, width: 1.5, value: (_u, v) => (v == null ? "–" : fmt(v)) },
      {
        label: "zeros",
        scale: "zeros",
        stroke: colors.orange,
        width: 1.5,
        value: (_u, v) => (v == null ? "–" : `${v.toFixed(1)}%`),
      },
    ],
    cursor: { drag: { x: false, y: false } },
  };
  // The canvas draws the axis titles; the element says them for screen readers (and the UI tests).
  host.setAttribute("aria-label", describe(options));
  const chart = new uPlot(options, [x, std, zeros], host);
  // A click on the chart chooses the layer under the cursor.
  chart.over.addEventListener("click", () => {
    const i = chart.cursor.idx;
    if (i != null) showLayer(i);
  });
  return chart;
}

/** The layer's values (first sample) in 40 bins: value on the x axis, count on the y axis. */
function histogramChart(l: Layer): uPlot | undefined {
  const host = byId("histogram");
  host.replaceChildren();
  if (!l.histogramRange || !l.histogram.length) return undefined;
  const [lo, hi] = l.histogramRange;
  const step = (hi - lo) / l.histogram.length;
  const xs = l.histogram.map((_, i) => (step ? lo + (i + 0.5) * step : lo));
  const options: uPlot.Options = {
    width: host.clientWidth,
    height: HISTOGRAM_HEIGHT,
    scales: { x: { time: false, range: step ? [lo, hi] : [lo - 1, lo + 1] } },
    axes: [axis("value", { values: (_u, v) => v.map((t) => (t == null ? "" : fmt(t))) }), axis("count", { size: 56 })],
    series: [
      { label: "value", value: (_u, v) => (v == null ? "" : fmt(v)) },
      {
        label: "count",
        stroke: colors.blue,
        fill: colors.blue,
        paths: uPlot.paths.bars!({ size: [0.9, Infinity] }),
        points: { show: false },
      },
    ],
    cursor: { drag: { x: false, y: false } },
  };
  host.setAttribute("aria-label", describe(options));
  return new uPlot(options, [xs, l.histogram], host);
}

/** "Chart of x: layer (execution order); left: std of the output (log); right: zeros (%)". */
function describe(options: uPlot.Options): string {
  const [x, ...ys] = options.axes ?? [];
  const side = (a: uPlot.Axis) => (a.side === 1 ? "right" : "left");
  return [`Chart of x: ${x?.label}`, ...ys.map((a) => `${side(a)}: ${a.label}`)].join("; ");
}

let depth: uPlot | undefined;
let histogram: uPlot | undefined;

/** Chooses a layer: its row, its histogram and its feature maps. */
function showLayer(index: number): void {
  const l = view.layers[index];
  if (!l) return;
  byId("rows").dataset.selected = String(index);
  selectRow(view, index);
  histogram?.destroy();
  histogram = histogramChart(l);
  drawMaps(l);
}

function drawMaps(l: Layer): void {
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
    canvas.className = "map";
    canvas.title = `channel ${c}`;
    const ctx = canvas.getContext("2d");
    if (!ctx) continue;
    const img = ctx.createImageData(width, height);
    for (let p = 0; p < size; p++) {
      const v = bytes[c * size + p] ?? 0;
      img.data.set([v, v, v, 255], p * 4);
    }
    ctx.putImageData(img, 0, 0);
    maps.appendChild(canvas);
  }
}

drawPage(view, { get: () => vscode.getState(), set: (s) => vscode.setState(s) }, showLayer);
if (view.layers.length) {
  depth = depthChart();
  showLayer(view.layers.length - 1);
}
// The charts follow the pane's width (a canvas does not stretch by itself).
new ResizeObserver(() => {
  depth?.setSize({ width: byId("depth").clientWidth, height: DEPTH_HEIGHT });
  histogram?.setSize({ width: byId("histogram").clientWidth, height: HISTOGRAM_HEIGHT });
}).observe(document.body);
