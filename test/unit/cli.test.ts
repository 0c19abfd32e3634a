// The cnnlens command line: exit codes, the check format and the --json document.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { run, type Io } from "../../bin/cli.js";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { readRepoFile, repoRoot } from "./helpers.js";

async function cli(argv: string[], files: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const written = new Map<string, Uint8Array | string>();
  const io: Io = {
    readFile: (p) => {
      if (p in files) return files[p]!;
      if (p.startsWith("examples/")) return readRepoFile(p);
      throw Object.assign(new Error("no such file"), { code: "ENOENT" });
    },
    writeFile: (p, data) => { written.set(p, data); },
    out: (t) => out.push(t),
    err: (t) => err.push(t),
  };
  const code = await run(argv, io);
  return { code, out: out.join("\n"), err: err.join("\n"), written };
}

describe("cnnlens", () => {
  it("summary prints the table with torchvision's totals", async () => {
    const r = await cli(["summary", "examples/resnet50.cnn"]);
    assert.equal(r.code, 0);
    assert.match(r.out, /Total params: 25,557,032/);
    assert.match(r.out, /^conv1 +conv +64×112×112 +9,408 +118,013,952 +7\/2$/m);
  });
  it("summary --json follows the documented document", async () => {
    const r = await cli(["summary", "examples/vgg16.cnn", "--json"]);
    const doc = JSON.parse(r.out);
    const m = doc.models[0];
    assert.equal(m.name, "VGG16");
    assert.deepEqual(m.params, { total: 138357544, trainable: 138357544, nonTrainable: 0 });
    assert.deepEqual(m.input, [3, 224, 224]);
    const first = m.layers[0];
    assert.deepEqual(Object.keys(first).sort(), ["inputShape", "kind", "line", "macs", "memory", "name", "outputShape", "params", "receptiveField", "trainableParams"].sort());
    assert.equal(typeof first.line, "number");
    assert.deepEqual(first.receptiveField.size, [3, 3]);
    assert.deepEqual(doc.diagnostics, []);
  });
  it("check prints file:line:col: severity: message [code] and exits 1 on errors", async () => {
    const r = await cli(["check", "bad.cnn"], { "bad.cnn": "model M {\n  input(3, 8, 8)\n  conv(4, 9)\n}\n" });
    assert.equal(r.code, 1);
    assert.equal(r.out, "bad.cnn:3:11: error: kernel 9 is larger than the padded input 8 on H: use a kernel ≤ 8 or more padding [kernel-too-large]");
  });
  it("check exits 0 on warnings only, and --json gives 0-based ranges", async () => {
    const r = await cli(["check", "w.cnn", "--json"], { "w.cnn": "model M {\n  input(3, 8, 8)\n  dense(4)\n}" });
    assert.equal(r.code, 0);
    const doc = JSON.parse(r.out);
    assert.deepEqual(doc.diagnostics[0].range, { start: { line: 2, character: 2 }, end: { line: 2, character: 10 } });
    assert.equal(doc.diagnostics[0].severity, "warning");
  });
  it("usage errors and unreadable files exit 2", async () => {
    assert.equal((await cli([])).code, 2);
    assert.equal((await cli(["frobnicate", "x.cnn"])).code, 2);
    assert.equal((await cli(["summary", "x.cnn", "--bogus"])).code, 2);
    const missing = await cli(["check", "missing.cnn"]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /cannot read missing.cnn: ENOENT/);
  });
  it("simulate runs a real forward pass and prints the statistics, top-5 and times", async () => {
    const r = await cli(["simulate", "examples/lenet5.cnn", "--seed", "1"]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^Simulation of LeNet5 \(pytorch\) on onnxruntime/);
    assert.match(r.out, /^conv1 +1×6×28×28 /m);
    assert.match(r.out, /^Top-5 classes \(softmax of the output\): \d+ \(/m);
    assert.match(r.out, /^Time to first result: \d+ ms/m);
    assert.match(r.out, /^Steady-state forward: [\d.]+ ms/m);
  });
  it("simulate refuses bad numbers and models with errors", async () => {
    assert.equal((await cli(["simulate", "examples/lenet5.cnn", "--batch", "0"])).code, 2);
    const tooBig = await cli(["simulate", "examples/vgg16.cnn", "--memory-limit", "100"]);
    assert.equal(tooBig.code, 1);
    assert.match(tooBig.err, /simulating VGG16 with batch 1 needs about [\d.]+ MiB at its peak \(weights [\d.]+ MiB and activations [\d.]+ MiB, held about [\d.]+ and [\d.]+ times\), more than the limit of 100\.0 MiB/);
    const bad = await cli(["simulate", "bad.cnn"], { "bad.cnn": "model M {\n  input(3, 8, 8)\n  conv(4, 9)\n}\n" });
    assert.equal(bad.code, 1);
    assert.match(bad.err, /model M has errors, so it cannot be simulated/);
  });
  it("export --to onnx writes the model next to the file, with the ONNX header", async () => {
    const r = await cli(["export", "examples/lenet5.cnn", "--to", "onnx"]);
    assert.equal(r.code, 0, r.err);
    const bytes = r.written.get("examples/lenet5.onnx") as Uint8Array;
    assert.ok(bytes.length > 61706 * 4, "holds the 61,706 weights as float32");
    assert.match(r.out, /^wrote examples\/lenet5.onnx: model LeNet5/);
    assert.equal((await cli(["export", "examples/lenet5.cnn", "--to", "tflite"])).code, 2);
  });
  it("the bundled command (bin/cnnlens.js, as npm installs it) runs summary and simulate", () => {
    const run = (...args: string[]) => spawnSync(process.execPath, [join(repoRoot, "bin", "cnnlens.js"), ...args], { cwd: repoRoot, encoding: "utf8" });
    const summary = run("summary", "examples/lenet5.cnn");
    assert.equal(summary.status, 0, summary.stderr);
    assert.match(summary.stdout, /Total params: 61,706/);
    const simulated = run("simulate", "examples/lenet5.cnn");
    assert.equal(simulated.status, 0, simulated.stderr);
    assert.match(simulated.stdout, /^Steady-state forward: /m);
  });
  it("export --to pytorch prints an nn.Module; --to keras a functional model; -o writes a file", async () => {
    const torch = await cli(["export", "--to", "pytorch", "examples/resnet50.cnn"]);
    assert.equal(torch.code, 0, torch.err);
    assert.match(torch.out, /^class Bottleneck\(nn\.Module\):$/m);
    assert.ok(torch.out.split("\n").length < 120, "ResNet-50 reads like torchvision's: under 120 lines");
    const keras = await cli(["export", "examples/keras_smallnet.cnn", "--to", "keras", "-o", "smallnet.py"]);
    assert.equal(keras.code, 0, keras.err);
    assert.match(String(keras.written.get("smallnet.py")), /keras\.Input\(shape=\(32, 32, 3\)/);
  });
  it("export refuses a file with errors", async () => {
    const r = await cli(["export", "bad.cnn", "--to", "pytorch"], { "bad.cnn": "model M {\n  input(3, 8, 8)\n  conv(4, 9)\n}\n" });
    assert.equal(r.code, 1);
    assert.match(r.err, /kernel 9 is larger/);
  });
  it("--model selects one model", async () => {
    const files = { "two.cnn": "model A { input(4) dense(2) }\nmodel B { input(4) dense(3) }" };
    assert.match((await cli(["summary", "two.cnn", "--model", "B"], files)).out, /Model B/);
    assert.equal((await cli(["summary", "two.cnn", "--model", "C"], files)).code, 2);
  });
});
