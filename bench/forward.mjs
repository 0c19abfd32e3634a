// Forward-pass speed, in one run and one table: what a user runs (`simulate`, every layer's statistics) and the
// lean graph (final output only) on onnxruntime-node, next to Debian PyTorch bare and with the same statistics
// computed by forward hooks, for ResNet-18, ResNet-50 and MobileNet-V2 on 1 and 2 threads; then images per
// second at batch 1, 8 and 32. Ratios are within this run: the machine is shared, so read them, not the times.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as ort from "onnxruntime-node";
import { analyze } from "../dist/analysis.js";
import { buildOnnx } from "../out/server/src/layers/onnx-model.js";
import { randomInput } from "../out/server/src/simulation/inputs.js";
import { simulate } from "../out/server/src/simulation/simulate.js";
import { randomWeights } from "../out/server/src/simulation/weights.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const THREADS = [1, 2];
const BATCHES = [1, 8, 32];
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

const loadBefore = load();
const torch = spawnSync(
  "/usr/bin/python3",
  [join(root, "bench", "torch_forward.py"), THREADS.join(","), BATCHES.join(",")],
  { encoding: "utf8", timeout: 3_600_000 },
);
if (torch.status !== 0) {
  console.error(
    `bench: bench/torch_forward.py ended with ${torch.status ?? torch.signal}; ` +
      `PyTorch is needed for the reference (apt-get install -y python3-torch python3-torchvision)\n` +
      `${torch.stderr}`,
  );
  process.exit(1);
}
const reference = JSON.parse(torch.stdout);
console.error(`PyTorch: ${torch.stdout.trim()}`);

/** The lean graph: the exported model's final output only, which onnxruntime fuses freely. */
async function lean(model, threads, batch, runs) {
  const input = randomInput({ sample: model.input, framework: model.framework, batch, seed: 0 });
  const bytes = buildOnnx(model, randomWeights(model, 0), { outputs: "final", batch });
  const options = { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: "all" };
  const session = await ort.InferenceSession.create(bytes, options);
  const feeds = { input: new ort.Tensor("float32", input.data, input.shape) };
  for (let i = 0; i < 2; i++) await session.run(feeds);
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await session.run(feeds);
    times.push(performance.now() - t);
  }
  await session.release();
  return median(times);
}

/** What `cnnlens simulate` does: time to the first report (everything after the analysis), then steady passes. */
async function user(analysis, threads, batch, runs) {
  const started = performance.now();
  await simulate(analysis, undefined, { threads, batch, repeats: 0 });
  const firstMs = performance.now() - started;
  const report = await simulate(analysis, undefined, { threads, batch, repeats: runs });
  return { firstMs, steadyMs: report.timing.steadyMs };
}

const rows = [];
const throughput = [];
for (const r of reference.results) {
  const analysis = analyze(readFileSync(join(root, "examples", `${r.model}.cnn`), "utf8"));
  const model = analysis.models[0];
  const ours = await user(analysis, r.threads, 1, 7);
  const bare = await lean(model, r.threads, 1, 7);
  rows.push({ ...r, ours, bare });
  for (const [n, torchRate] of Object.entries(r.imagesPerSecond)) {
    const batch = Number(n);
    const runs = batch > 1 ? 2 : 7;
    // The budget assumes every layer's output leaves the engine (22 GiB for ResNet-50 at 32); the statistics
    // graph keeps them inside, and this machine has the memory.
    const options = { threads: r.threads, batch, repeats: runs, memoryLimit: Number.MAX_SAFE_INTEGER };
    const sim = (await simulate(analysis, undefined, options)).timing.steadyMs;
    throughput.push({ model: r.model, threads: r.threads, batch, sim: (batch * 1000) / sim, torch: torchRate });
  }
}

const x = (a, b) => `${(a / b).toFixed(2)}×`;
const mark = (ok) => (ok ? "✓" : "✗");
console.log(
  `\nForward pass, batch 1, 3×224×224: CNN Lens on onnxruntime-node vs PyTorch ${reference.torch}, same run` +
    `\nload average ${loadBefore} before, ${load()} after (2 cores; read the ratios)\n`,
);
console.log(
  "model         thr | simulate  lean   torch+hooks  torch | sim/lean  sim/(torch+hooks) | " +
    "first result: sim / torch | targets",
);
for (const r of rows) {
  const s = r.ours.steadyMs;
  const targets = [`sim ≤ 1.3× lean ${mark(s <= 1.3 * r.bare)}`, `sim < torch+hooks ${mark(s < r.hooksMs)}`];
  if (r.model === "resnet50") targets.push(`first ≤ torch ${mark(r.ours.firstMs <= r.firstMs)}`);
  console.log(
    `${r.model.padEnd(13)} ${String(r.threads).padStart(3)} | ` +
      `${s.toFixed(1).padStart(8)} ${r.bare.toFixed(1).padStart(6)} ${r.hooksMs.toFixed(1).padStart(12)} ` +
      `${r.steadyMs.toFixed(1).padStart(6)} | ${x(s, r.bare).padStart(8)}  ${x(s, r.hooksMs).padStart(17)} | ` +
      `${r.ours.firstMs.toFixed(0).padStart(12)} / ${r.firstMs.toFixed(0).padStart(5)} ms  | ${targets.join(", ")}`,
  );
}
console.log("\nImages per second with every layer's statistics (simulate --batch N vs PyTorch with the hooks)\n");
console.log("model         thr  batch | simulate  torch+hooks | ratio");
for (const t of throughput) {
  console.log(
    `${t.model.padEnd(13)} ${String(t.threads).padStart(3)} ${String(t.batch).padStart(6)} | ` +
      `${t.sim.toFixed(1).padStart(8)} ${t.torch.toFixed(1).padStart(12)} | ${x(t.sim, t.torch)}`,
  );
}
