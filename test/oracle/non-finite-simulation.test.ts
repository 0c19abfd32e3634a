// NaN and ±Infinity in a simulation are counted where the statistics are shown: CLI table, view model, webview.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { buildSync } from "esbuild";
import { simulationHtml } from "../../client/src/simulation-view.js";
import { simulationTable } from "../../server/src/report/simulation-table.js";
import { encodeSafetensors } from "../../server/src/simulation/safetensors.js";
import { simulate, type SimulationReport } from "../../server/src/simulation/simulate.js";
import { simulationView, type SimulationView } from "../../server/src/simulation/view-model.js";
import { randomWeights } from "../../server/src/simulation/weights.js";
import { analyze, repoRoot, wrap } from "../unit/helpers.js";

const SMALL = wrap([3, 8, 8], ["conv(4, 3, padding: 1) -> batchnorm", "maxpool(2)", "flatten", "dense(5)"]);

describe("a simulation whose weights hold NaN and Infinity", () => {
  const dir = mkdtempSync(join(tmpdir(), "cnnlens-nonfinite-"));
  let poisoned: SimulationReport;
  let clean: SimulationReport;

  before(async () => {
    const analysis = analyze(SMALL);
    const weights = randomWeights(analysis.models[0]!, 1);
    // A NaN at the centre of the first filter poisons conv1's channel 0 at all 8×8 positions (the centre never
    // falls on padding); an infinite bias poisons one score.
    weights.get("conv1.weight")!.data[4] = NaN;
    weights.get("dense1.bias")!.data[2] = Infinity;
    const file = join(dir, "nan.safetensors");
    writeFileSync(file, encodeSafetensors(weights));
    poisoned = await simulate(analysis, "Case", { weights: file, repeats: 0, keepTensors: true });
    clean = await simulate(analysis, "Case", { seed: 1, repeats: 0, keepTensors: true });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("the report lists the weight tensors and counts the values per layer", () => {
    assert.deepEqual(poisoned.weights.nonFinite, [
      { tensor: "conv1.weight", count: 1, size: 108 },
      { tensor: "dense1.bias", count: 1, size: 5 },
    ]);
    const counts = poisoned.layers.map((l) => [l.name, l.nonFinite]);
    assert.deepEqual(counts, [
      ["conv1", 64],
      ["batchnorm1", 64],
      ["maxpool1", 16],
      ["flatten1", 16],
      ["dense1", 5],
    ]);
    assert.equal(clean.weights.nonFinite, undefined);
    assert.ok(clean.layers.every((l) => l.nonFinite === 0));
  });

  it("an input with an infinite value is named, and the layers it reaches are counted", async () => {
    const data = new Float32Array(3 * 8 * 8).fill(0.5);
    data[0] = Infinity;
    const r = await simulate(analyze(SMALL), "Case", { input: { shape: [1, 3, 8, 8], data }, repeats: 0 });
    assert.equal(r.input.nonFinite, 1);
    // The corner pixel reaches the 2×2 corner of each of conv1's 4 channels through the padded 3×3 window.
    assert.equal(r.layers[0]!.nonFinite, 16);
    assert.match(simulationTable(r), /^⚠ the input holds 1 NaN or ±Infinity values$/m);
    assert.match(simulationView(r).input, /^given tensor \(1×3×8×8, ⚠ 1 NaN\/Inf values\)$/);
    assert.equal(clean.input.nonFinite, undefined);
  });

  it("the CLI table shows a NaN/Inf column and says which weights and layers", () => {
    const text = simulationTable(poisoned);
    assert.match(text, /^Layer +Output shape +Mean +Std +Min +Max +Zeros +NaN\/Inf +ms$/m);
    assert.match(text, /^conv1 +1×4×8×8 .* ⚠ 64 +\d+\.\d\d$/m);
    assert.match(text, /^⚠ weights with NaN or ±Infinity: conv1\.weight \(1 of 108\), dense1\.bias \(1 of 5\)$/m);
    assert.match(text, /^⚠ 5 of 5 layers output NaN or ±Infinity, first conv1 \(64 of 256 values\);/m);
    assert.match(text, /^Output 1×5: ⚠ 5 of 5 values are NaN\/Inf$/m);
    assert.doesNotMatch(text, /Top-5/);
    // A clean run keeps the table as it was: no column, no warning.
    const plain = simulationTable(clean);
    assert.doesNotMatch(plain, /NaN|⚠/);
    assert.match(plain, /^Layer +Output shape +Mean +Std +Min +Max +Zeros +ms$/m);
  });

  it("the view model carries the counts, and histograms count only finite values", () => {
    const view = simulationView(poisoned);
    assert.deepEqual(
      view.layers.map((l) => l.nonFinite),
      [64, 64, 16, 16, 5],
    );
    assert.deepEqual(
      view.nonFiniteWeights.map((w) => w.tensor),
      ["conv1.weight", "dense1.bias"],
    );
    assert.equal(
      view.layers[0]!.histogram.reduce((a, b) => a + b, 0),
      256 - 64,
    );
    assert.deepEqual(view.top5, []);
    assert.deepEqual(simulationView(clean).nonFiniteWeights, []);
  });

  it("the webview draws a NaN/Inf column, marks the rows and writes the warning", () => {
    const page = renderWebview(simulationView(poisoned));
    // Kind and ms start hidden (the column chooser shows them), so the table fits a half-width pane.
    assert.deepEqual(page.headers, ["Layer", "Shape", "Mean", "Std", "Min", "Max", "Zeros", "NaN/Inf"]);
    assert.deepEqual(
      page.rows.map((r) => r[7]),
      ["⚠ 64", "⚠ 64", "⚠ 16", "⚠ 16", "⚠ 5"],
    );
    assert.ok(page.marked.every(Boolean));
    assert.match(page.warnings, /⚠ weights with NaN or ±Infinity: conv1\.weight \(1 of 108\), dense1\.bias \(1 of 5\)/);
    assert.match(page.warnings, /⚠ 5 of 5 layers output NaN or ±Infinity, first conv1 \(64 values\)/);
    assert.match(page.title, /⚠ 5 NaN\/Inf values left out$/);
    // The depth chart's std series has no NaN: a layer without a finite std leaves a gap (null).
    assert.equal(page.series.std.length, 5);
    assert.ok(page.series.std.every((v: number | null) => v === null || Number.isFinite(v)));
    assert.match(page.mode, /^Inference mode: BatchNorm normalises with its running statistics/);
    const plain = renderWebview(simulationView(clean));
    assert.deepEqual(plain.headers, ["Layer", "Shape", "Mean", "Std", "Min", "Max", "Zeros"]);
    assert.equal(plain.warnings, "");
    assert.match(plain.mode, /with random weights the running statistics are 0 and 1/);
    assert.deepEqual(plain.top5, []);
  });
});

/**
 * The webview's page script (client/webview/simulation-page.ts: text and table; the charts need a real canvas and
 * are checked in the UI suite), bundled as esbuild.mjs bundles the webview, with the entry's call to drawPage.
 */
const webviewScript = buildSync({
  stdin: {
    contents:
      'import { byId, depthSeries, drawPage, selectRow } from "./simulation-page.ts";' +
      'const view = JSON.parse(byId("data").textContent);' +
      "drawPage(view, { get: () => undefined, set() {} }, () => {});" +
      "selectRow(view, view.layers.length - 1);" +
      'byId("series").textContent = JSON.stringify(depthSeries(view));',
    resolveDir: join(repoRoot, "client/webview"),
    loader: "ts",
  },
  bundle: true,
  write: false,
  format: "iife",
  platform: "browser",
  target: "es2022",
  logLevel: "silent",
}).outputFiles[0]!.text;

/** Runs the webview's own script against a minimal DOM and reads back what it drew. */
function renderWebview(view: SimulationView) {
  const uri = "https://webview.test/dist/webview-simulation.js?a=1&b=2";
  const html = simulationHtml(view, "vscode-resource:", { script: uri, style: "https://webview.test/s.css" });
  // The page loads the bundled script by the URI given (escaped), allowed by the nonce its policy names.
  const nonce = /script-src 'nonce-([^']+)'/.exec(html)![1]!;
  assert.ok(html.includes(`<script nonce="${nonce}" src="${uri.replace("&", "&amp;")}">`));
  const script = webviewScript;
  const data = /<script type="application\/json" id="data">([\s\S]*?)<\/script>/.exec(html)![1]!;
  const byId = new Map<string, FakeElement>();
  const document = {
    getElementById: (id: string) => byId.get(id) ?? byId.set(id, new FakeElement(id === "data" ? data : "")).get(id)!,
    createElement: () => new FakeElement(""),
    createElementNS: () => new FakeElement(""),
    querySelectorAll: (selector: string) => (selector === "#rows tr" ? document.getElementById("rows").children : []),
  };
  new Function("document", "atob", script)(document, (s: string) => Buffer.from(s, "base64").toString("binary"));
  const rows = document.getElementById("rows").children;
  return {
    headers: document.getElementById("head").children[0]!.children.map((c) => c.textContent),
    rows: rows.map((r) => r.children.map((c) => c.textContent)),
    marked: rows.map((r) => r.classes.has("nonfinite")),
    warnings: document.getElementById("warnings").textContent,
    title: document.getElementById("layer-title").textContent,
    mode: document.getElementById("mode").textContent,
    top5: document.getElementById("top5-list").children.map((c) => c.textContent),
    series: JSON.parse(document.getElementById("series").textContent) as { std: (number | null)[] },
  };
}

class FakeElement {
  readonly children: FakeElement[] = [];
  readonly attributes = new Map<string, string>();
  readonly classes = new Set<string>();
  readonly classList = {
    add: (c: string) => this.classes.add(c),
    toggle: (c: string, on: boolean) => (on ? this.classes.add(c) : this.classes.delete(c)),
  };
  readonly dataset: Record<string, string> = {};
  width = 0;
  height = 0;
  title = "";
  className = "";
  hidden = false;
  type = "";
  checked = false;
  constructor(public textContent: string) {}
  appendChild(child: FakeElement): FakeElement {
    this.children.push(child);
    return child;
  }
  append(...children: (FakeElement | string)[]): void {
    for (const c of children) if (typeof c !== "string") this.children.push(c);
  }
  replaceChildren(...children: FakeElement[]): void {
    this.children.length = 0;
    this.children.push(...children);
  }
  setAttribute(key: string, value: unknown): void {
    this.attributes.set(key, String(value));
  }
  addEventListener(): void {}
  getContext() {
    const createImageData = (w: number, h: number) => ({ data: new Uint8ClampedArray(w * h * 4) });
    return { createImageData, putImageData: () => undefined };
  }
}
