// Hostile names: file names and labels never run as code, and every name still makes its own module.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { exportKeras } from "../../server/src/export/keras.js";
import { exportPyTorch } from "../../server/src/export/pytorch.js";
import { pyCommentText, pyGlobal, pyString } from "../../server/src/codegen/names.js";
import type { ModelInfo } from "../../server/src/analysis/index.js";
import { analyze, readRepoFile, repoRoot } from "../unit/helpers.js";
import {
  differsFromSimulation,
  kerasShapes,
  PYTHON,
  runPython,
  torchMissing,
  torchPath,
  type KerasJob,
  type KerasResult,
  type TorchJob,
  type TorchResult,
} from "./python-oracle.js";
import { spawnSync } from "node:child_process";
import { fileNameOfUri } from "../../server/src/lsp/uri-name.js";

const MARKER = "pwned-marker";
const payload = `import os; open(${JSON.stringify(MARKER)}, "w").close()`;

/** File names that would end the header comment and run `payload` if written as they are. */
const hostileFileNames = [
  `a\n${payload}\n#.cnn`,
  `a\r${payload}\r#.cnn`,
  `a\r\n${payload}\n#.cnn`,
  `a\u2028${payload}\u2029#.cnn`,
  `a\u0085${payload}\u000b\u000c#.cnn`,
  `a"""\n${payload}\n""".cnn`,
  `a\\\n${payload}.cnn`,
  `a\u0000\n${payload}.cnn`,
  `a\ud800\n${payload}\udfff.cnn`,
  `\u202e${payload}.cnn`,
  "réseau 🙂.cnn",
];

/** Models small enough to run in PyTorch and the simulation side by side in a test. */
const runnable = (m: ModelInfo) => m.memory.activations <= 256e6;

const corpus = readdirSync(join(repoRoot, "test/hostile/corpus"))
  .filter((f) => f.endsWith(".cnn"))
  .sort();

describe("hostile text as Python", () => {
  it("pyString is a literal Python reads back as exactly the text; pyCommentText keeps one line", () => {
    const texts = [...hostileFileNames, "", "'", '"', "\\", '\\\\"', "{x}", "\u0000\u0001\u007f"];
    const evalLines = "import json, sys; print(json.dumps([eval(l) for l in sys.stdin.read().split('\\n')]))";
    const run = spawnSync(PYTHON, ["-c", evalLines], { input: texts.map(pyString).join("\n"), encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), texts);
    // Every character Python or an editor may take for a line end, and NUL, which Python refuses in source.
    const breaks = [
      "\n",
      "\r",
      "\u0085",
      "\u000b",
      "\u000c",
      "\u001c",
      "\u001d",
      "\u001e",
      "\u2028",
      "\u2029",
      "\u0000",
    ];
    for (const t of texts) assert.ok(!breaks.some((b) => pyCommentText(t).includes(b)), JSON.stringify(t));
  });
});

describe("hostile names in the exports, run by Python", { skip: torchMissing }, () => {
  const dir = mkdtempSync(join(tmpdir(), "cnnlens-hostile-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const torchJobs: TorchJob[] = [];
  const kerasJobs: KerasJob[] = [];
  let torchResults = new Map<string, TorchResult>();
  let kerasResults = new Map<string, KerasResult>();
  const simple = "model M {\n  input(3, 8, 8)\n  conv(4, 3) -> relu\n}\n";
  hostileFileNames.forEach((fileName, i) => {
    const analysis = analyze(simple);
    const torch = exportPyTorch(analysis, simple, { fileName });
    const keras = exportKeras(analysis, simple, { fileName });
    assert.deepEqual([...torch.errors, ...keras.errors], []);
    torchJobs.push({ id: `file${i}`, code: torch.code, class: "M", input: [3, 8, 8], batch: 1, layers: ["conv1"] });
    kerasJobs.push({ id: `file${i}`, code: keras.code, function: "M", shapes: kerasShapes(analysis, "M") });
  });
  for (const file of corpus) {
    const text = readRepoFile(`test/hostile/corpus/${file}`);
    const analysis = analyze(text);
    if (analysis.diagnostics.some((d) => d.severity === "error")) continue;
    const torch = exportPyTorch(analysis, text, { fileName: file });
    const keras = exportKeras(analysis, text, { fileName: file });
    assert.deepEqual([...torch.errors, ...keras.errors], [], file);
    for (const m of analysis.models.filter(runnable)) {
      const id = `${file}#${m.name}`;
      const cls = pyGlobal(m.name);
      const layers = m.layers.map((l) => torchPath(l.name));
      const save = join(dir, id.replace(/\W/g, "_"));
      torchJobs.push({ id, code: torch.code, class: cls, input: m.input!, batch: 1, layers, save });
      kerasJobs.push({ id, code: keras.code, function: cls, shapes: kerasShapes(analysis, m.name) });
    }
  }
  before(() => {
    torchResults = runPython("run_pytorch.py", torchJobs, dir);
    kerasResults = runPython("run_keras_stub.py", kerasJobs, dir);
  });

  it("a file name never runs: the code imports and builds the model, and no marker file appears", () => {
    for (const job of torchJobs.filter((j) => j.id.startsWith("file"))) {
      assert.equal(torchResults.get(job.id)!.error, undefined, job.id);
      assert.equal(kerasResults.get(job.id)!.error, undefined, job.id);
    }
    assert.equal(existsSync(join(dir, MARKER)), false, "the payload ran");
  });

  it("written to disk as UTF-8 and imported as a module, the exports still build their models", () => {
    hostileFileNames.forEach((_, i) => {
      writeFileSync(join(dir, `torch_${i}.py`), torchJobs[i]!.code);
      writeFileSync(join(dir, `keras_${i}.py`), kerasJobs[i]!.code);
    });
    const stub = join(repoRoot, "test/export/keras_stub");
    const script =
      `import sys; sys.path.insert(0, ${JSON.stringify(stub)})\nimport importlib\n` +
      `for i in range(${hostileFileNames.length}):\n  importlib.import_module(f"torch_{i}").M()\n` +
      "  import keras; keras.NAMES.clear(); importlib.import_module(f'keras_{i}').M()\n";
    const env = { ...process.env, PYTHONDONTWRITEBYTECODE: "1" };
    const run = spawnSync(PYTHON, ["-c", script], { cwd: dir, encoding: "utf8", env });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(existsSync(join(dir, MARKER)), false, "the payload ran");
  });

  for (const file of corpus) {
    it(`corpus: ${file}`, async (context) => {
      const text = readRepoFile(`test/hostile/corpus/${file}`);
      const analysis = analyze(text);
      if (analysis.diagnostics.some((d) => d.severity === "error")) {
        // A file with errors (a name the exports cannot keep apart, a size past 2^53) is never exported.
        assert.equal(exportPyTorch(analysis, text).code, "");
        assert.equal(exportKeras(analysis, text).code, "");
        return;
      }
      for (const m of analysis.models) {
        if (!runnable(m)) {
          // A repro of huge sizes (a receptive field over 10⁴-fold upsampling) is for the analysis, not for a run.
          context.diagnostic(`${m.name}: not run, its activations take ${(m.memory.activations / 1e6).toFixed(0)} MB`);
          continue;
        }
        const id = `${file}#${m.name}`;
        const t = torchResults.get(id)!;
        const k = kerasResults.get(id)!;
        assert.equal(t.error, undefined, `${id} (PyTorch): ${t.error}`);
        assert.equal(k.error, undefined, `${id} (Keras): ${k.error}`);
        // Every layer is its own module at its (mangled) path, and computes what the simulation computes.
        assert.deepEqual(t.missing, [], id);
        assert.equal(new Set(m.layers.map((l) => torchPath(l.name))).size, m.layers.length, id);
        const save = torchJobs.find((j) => j.id === id)!.save!;
        assert.equal(await differsFromSimulation(analysis, m.name, save, t), undefined, id);
      }
    });
  }
});

describe("the export request's file name", () => {
  it("is the URI's last segment, decoded; a malformed escape stays as written", () => {
    assert.equal(fileNameOfUri("file:///home/u/My%20Net.cnn"), "My Net.cnn");
    const hostile = "file:///tmp/a%0Aimport%20os%3B%20os.system(%22id%22)%0A%23.cnn";
    assert.equal(fileNameOfUri(hostile), 'a\nimport os; os.system("id")\n#.cnn');
    assert.equal(fileNameOfUri("file:///tmp/bad%E0%A4%A.cnn"), "bad%E0%A4%A.cnn");
    assert.equal(fileNameOfUri("untitled:Untitled-1?x=1#frag"), "untitled:Untitled-1");
    // Decoded, it still cannot end the header comment.
    const text = "model M {\n  input(3, 8, 8)\n  relu\n}\n";
    const fileName = fileNameOfUri("file:///tmp/a%0Aimport%20os%0A.cnn");
    const head = exportPyTorch(analyze(text), text, { fileName }).code.split("\n")[0]!;
    assert.equal(
      head,
      "# Generated by CNN Lens from a\\nimport os\\n.cnn (pytorch conventions): " + "cnnlens export --to pytorch.",
    );
  });
});
