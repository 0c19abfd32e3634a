// The imported model computes what the ONNX file computes: onnxruntime runs the original file, the simulation runs
// the imported .cnn text with the imported weights, on the same input; the outputs agree to 1e-4.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import * as ort from "onnxruntime-node";
import { importOnnx } from "../../server/src/import/import-onnx.js";
import { buildOnnx, onnxOutputName } from "../../server/src/layers/onnx-model.js";
import { simulate } from "../../server/src/simulation/simulate.js";
import { randomWeights } from "../../server/src/simulation/weights.js";
import { run } from "../../bin/cli.js";
import { analyze, readRepoFile } from "../unit/helpers.js";
import { npyFile } from "../hostile/bombs-files.js";
import { KERAS_MIX, KERAS_RESIDUAL } from "../unit/keras-mix.js";

/**
 * Small and medium examples covering residuals, concats, splits, gates, shuffles, transposed convs and resizing, a
 * Keras files' channels-last graphs and an adaptive pool exported as a Slice and a mean per cell (GoogLeNet's aux
 * heads).
 */
const CASES = [
  "keras_smallnet.cnn",
  "googlenet_aux.cnn",
  "lenet5.cnn",
  "resnet18.cnn",
  "mobilenet_v3_large.cnn",
  "shufflenet_v2_x1_0.cnn",
  "unet_small.cnn",
  "fcn_small.cnn",
  "squeezenet1_0.cnn",
  "googlenet.cnn",
  "convnext_tiny.cnn",
];

/** A seeded standard-normal-ish input (the same numbers for both runs). */
function input(shape: number[]): { shape: number[]; data: Float32Array } {
  let s = 12345;
  const data = Float32Array.from({ length: shape.reduce((p, d) => p * d, 1) }, () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 30 - 1;
  });
  return { shape, data };
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

const sources = new Map<string, string>([
  ...CASES.map((f) => [f, readRepoFile(`examples/${f}`)] as const),
  ["KerasMix", KERAS_MIX],
  ["KerasResidual", KERAS_RESIDUAL],
]);

for (const [file, source] of sources) {
  test(`the imported ${file} with its imported weights equals onnxruntime on the exported file to 1e-4`, async () => {
    const original = analyze(source).models[0]!;
    const bytes = buildOnnx(original, randomWeights(original, 3), { outputs: "final" });
    const imported = importOnnx(bytes, { fileName: file });
    if ("refusal" in imported) assert.fail(imported.refusal);
    const x = input([1, ...original.input!]);
    const session = await ort.InferenceSession.create(bytes);
    const results = await session.run({ input: new ort.Tensor("float32", x.data, x.shape) });
    const report = await simulate(analyze(imported.text), undefined, {
      weights: imported.weights,
      input: x,
      repeats: 0,
    });
    // Every output, in order (GoogLeNet's aux heads are the second and third).
    assert.equal(report.outputs.length, original.outputs.length);
    original.outputs.forEach((_, i) => {
      const expected = results[onnxOutputName(original, i)]!.data as Float32Array;
      const scale = expected.reduce((m, v) => Math.max(m, Math.abs(v)), 1);
      assert.ok(maxDifference(report.outputs[i]!.tensor.data, expected) <= 1e-4 * scale, `output ${i}`);
    });
  });
}

test("cnnlens import writes a .cnn file and weights that simulate --json runs to onnxruntime's output", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cnnlens-import-"));
  try {
    const original = analyze(readRepoFile("examples/resnet18.cnn")).models[0]!;
    const bytes = buildOnnx(original, randomWeights(original, 1), { outputs: "final" });
    writeFileSync(join(dir, "r18.onnx"), bytes);
    const x = input([1, ...original.input!]);
    writeFileSync(join(dir, "x.npy"), npyFile(x));
    const io = collectingIo();
    const args = [
      "import",
      join(dir, "r18.onnx"),
      "-o",
      join(dir, "r18.cnn"),
      "--weights",
      join(dir, "r18.safetensors"),
    ];
    assert.equal(await run(args, io), 0, io.errors.join("\n"));
    const sim = collectingIo();
    const simArgs = [
      "simulate",
      join(dir, "r18.cnn"),
      "--weights",
      join(dir, "r18.safetensors"),
      "--input",
      join(dir, "x.npy"),
      "--json",
    ];
    assert.equal(await run(simArgs, sim), 0, sim.errors.join("\n"));
    const report = JSON.parse(sim.output.join("\n")) as { output: { data: number[] } };
    const session = await ort.InferenceSession.create(bytes);
    const expected = (await session.run({ input: new ort.Tensor("float32", x.data, x.shape) }))["output"]!;
    assert.ok(maxDifference(Float32Array.from(report.output.data), expected.data as Float32Array) <= 1e-4);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function collectingIo() {
  const output: string[] = [];
  const errors: string[] = [];
  return {
    output,
    errors,
    readFile: (p: string) => readFileSync(p, "utf8"),
    writeFile: (p: string, d: Uint8Array | string) => writeFileSync(p, d),
    out: (t: string) => void output.push(t),
    err: (t: string) => void errors.push(t),
  };
}
