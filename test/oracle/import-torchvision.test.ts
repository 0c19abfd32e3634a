// torchvision models exported by PyTorch itself (scripts/golden/onnx_import.py, at test time, into a temporary
// folder): each imports without a refusal, analyses to torchvision's parameter count and output shape
// (test/golden/onnx-import/models.json), and simulates with its imported weights to PyTorch's output and to
// onnxruntime running the original file, to 1e-4.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import * as ort from "onnxruntime-node";
import { importOnnx } from "../../server/src/import/import-onnx.js";
import { parseNpy } from "../../server/src/simulation/npy.js";
import { simulate } from "../../server/src/simulation/simulate.js";
import { analyze, errors, readJson, repoRoot } from "../unit/helpers.js";

const PYTHON = "/usr/bin/python3";
const hasTorch =
  existsSync(PYTHON) &&
  (() => {
    try {
      execFileSync(PYTHON, ["-c", "import torch, torchvision, onnx"], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  })();

interface Golden {
  params: number;
  buffers: number;
  input: number[];
  output: number[];
  foldBatchNorm: boolean;
}

const goldens = readJson<Record<string, Golden>>("test/golden/onnx-import/models.json");
/** CNNLENS_TORCHVISION_ONNX=DIR reuses the files of an earlier `onnx_import.py --export DIR` (a minute to make). */
const given = process.env["CNNLENS_TORCHVISION_ONNX"];
const dir = given ?? mkdtempSync(join(tmpdir(), "cnnlens-torchvision-"));
const skip = !hasTorch && !given && "needs /usr/bin/python3 with torch, torchvision and onnx";

before(() => {
  if (hasTorch && !given)
    execFileSync(PYTHON, [join(repoRoot, "scripts/golden/onnx_import.py"), "--export", dir], { stdio: "ignore" });
});
after(() => given || rmSync(dir, { recursive: true, force: true }));

for (const [name, golden] of Object.entries(goldens)) {
  test(
    `torchvision ${name} imports, analyses to torchvision's numbers and runs to PyTorch's output`,
    { skip },
    async () => {
      const result = importOnnx(readFileSync(join(dir, `${name}.onnx`)), { fileName: `${name}.onnx` });
      if ("refusal" in result) assert.fail(result.refusal);
      const analysis = analyze(result.text);
      assert.deepEqual(errors(analysis), []);
      const model = analysis.models[0]!;
      assert.deepEqual(model.input, golden.input);
      assert.deepEqual(model.outputs[0]!.shape, golden.output);
      // Folding BatchNorm into the convs changes the count (the convs gain biases), so only unfolded models compare.
      if (!golden.foldBatchNorm) {
        assert.equal(model.params.trainable, golden.params);
        const stored = [...result.weights.values()].reduce((n, t) => n + t.data.length, 0);
        assert.equal(stored, golden.params + golden.buffers);
      }
      const input = parseNpy(readFileSync(join(dir, `${name}.input.npy`)));
      const expected = parseNpy(readFileSync(join(dir, `${name}.output.npy`))).data;
      const report = await simulate(analysis, undefined, { weights: result.weights, input, repeats: 0 });
      const scale = expected.reduce((m, v) => Math.max(m, Math.abs(v)), 1);
      let worst = 0;
      report.output.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - expected[i]!))));
      assert.ok(worst <= 1e-4 * scale, `largest difference ${worst} (outputs up to ${scale})`);
      // …and to ONNX Runtime running the original file, as the issue asks.
      const session = await ort.InferenceSession.create(readFileSync(join(dir, `${name}.onnx`)));
      const ran = await session.run({ [session.inputNames[0]!]: new ort.Tensor("float32", input.data, input.shape) });
      const original = ran[session.outputNames[0]!]!.data as Float32Array;
      await session.release();
      let fromOrt = 0;
      report.output.data.forEach((v, i) => (fromOrt = Math.max(fromOrt, Math.abs(v - original[i]!))));
      assert.ok(fromOrt <= 1e-4 * scale, `largest difference from onnxruntime ${fromOrt}`);
    },
  );
}

test(
  "torchvision's ResNet-50 reads as a person would write it: one Bottleneck block under repeats, ≤ 60 lines",
  { skip },
  () => {
    const result = importOnnx(readFileSync(join(dir, "resnet50.onnx")), { fileName: "resnet50.onnx" });
    if ("refusal" in result) assert.fail(result.refusal);
    const lines = result.text.trimEnd().split("\n");
    assert.ok(lines.length <= 60, `${lines.length} lines`);
    assert.deepEqual(
      lines.filter((l) => l.startsWith("block ")),
      ["block Bottleneck(channels, stride = 1) {"],
    );
    assert.match(result.text, /^ {2}\} shortcut auto$/m);
    for (const [count, channels] of [
      [3, 64],
      [3, 128],
      [5, 256],
      [2, 512],
    ])
      assert.match(result.text, new RegExp(`^ {2}repeat ${count} \\{ Bottleneck\\(${channels}\\) \\}$`, "m"));
  },
);
