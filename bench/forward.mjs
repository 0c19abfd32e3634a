// Forward-pass speed: ResNet-18 and ResNet-50 at batch 1 on 1 and 2 threads, CNN Lens on onnxruntime-node
// (the exported graph, final output only) next to Debian PyTorch in the same run, as ratios.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as ort from "onnxruntime-node";
import { analyze } from "../dist/analysis.js";
import { buildOnnx } from "../out/server/src/export/onnx-builder.js";
import { randomInput } from "../out/server/src/simulation/inputs.js";
import { randomWeights } from "../out/server/src/simulation/weights.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const torch = spawnSync("/usr/bin/python3", [join(root, "bench", "torch_forward.py"), "1", "2"], {
  encoding: "utf8",
  timeout: 300_000,
});
if (torch.status !== 0) {
  console.error(
    `bench: PyTorch is needed for the reference (apt-get install -y python3-torch python3-torchvision)\n` +
      `${torch.stderr}`,
  );
  process.exit(1);
}
const reference = JSON.parse(torch.stdout);

async function ours(name, threads) {
  const analysis = analyze(readFileSync(join(root, "examples", `${name}.cnn`), "utf8"));
  const model = analysis.models[0];
  const input = randomInput({ sample: model.input, framework: model.framework, batch: 1, seed: 0 });
  // Time to first result: weights, the ONNX bytes, the session and the first forward pass.
  const started = performance.now();
  const bytes = buildOnnx(model, randomWeights(model, 0), { outputs: "final" });
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: threads, interOpNumThreads: 1 });
  const feeds = { input: new ort.Tensor("float32", input.data, input.shape) };
  await session.run(feeds);
  const firstMs = performance.now() - started;
  for (let i = 0; i < 3; i++) await session.run(feeds);
  const runs = [];
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    await session.run(feeds);
    runs.push(performance.now() - t);
  }
  await session.release();
  return { firstMs, steadyMs: median(runs) };
}

console.log(
  `\nForward pass, batch 1, 3×224×224 — CNN Lens (onnxruntime-node) vs PyTorch ${reference.torch}, ` +
    `same machine, same run\n`,
);
console.log("model      threads   steady ms (ours / torch / torch ÷ ours)   first result ms (ours / torch)   targets");
for (const r of reference.results) {
  const o = await ours(r.model, r.threads);
  const ratio = r.steadyMs / o.steadyMs;
  const targets = [`steady ≤ PyTorch ${o.steadyMs <= r.steadyMs ? "✓" : "✗"}`];
  if (r.model === "resnet50") targets.push(`first < 3 s ${o.firstMs < 3000 ? "✓" : "✗"}`);
  console.log(
    `${r.model.padEnd(10)} ${String(r.threads).padStart(7)}   ` +
      `${o.steadyMs.toFixed(1).padStart(8)} / ${r.steadyMs.toFixed(1).padStart(6)} / ${ratio.toFixed(2)}×   ` +
      `${o.firstMs.toFixed(0).padStart(12)} / ${r.firstMs.toFixed(0).padStart(6)}            ${targets.join(", ")}`,
  );
}
