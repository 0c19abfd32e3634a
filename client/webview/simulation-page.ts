// The simulation report's text: what ran and in which mode, warnings, the top-5 (loaded weights only) and the
// per-layer table with its column chooser. No charts here (simulation-charts.ts), so a test can run it on a
// minimal DOM (test/oracle/non-finite-simulation.test.ts).
import type { SimulationView } from "../../server/src/protocol.js";

export type Layer = SimulationView["layers"][number];

/** Where the page keeps the user's choices (the webview's state, which survives the panel being hidden). */
export interface PageState {
  get(): unknown;
  set(state: unknown): void;
}

/** An element of the page (client/src/simulation-view.ts writes them all); a missing one is a bug of that page. */
export function byId(id: string): HTMLElement {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the simulation page has no #${id}`);
  return element;
}

/**
 * At most 9 characters, so a column never wraps: 4 significant digits between 0.001 and 10,000, else an
 * exponent. A statistic of a layer whose values are all NaN is NaN, which arrives through JSON as null.
 */
export function fmt(x: number | null): string {
  if (typeof x !== "number" || Number.isNaN(x)) return "nan";
  if (x === 0) return "0";
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e4 ? String(Number(x.toPrecision(4))) : x.toExponential(2);
}

/** The depth chart's series: std (null where a log axis has no place: 0, NaN) and zeros in %, per layer. */
export function depthSeries(view: SimulationView): { x: number[]; std: (number | null)[]; zeros: number[] } {
  return {
    x: view.layers.map((_, i) => i + 1),
    std: view.layers.map((l) => (typeof l.std === "number" && l.std > 0 ? l.std : null)),
    zeros: view.layers.map((l) => 100 * l.zeros),
  };
}

/** Writes the header, the warnings, the top-5 and the table; `select` is called with a clicked row's index. */
export function drawPage(view: SimulationView, state: PageState, select: (index: number) => void): void {
  drawHeader(view);
  const poisoned = view.layers.some((l) => l.nonFinite > 0);
  const columns = tableColumns(poisoned);
  const saved = state.get() as { hidden?: string[]; shown?: string[] } | undefined;
  for (const c of columns) {
    if (saved?.hidden?.includes(c.title)) c.shown = false;
    if (saved?.shown?.includes(c.title)) c.shown = true;
  }
  const redraw = () => drawTable(view, columns);
  drawChooser(columns, () => {
    state.set({
      hidden: columns.filter((x) => !x.shown).map((x) => x.title),
      shown: columns.filter((x) => x.shown).map((x) => x.title),
    });
    redraw();
  });
  redraw();
  byId("rows").addEventListener("click", (e) => {
    const index = (e.target as HTMLElement).closest("tr")?.dataset.index;
    if (index !== undefined) select(Number(index));
  });
}

/** Marks row `index` as the chosen layer and names it above the histogram. */
export function selectRow(view: SimulationView, index: number): void {
  const l = view.layers[index];
  if (!l) return;
  for (const r of Array.from(document.querySelectorAll<HTMLElement>("#rows tr")))
    r.classList.toggle("selected", r.dataset.index === String(index));
  byId("layer-title").textContent =
    `${l.name} (${l.kind}) ${l.shape.join("×")}: values of the first sample, min ${fmt(l.min)}, max ${fmt(l.max)}` +
    (l.nonFinite ? ` · ⚠ ${l.nonFinite} NaN/Inf values left out` : "");
}

function drawHeader(view: SimulationView): void {
  byId("title").textContent = `Simulation of ${view.model} (${view.framework})`;
  const t = view.timing;
  byId("meta").textContent =
    `input ${view.input} · weights: ${view.weights} · ${view.engine} · build ${t.buildMs.toFixed(0)} ms, ` +
    `session ${t.sessionMs.toFixed(0)} ms, first run ${t.firstRunMs.toFixed(1)} ms` +
    (t.steadyMs !== undefined ? `, steady ${t.steadyMs.toFixed(1)} ms` : "");
  byId("mode").textContent =
    view.mode.charAt(0).toUpperCase() +
    view.mode.slice(1) +
    (view.randomWeights
      ? "; with random weights the running statistics are 0 and 1, so a BatchNorm changes its input very little."
      : ".");
  // NaN and ±Infinity are left out of every statistic, so they are counted where the statistics are shown.
  const poisoned = view.layers.filter((l) => l.nonFinite > 0);
  const warnings = [...view.notes];
  if (view.nonFiniteWeights.length) {
    const listed = view.nonFiniteWeights.map((w) => `${w.tensor} (${w.count} of ${w.size})`);
    warnings.push(`⚠ weights with NaN or ±Infinity: ${listed.join(", ")}`);
  }
  const first = poisoned[0];
  if (first) {
    warnings.push(
      `⚠ ${poisoned.length} of ${view.layers.length} layers output NaN or ±Infinity, first ${first.name} ` +
        `(${first.nonFinite} values); the statistics, charts and histograms leave them out`,
    );
  }
  byId("warnings").textContent = warnings.join(" · ");
  // Class scores exist only for loaded weights (the server sends none for random ones).
  if (view.top5.length) {
    const list = byId("top5-list");
    for (const c of view.top5) {
      const li = document.createElement("li");
      const name = c.label ? `${c.label} (${c.index})` : `class ${c.index}`;
      li.textContent = `${name}: ${(100 * c.probability).toFixed(1)}%`;
      list.appendChild(li);
    }
    byId("top5").hidden = false;
  }
}

interface Column {
  title: string;
  /** Shown unless the user hides it; the layer's name is always shown. */
  shown: boolean;
  cell: (l: Layer) => string;
  text?: boolean;
}

/** The columns after the layer's name; kind and time start hidden, so the table fits a half-width pane. */
function tableColumns(poisoned: boolean): Column[] {
  return [
    { title: "Kind", shown: false, cell: (l) => l.kind, text: true },
    { title: "Shape", shown: true, cell: (l) => l.shape.join("×"), text: true },
    { title: "Mean", shown: true, cell: (l) => fmt(l.mean) },
    { title: "Std", shown: true, cell: (l) => fmt(l.std) },
    { title: "Min", shown: true, cell: (l) => fmt(l.min) },
    { title: "Max", shown: true, cell: (l) => fmt(l.max) },
    { title: "Zeros", shown: true, cell: (l) => `${(100 * l.zeros).toFixed(1)}%` },
    ...(poisoned
      ? [{ title: "NaN/Inf", shown: true, cell: (l: Layer) => (l.nonFinite ? `⚠ ${l.nonFinite}` : "0") }]
      : []),
    { title: "ms", shown: false, cell: (l) => l.timeMs.toFixed(2) },
  ];
}

function drawTable(view: SimulationView, columns: Column[]): void {
  const shown = columns.filter((c) => c.shown);
  const head = document.createElement("tr");
  for (const title of ["Layer", ...shown.map((c) => c.title)]) {
    const th = document.createElement("th");
    th.textContent = title;
    head.appendChild(th);
  }
  byId("head").replaceChildren(head);
  const selected = byId("rows").dataset.selected;
  const rows = view.layers.map((l, i) => {
    const row = document.createElement("tr");
    row.dataset.index = String(i);
    if (l.nonFinite) row.classList.add("nonfinite");
    if (String(i) === selected) row.classList.add("selected");
    const name = document.createElement("td");
    name.textContent = l.name;
    name.className = "name";
    name.title = `${l.name} (${l.kind})`;
    row.appendChild(name);
    for (const c of shown) {
      const td = document.createElement("td");
      td.textContent = c.cell(l);
      if (c.text) td.className = "text";
      row.appendChild(td);
    }
    return row;
  });
  byId("rows").replaceChildren(...rows);
}

function drawChooser(columns: Column[], changed: () => void): void {
  const chooser = byId("columns");
  for (const c of columns) {
    const label = document.createElement("label");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.checked = c.shown;
    box.addEventListener("change", () => {
      c.shown = box.checked;
      changed();
    });
    label.append(box, ` ${c.title}`);
    chooser.appendChild(label);
  }
}
