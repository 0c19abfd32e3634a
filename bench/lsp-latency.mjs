// Editor latency on the generated 10,000-layer file: didChange → diagnostics, hover and inlay hints, measured
// against the bundled language server over stdio, as VS Code talks to it. Prints p50/p99 and the targets.
import { generateDeep } from "./deep-model.mjs";
import { initialize, quantile, startServer } from "./lsp-server.mjs";

const { connection, diagnosticsAfter, stop } = startServer();

function summarise(samples) {
  const s = [...samples].sort((a, b) => a - b);
  return { n: s.length, p50: quantile(s, 0.5), p99: quantile(s, 0.99) };
}

const deep = generateDeep(10_000);
const lines = deep.text.split("\n");
const uri = "file:///bench/deep.cnn";
let version = 1;
await initialize(connection);
const first = await diagnosticsAfter(uri, version, () =>
  connection.sendNotification("textDocument/didOpen", {
    textDocument: { uri, languageId: "cnn", version, text: deep.text },
  }),
);
if (first.diagnostics.some((d) => d.severity === 1)) throw new Error("the generated model has errors");

// didChange → diagnostics: each edit changes one channel count (a full re-analysis), then waits for the
// diagnostics of exactly that version. The first edits warm the engine up (V8 optimises the analysis after
// a few runs) and are not counted, as in the other benchmarks.
const WARM_UP = 5;
const change = [];
for (let i = 0; i < 60 + WARM_UP; i++) {
  const line = 10 + ((i * 97) % (lines.length - 20));
  const at = lines[line].indexOf("conv(");
  if (at < 0) continue;
  const started = performance.now();
  version++;
  await diagnosticsAfter(uri, version, () =>
    connection.sendNotification("textDocument/didChange", {
      textDocument: { uri, version },
      contentChanges: [{ range: { start: { line, character: at + 4 }, end: { line, character: at + 4 } }, text: " " }],
    }),
  );
  if (i >= WARM_UP) change.push(performance.now() - started);
}

async function timeRequests(count, make) {
  const samples = [];
  for (let i = 0; i < count; i++) {
    const [method, params] = make(i);
    const started = performance.now();
    await connection.sendRequest(method, params);
    samples.push(performance.now() - started);
  }
  return samples;
}
const hover = await timeRequests(300, (i) => [
  "textDocument/hover",
  { textDocument: { uri }, position: { line: 5 + ((i * 131) % (lines.length - 10)), character: 5 } },
]);
const visibleHints = await timeRequests(300, (i) => {
  const start = (i * 173) % (lines.length - 60);
  return [
    "textDocument/inlayHint",
    { textDocument: { uri }, range: { start: { line: start, character: 0 }, end: { line: start + 60, character: 0 } } },
  ];
});
const allHints = await timeRequests(20, () => [
  "textDocument/inlayHint",
  { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } } },
]);

const rows = [
  ["didChange → diagnostics (full re-analysis)", summarise(change), 150],
  ["hover", summarise(hover), 50],
  ["inlay hints, 60 visible lines", summarise(visibleHints), 50],
  ["inlay hints, whole file", summarise(allHints), 50],
];
console.log(
  `\nEditor latency on the generated ${deep.layers.toLocaleString("en-US")}-layer file ` +
    `(${lines.length.toLocaleString("en-US")} lines), over stdio\n`,
);
console.log("request".padEnd(44), "runs".padStart(5), "p50 ms".padStart(9), "p99 ms".padStart(9), "  target p99");
for (const [name, s, target] of rows) {
  console.log(
    name.padEnd(44),
    String(s.n).padStart(5),
    s.p50.toFixed(1).padStart(9),
    s.p99.toFixed(1).padStart(9),
    `  < ${target} ms ${s.p99 < target ? "✓" : "✗"}`,
  );
}
await stop();
