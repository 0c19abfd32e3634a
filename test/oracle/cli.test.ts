// The cnnlens command line: exit codes, the check format and the --json document.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { run, type Io } from "../../bin/cli.js";
import { InputFileError } from "../../server/src/simulation/input-error.js";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { readRepoFile, repoRoot } from "../unit/helpers.js";
import { readdirSync } from "node:fs";
import { shortenMiddle } from "../../server/src/report/table.js";

async function cli(argv: string[], files: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const written = new Map<string, Uint8Array | string>();
  const io: Io = {
    readFile: (p) => {
      if (p in files) return files[p]!;
      if (p.startsWith("examples/")) return readRepoFile(p);
      throw new InputFileError(p, "no such file", true);
    },
    writeFile: (p, data) => {
      written.set(p, data);
    },
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
    assert.deepEqual(
      Object.keys(first).sort(),
      [
        "inputShape",
        "kind",
        "line",
        "macs",
        "memory",
        "name",
        "outputShape",
        "params",
        "receptiveField",
        "trainableParams",
      ].sort(),
    );
    assert.equal(typeof first.line, "number");
    assert.deepEqual(first.receptiveField.size, [3, 3]);
    assert.deepEqual(doc.diagnostics, []);
  });
  it("check prints file:line:col: severity: message [code] and exits 1 on errors", async () => {
    const r = await cli(["check", "bad.cnn"], { "bad.cnn": "model M {\n  input(3, 8, 8)\n  conv(4, 9)\n}\n" });
    assert.equal(r.code, 1);
    assert.equal(
      r.out,
      "bad.cnn:3:11: error: kernel 9 is larger than the padded input 8 on H: " +
        "use a kernel ≤ 8 or more padding [kernel-too-large]",
    );
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
    assert.match(missing.err, /^cnnlens: cannot read missing.cnn: no such file$/);
  });
  it("simulate runs a real forward pass and prints the statistics, top-5 and times", async () => {
    const r = await cli(["simulate", "examples/lenet5.cnn", "--seed", "1"]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^Simulation of LeNet5 \(pytorch\) on onnxruntime/);
    assert.match(r.out, /^conv1 +1×6×28×28 /m);
    assert.doesNotMatch(r.out, /Top-5/, "class scores of random weights mean nothing");
    assert.match(r.out, /^Time to first result: \d+ ms/m);
    assert.match(r.out, /^Steady-state forward: [\d.]+ ms/m);
  });
  it("simulate refuses bad numbers and models with errors", async () => {
    assert.equal((await cli(["simulate", "examples/lenet5.cnn", "--batch", "0"])).code, 2);
    const tooBig = await cli(["simulate", "examples/vgg16.cnn", "--memory-limit", "100"]);
    assert.equal(tooBig.code, 1);
    assert.match(
      tooBig.err,
      new RegExp(
        String.raw`simulating VGG16 with batch 1 needs about [\d.]+ MiB at its peak ` +
          String.raw`\(weights [\d.]+ MiB and activations [\d.]+ MiB, held about [\d.]+ and [\d.]+ times\), ` +
          String.raw`more than the limit of 100\.0 MiB`,
      ),
    );
    const bad = await cli(["simulate", "bad.cnn"], { "bad.cnn": "model M {\n  input(3, 8, 8)\n  conv(4, 9)\n}\n" });
    assert.equal(bad.code, 1);
    assert.match(bad.err, /model M has errors, so it cannot be simulated/);
  });
  it("export --to onnx writes NAME.onnx into the current directory, never next to the source", async () => {
    const r = await cli(["export", "examples/lenet5.cnn", "--to", "onnx"]);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual([...r.written.keys()], ["lenet5.onnx"]);
    const bytes = r.written.get("lenet5.onnx") as Uint8Array;
    assert.ok(bytes.length > 61706 * 4, "holds the 61,706 weights as float32");
    assert.match(r.out, /^wrote lenet5.onnx: model LeNet5/);
    assert.equal((await cli(["export", "examples/lenet5.cnn", "--to", "tflite"])).code, 2);
  });
  it("the bundled command (bin/cnnlens.js, as npm installs it) runs summary and simulate", () => {
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [join(repoRoot, "bin", "cnnlens.js"), ...args], { cwd: repoRoot, encoding: "utf8" });
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
    const r = await cli(["export", "bad.cnn", "--to", "pytorch"], {
      "bad.cnn": "model M {\n  input(3, 8, 8)\n  conv(4, 9)\n}\n",
    });
    assert.equal(r.code, 1);
    assert.match(r.err, /kernel 9 is larger/);
  });
  it("--model selects one model", async () => {
    const files = { "two.cnn": "model A { input(4) dense(2) }\nmodel B { input(4) dense(3) }" };
    assert.match((await cli(["summary", "two.cnn", "--model", "B"], files)).out, /Model B/);
    assert.equal((await cli(["summary", "two.cnn", "--model", "C"], files)).code, 2);
  });
  it("summary of every example fits 100 columns by default, and --width narrower", async () => {
    for (const file of readdirSync(join(repoRoot, "examples")).filter((f) => f.endsWith(".cnn"))) {
      const r = await cli(["summary", `examples/${file}`]);
      const widest = Math.max(...r.out.split("\n").map((l) => l.length));
      assert.ok(widest <= 100, `${file}: ${widest} columns`);
      const narrow = await cli(["summary", `examples/${file}`, "--width", "80"]);
      assert.ok(
        Math.max(
          ...narrow.out
            .split("\n")
            .filter((l) => !/^(Model|Total|Trainable|Non-trainable|Receptive|Input|Forward|Params|Estimated)/.test(l))
            .map((l) => l.length),
        ) <= 80,
        file,
      );
    }
  });
  it("names too long for the column lose their middle, so the distinguishing end stays", async () => {
    const r = await cli(["summary", "examples/resnet50.cnn", "--width", "86"]);
    const rows = r.out.split("\n").filter((l) => l.startsWith("repeat3.4"));
    assert.ok(rows.length > 0);
    assert.ok(
      rows.some((l) => l.startsWith("repeat3.4.….batchnorm3 ")),
      rows.join("\n"),
    );
    assert.equal(
      new Set(rows.map((l) => l.split(/ {2,}/)[0])).size,
      rows.length,
      "every shortened name is still unique",
    );
    assert.equal(shortenMiddle("repeat1.0.OuterResidualStageWithLongName.conv1", 24), "repeat1.0.….conv1");
    assert.equal(shortenMiddle("a.OuterResidualStageWithLongName", 16), "a.Out…thLongName");
  });
  it("--depth 1 collapses block uses and repeats into one row each with rolled-up params and MACs", async () => {
    const full = await cli(["summary", "examples/resnet50.cnn"]);
    const r = await cli(["summary", "examples/resnet50.cnn", "--depth", "1"]);
    assert.equal(r.code, 0, r.err);
    const rows = r.out.split("\n").filter((l) => /^\S+ {2,}\S/.test(l) && !/^(Layer|Model)/.test(l));
    assert.deepEqual(
      rows.map((l) => l.split(/ +/)[0]),
      [
        "conv1",
        "batchnorm1",
        "relu1",
        "maxpool1",
        "Bottleneck1",
        "repeat1",
        "Bottleneck2",
        "repeat2",
        "Bottleneck3",
        "repeat3",
        "Bottleneck4",
        "repeat4",
        "adaptiveavgpool1",
        "flatten1",
        "dense1",
      ],
    );
    assert.match(r.out, /^repeat3 +repeat +1024×14×14 +5,585,920 +1,091,829,760 +267\/16$/m);
    const total = (text: string) =>
      text
        .split("\n")
        .filter((l) => l.startsWith("Total") || l.startsWith("Trainable"))
        .join("\n");
    assert.equal(total(r.out), total(full.out), "totals unchanged");
    const params = rows
      .map((l) => Number((l.split(/ {2,}/)[3] ?? "0").replace(/,|--/g, "") || 0))
      .reduce((a, b) => a + b, 0);
    assert.equal(params, 25557032);
  });
  it("--columns chooses the columns", async () => {
    const r = await cli(["summary", "examples/lenet5.cnn", "--columns", "input,output,memory"]);
    assert.match(r.out, /^Layer +Input shape +Output shape +Output \(MB\)$/m);
    assert.match(r.out, /^conv1 +1×28×28 +6×28×28 +0\.02$/m);
  });
  it("totals of a model with errors say they are partial and how many layers are unknown", async () => {
    const r = await cli(["summary", "bad.cnn"], {
      "bad.cnn": "model M {\n  input(3, 8, 8)\n  conv(4, 9)\n  flatten\n  dense(10)\n}\n",
    });
    assert.equal(r.code, 1);
    assert.match(r.out, /^Total params: 0 \(partial: 3 of 3 layers unknown until the errors are fixed\)$/m);
    assert.match(r.out, /^dense1 +dense +\? +\? +\?/m);
  });
  it("simulate --json writes a large output in pieces that together are one JSON document", async () => {
    const r = await cli(["simulate", "wide.cnn", "--json"], {
      "wide.cnn": "model Wide {\n  input(1, 100, 100)\n  relu\n}\n",
    });
    assert.equal(r.code, 0, r.err);
    const doc = JSON.parse(r.out);
    assert.deepEqual(doc.output.shape, [1, 1, 100, 100]);
    assert.equal(doc.output.data.length, 10000);
    assert.ok(
      doc.output.data.every((v: number) => v >= 0),
      "relu's output",
    );
    assert.ok(
      r.out.split("\n").every((l) => l.length < 100_000),
      "no line holds the whole tensor",
    );
    assert.equal(doc.weights.random, true);
  });
  it("totals past 2^53 are printed as unknown, never as digits that are not exact", async () => {
    const r = await cli(["summary", "test/hostile/corpus/dense-params-overflow.cnn"], {
      "test/hostile/corpus/dense-params-overflow.cnn": readRepoFile("test/hostile/corpus/dense-params-overflow.cnn"),
    });
    assert.equal(r.code, 1);
    assert.match(r.out, /^Total params: unknown \(size overflow at dense1\)$/m);
    assert.match(r.out, /^dense1 +dense +\? +overflow +overflow$/m);
    assert.match(r.out, /^Estimated total size \(MB\): unknown$/m);
    assert.match(r.err, /\[size-overflow\]/);
  });
});
