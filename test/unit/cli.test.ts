// The cnnlens command line: exit codes, the check format and the --json document.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { run, type Io } from "../../bin/cli.js";
import { readRepoFile } from "./helpers.js";

function cli(argv: string[], files: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    readFile: (p) => {
      if (p in files) return files[p]!;
      if (p.startsWith("examples/")) return readRepoFile(p);
      throw Object.assign(new Error("no such file"), { code: "ENOENT" });
    },
    out: (t) => out.push(t),
    err: (t) => err.push(t),
  };
  const code = run(argv, io);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("cnnlens", () => {
  it("summary prints the table with torchvision's totals", () => {
    const r = cli(["summary", "examples/resnet50.cnn"]);
    assert.equal(r.code, 0);
    assert.match(r.out, /Total params: 25,557,032/);
    assert.match(r.out, /^conv1 +conv +64×112×112 +9,408 +118,013,952 +7\/2$/m);
  });
  it("summary --json follows the documented document", () => {
    const r = cli(["summary", "examples/vgg16.cnn", "--json"]);
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
  it("check prints file:line:col: severity: message [code] and exits 1 on errors", () => {
    const r = cli(["check", "bad.cnn"], { "bad.cnn": "model M {\n  input(3, 8, 8)\n  conv(4, 9)\n}\n" });
    assert.equal(r.code, 1);
    assert.equal(r.out, "bad.cnn:3:11: error: kernel 9 is larger than the padded input 8 on H: use a kernel ≤ 8 or more padding [kernel-too-large]");
  });
  it("check exits 0 on warnings only, and --json gives 0-based ranges", () => {
    const r = cli(["check", "w.cnn", "--json"], { "w.cnn": "model M {\n  input(3, 8, 8)\n  dense(4)\n}" });
    assert.equal(r.code, 0);
    const doc = JSON.parse(r.out);
    assert.deepEqual(doc.diagnostics[0].range, { start: { line: 2, character: 2 }, end: { line: 2, character: 10 } });
    assert.equal(doc.diagnostics[0].severity, "warning");
  });
  it("usage errors and unreadable files exit 2", () => {
    assert.equal(cli([]).code, 2);
    assert.equal(cli(["frobnicate", "x.cnn"]).code, 2);
    assert.equal(cli(["summary", "x.cnn", "--bogus"]).code, 2);
    const missing = cli(["check", "missing.cnn"]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /cannot read missing.cnn: ENOENT/);
  });
  it("--model selects one model", () => {
    const files = { "two.cnn": "model A { input(4) dense(2) }\nmodel B { input(4) dense(3) }" };
    assert.match(cli(["summary", "two.cnn", "--model", "B"], files).out, /Model B/);
    assert.equal(cli(["summary", "two.cnn", "--model", "C"], files).code, 2);
  });
});
