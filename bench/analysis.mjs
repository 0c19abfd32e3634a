// Benchmarks analyze() (ResNet-50 and a generated 10,000-layer model) against a torchinfo-style PyTorch summary.
// Run with `npm run bench` (builds dist/analysis.js first). Exits 1 if an analysis has errors or PyTorch is missing;
// a missed time target is reported, not failed.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { analyze } from "../dist/analysis.js";
import { generateDeep } from "./deep-model.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc"); // for the heap figures only
const PYTHON = "/usr/bin/python3";
const TORCHVISION_RESNET50_PARAMS = 25_557_032;

// ---------------------------------------------------------------- helpers

function fail(message) {
  console.error(`\nbench: ${message}`);
  process.exit(1);
}

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { n: sorted.length, median: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), min: sorted[0] };
}

/** Runs fn `warmup` times untimed, then times `runs` calls (or as many as fit in `budgetMs`). */
function time(fn, { warmup, runs, budgetMs = Infinity }) {
  for (let i = 0; i < warmup; i++) fn();
  const samples = [];
  const start = performance.now();
  while (samples.length < runs && performance.now() - start < budgetMs) {
    const t = performance.now();
    fn();
    samples.push(performance.now() - t);
  }
  return stats(samples);
}

function checkAnalysis(label, text, { minLayers = 1, params } = {}) {
  const a = analyze(text);
  const errors = a.diagnostics.filter((d) => d.severity === "error");
  if (errors.length) {
    const shown = errors
      .slice(0, 5)
      .map((d) => `  ${d.code} @${d.span.start}: ${d.message}`)
      .join("\n");
    fail(`${label} analyses with ${errors.length} error(s):\n${shown}`);
  }
  const model = a.models[0];
  if (!model) fail(`${label}: no model in the analysis`);
  if (model.layers.length < minLayers) fail(`${label}: ${model.layers.length} layers, expected at least ${minLayers}`);
  if (params !== undefined && model.params.total !== params)
    fail(`${label}: ${model.params.total} params, expected ${params}`);
  return { layers: model.layers.length, params: model.params.total, macs: model.macs };
}

// ---------------------------------------------------------------- PyTorch

function runPython(args) {
  const started = Date.now();
  const r = spawnSync(PYTHON, [join(root, "bench", "torch_summary.py"), ...args], {
    encoding: "utf8",
    timeout: 120_000,
  });
  const wallMs = Date.now() - started;
  if (r.error) return { error: `${PYTHON}: ${r.error.message}` };
  let out;
  try {
    out = JSON.parse(r.stdout.trim().split("\n").pop() ?? "");
  } catch {
    return {
      error: `torch_summary.py exited ${r.status}: ${(r.stderr || r.stdout).trim().split("\n").slice(-3).join(" | ")}`,
    };
  }
  if (out.error || r.status !== 0) return { error: out.error ?? `torch_summary.py exited ${r.status}` };
  return { ...out, wallMs };
}

function torchMissing(message) {
  fail(`PyTorch is needed for the comparison and could not be used (${message}).
Install Debian's PyTorch and torchvision for ${PYTHON}:
  apt-get install -y python3-torch python3-torchvision`);
}

/**
 * parse() from grammar/index.ts, bundled in memory (dist/analysis.js does not export it), to split parse from
 * analysis.
 */
async function loadParse() {
  try {
    const esbuild = await import("esbuild");
    const out = await esbuild.build({
      entryPoints: [join(root, "grammar", "index.ts")],
      bundle: true,
      write: false,
      format: "esm",
      platform: "node",
      target: "node20",
      minify: true,
      logLevel: "silent",
    });
    const url = `data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString("base64")}`;
    return (await import(url)).parse;
  } catch {
    return undefined; // the split is a detail: skip it if the grammar cannot be bundled
  }
}

// ---------------------------------------------------------------- run

const fmt = (ms) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2)).padStart(8);
const int = (n) => n.toLocaleString("en-US");
const ratio = (a, b) => `${(a / b).toFixed(0)}×`;

console.log(
  `CNN Lens analysis benchmark — node ${process.version}, ${process.platform}/${process.arch}, ` +
    `${cpus().length} CPUs, load average ${loadavg()[0].toFixed(2)}\n`,
);

// PyTorch start-up + import (3 spawns), first: it also checks that PyTorch is there before the long runs
const startups = [];
const importMs = [];
for (let i = 0; i < 3; i++) {
  const r = runPython(["--import-only"]);
  if (r.error) torchMissing(r.error);
  startups.push(r.wallMs);
  importMs.push(r.import_ms);
}

const resnetText = readFileSync(join(root, "examples", "resnet50.cnn"), "utf8");
const resnet = checkAnalysis("examples/resnet50.cnn", resnetText, { params: TORCHVISION_RESNET50_PARAMS });
const deep = generateDeep(10_000);
const deepAnalysis = checkAnalysis("generated 10,000-layer model", deep.text, { minLayers: 10_000 });

console.log(`ResNet-50:  ${resnet.layers} layers, ${int(resnet.params)} params, ${int(resnet.macs)} MACs`);
console.log(
  `Deep:       ${int(deepAnalysis.layers)} layers, ${int(deep.lines)} lines, ` +
    `${int(deep.text.length)} chars, ${int(deepAnalysis.params)} params`,
);

const tResnet = time(() => analyze(resnetText), { warmup: 200, runs: 2000, budgetMs: 8_000 });
const tDeep = time(() => analyze(deep.text), { warmup: 5, runs: 60, budgetMs: 12_000 });
const parse = await loadParse();
const tDeepParse = parse && time(() => parse(deep.text), { warmup: 5, runs: 30, budgetMs: 6_000 });

// heap after analysing the 10,000-layer file, with its result still alive
gc();
const heapBefore = process.memoryUsage().heapUsed;
let kept = analyze(deep.text);
const heapAfter = process.memoryUsage().heapUsed;
gc();
const heapKept = process.memoryUsage().heapUsed;
const layersKept = kept.models[0].layers.length;
kept = undefined;
const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

// PyTorch: the summary itself (start-up was timed first)
const torch = runPython(["--build-runs", "5", "--hook-runs", "10"]);
if (torch.error) torchMissing(torch.error);
const tStart = stats(startups);
const tImport = stats(importMs);
const tBuild = stats(torch.build_hooks_forward_ms);
const tHooks = stats(torch.hooks_forward_ms);

const same = torch.params === resnet.params && torch.macs === resnet.macs;
console.log(
  `PyTorch:    torch ${torch.torch}, torchvision ${torch.torchvision}, ${torch.threads} threads, ` +
    `${torch.leaf_layers} leaf modules, ` +
    `${int(torch.params)} params, ${int(torch.macs)} MACs — ` +
    `${same ? "same params and MACs as CNN Lens" : "DIFFERENT params or MACs from CNN Lens"}\n`,
);

const target = (s, limit) => `${s.median < limit ? "✓" : "✗"} target < ${limit} ms`;
const rows = [
  ["CNN Lens: analyze(resnet50.cnn)", tResnet, target(tResnet, 5)],
  ["CNN Lens: analyze(10,000-layer file)", tDeep, target(tDeep, 100)],
  ...(tDeepParse
    ? [
        [
          "  of which parse() (grammar/index.ts)",
          tDeepParse,
          `${((tDeepParse.median / tDeep.median) * 100).toFixed(0)}% of the analysis`,
        ],
      ]
    : []),
  ["PyTorch: build + hooks + forward", tBuild, "model construction included"],
  ["PyTorch: hooks + forward (built model)", tHooks, "1×3×224×224, no_grad"],
  ["PyTorch: process start + import torch", tStart, `import alone ${tImport.median.toFixed(0)} ms`],
];
const w = Math.max(...rows.map((r) => r[0].length));
console.log(`${"measurement".padEnd(w)}    runs  median ms    p99 ms    min ms   `);
console.log(`${"-".repeat(w)}  ------  ---------  --------  --------   ${"-".repeat(28)}`);
for (const [name, s, note] of rows)
  console.log(
    `${name.padEnd(w)}  ${String(s.n).padStart(6)}  ${fmt(s.median)}   ${fmt(s.p99)}  ${fmt(s.min)}   ${note}`,
  );

console.log(`\nratios (medians; how many ResNet-50 analyses fit in one PyTorch summary):`);
console.log(
  `  PyTorch build + hooks + forward / CNN Lens ResNet-50 analysis = ${ratio(tBuild.median, tResnet.median)}`,
);
console.log(
  `  PyTorch hooks + forward          / CNN Lens ResNet-50 analysis = ${ratio(tHooks.median, tResnet.median)}`,
);
console.log(`  (with process start + import torch: ${ratio(tStart.median + tBuild.median, tResnet.median)})`);
console.log(
  `\nmemory (10,000-layer file): heap used ${mb(heapAfter)} right after analyze(), ` +
    `${mb(heapKept)} after gc with the result kept ` +
    `(${int(layersKept)} layers); the result itself holds ${mb(heapKept - heapBefore)} ` +
    `(heap before: ${mb(heapBefore)})`,
);
