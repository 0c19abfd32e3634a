// The architecture diagram's pipeline, timed on ResNet-50, DenseNet-121 and the generated 10,000-layer model:
// the `cnnlens/diagram` request to the bundled server over stdio, then what the webview does with the answer
// (the visible graph, ELK's layout, the SVG markup), in this process with ELK's in-thread worker.
// "render" is the command's path (the request on an opened document, then the drawing); "update" is an edit's
// (didChange, the request, the drawing). Targets: render under 1 s, update under 300 ms (ResNet-50, DenseNet-121).
// The UI suite (test/e2e/ui/diagram.test.mjs) measures the same in the real webview and prints it.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateDeep } from "./deep-model.mjs";
import { initialize, quantile, startServer } from "./lsp-server.mjs";
import { elkGraph } from "../out/client/src/diagram/elk-graph.js";
import { drawSvg } from "../out/client/src/diagram/svg.js";
import { visibleGraph } from "../out/client/src/diagram/visible-graph.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const ELK = require("elkjs/lib/elk.bundled.js");
const elk = new ELK();
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const TARGETS = { render: 1000, update: 300 };

const { connection, diagnosticsAfter, stop } = startServer();
await initialize(connection);

/** The webview's part: visible graph, layout, SVG; returns its times and the node count. */
async function draw(data, toggled = new Set()) {
  const t0 = performance.now();
  const graph = visibleGraph(data, { toggled });
  const t1 = performance.now();
  const laid = await elk.layout(elkGraph(graph));
  const t2 = performance.now();
  const svg = drawSvg(laid, graph, { metric: "params" });
  const t3 = performance.now();
  let nodes = 0;
  const count = (list) => list.forEach((n) => (nodes++, n.children && count(n.children)));
  count(graph.roots);
  return { graph: t1 - t0, layout: t2 - t1, svg: t3 - t2, nodes, bytes: svg.length };
}

const stats = (samples) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: quantile(sorted, 0.5), max: sorted[sorted.length - 1] };
};
const ms = (v) => `${v.toFixed(0).padStart(5)} ms`;
const mark = (v, target) => (v <= target ? "✓" : "✗");

async function bench(title, text, { expandAll = false } = {}) {
  const uri = `file:///bench/${title.replace(/\W+/g, "-")}.cnn`;
  let version = 1;
  await diagnosticsAfter(uri, version, () =>
    connection.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "cnn", version, text } }),
  );
  const firstLine = text.split("\n").findIndex((l) => /^\s*input\(/.test(l));
  const render = [];
  const update = [];
  const parts = [];
  let shown;
  // One warm-up of each path first: V8 optimises ELK's code on its first layouts, as the webview's worker does.
  for (let i = 0; i < RUNS + 1; i++) {
    let started = performance.now();
    const data = await connection.sendRequest("cnnlens/diagram", { uri });
    const toggled = new Set(expandAll ? data.groups.flatMap((g, j) => (g.collapsed ? [`g${j}`] : [])) : []);
    let drawn = await draw(data, toggled);
    if (i > 0) render.push(performance.now() - started);
    // An edit: a space at the end of the input line, as typing does; the diagram of the new version follows.
    version++;
    started = performance.now();
    await connection.sendNotification("textDocument/didChange", {
      textDocument: { uri, version },
      contentChanges: [
        { range: { start: { line: firstLine, character: 0 }, end: { line: firstLine, character: 0 } }, text: " " },
      ],
    });
    const edited = await connection.sendRequest("cnnlens/diagram", { uri });
    if (edited.version !== version) throw new Error(`${title}: the diagram answered version ${edited.version}`);
    drawn = await draw(edited, toggled);
    if (i > 0) {
      update.push(performance.now() - started);
      parts.push(drawn);
    }
    shown = drawn;
  }
  const r = stats(render);
  const u = stats(update);
  const layout = stats(parts.map((p) => p.layout)).p50;
  const svg = stats(parts.map((p) => p.svg)).p50;
  console.log(
    `${title.padEnd(34)} ${String(shown.nodes).padStart(5)} nodes  render ${ms(r.p50)} ${mark(r.p50, TARGETS.render)}` +
      `  update ${ms(u.p50)} ${mark(u.p50, TARGETS.update)}  (layout ${ms(layout)}, svg ${ms(svg)}, max ${ms(u.max)})`,
  );
}

console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}; ${RUNS} runs, p50 (targets: render < 1 s, update < 300 ms)`,
);
const resnet = readFileSync(join(root, "examples/resnet50.cnn"), "utf8");
const densenet = readFileSync(join(root, "examples/densenet121.cnn"), "utf8");
await bench("ResNet-50 (blocks collapsed)", resnet);
await bench("DenseNet-121 (blocks collapsed)", densenet);
await bench("ResNet-50 (every block expanded)", resnet, { expandAll: true });
await bench("10,000 layers (sections collapsed)", generateDeep().text);
await stop();
