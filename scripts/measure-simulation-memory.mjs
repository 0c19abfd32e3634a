// Measures the peak RSS (VmHWM) of simulating example models, each in a child process, against the estimate.
// Run after `npm run compile-tests`: node scripts/measure-simulation-memory.mjs [model:batch ...]
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const runs = process.argv.slice(2).length
  ? process.argv.slice(2)
  : [
      "lenet5:1",
      "resnet18:1",
      "resnet18:8",
      "vgg16:1",
      "vgg16:4",
      "alexnet:16",
      "resnet50:8",
      "densenet121:4",
      "unet_small:2",
      "mobilenet_v2:16",
    ];

/** The child: analyse one example, simulate it without a limit, report the estimate and the peak. */
const child = `
const { readFileSync } = await import("node:fs");
const { analyze } = await import(${JSON.stringify(`${root}out/server/src/analysis/index.js`)});
const { simulate } = await import(${JSON.stringify(`${root}out/server/src/simulation/simulate.js`)});
const [file, batch] = process.argv.slice(1);
const hwm = () => Number(/VmHWM:\\s+(\\d+)/.exec(readFileSync("/proc/self/status", "utf8"))[1]) * 1024;
const r = await simulate(analyze(readFileSync(file, "utf8")), undefined, {
  batch: Number(batch),
  memoryLimit: 2 ** 50,
  repeats: 2,
});
console.log(
  JSON.stringify({
    weights: r.memory.weights,
    activations: r.memory.activations,
    estimate: r.memory.peak,
    peak: hwm(),
  }),
);
`;

// LeNet-5 runs first, twice: its peak is the baseline of node with onnxruntime loaded.
const mib = (b) => (b / 1024 ** 2).toFixed(0).padStart(6);
console.log("| model | batch | weights MiB | activations MiB | estimate MiB | peak RSS MiB | peak − estimate MiB |");
console.log("|---|---|---|---|---|---|---|");
for (const run of ["lenet5:1", ...runs]) {
  const [name, batch] = run.split(":");
  const out = execFileSync(
    process.execPath,
    ["--input-type=module", "-e", child, `${root}examples/${name}.cnn`, batch],
    { encoding: "utf8" },
  );
  const m = JSON.parse(out.trim().split("\n").pop());
  console.log(
    `| ${name} | ${batch} | ${mib(m.weights)} | ${mib(m.activations)} | ` +
      `${mib(m.estimate)} | ${mib(m.peak)} | ${mib(m.peak - m.estimate)} |`,
  );
}
