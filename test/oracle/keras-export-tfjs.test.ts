// The Keras export, run: its functional graph rebuilt in TF.js with the simulation's weights, compared at every layer.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import type { ModelInfo } from "../../server/src/analysis/index.js";
import { parameterSpecs } from "../../server/src/layers/index.js";
import { volume, type FloatTensor, type WeightMap } from "../../server/src/onnx/tensors.js";
import { exportKeras } from "../../server/src/export/keras.js";
import { Random } from "../../server/src/simulation/random.js";
import { simulate } from "../../server/src/simulation/simulate.js";
import { analyze, readRepoFile, repoRoot } from "../unit/helpers.js";
import { HalfPixelBilinear, rebuild, setWeights, TfjsGap, transpose, type RecordedCall } from "./tfjs-keras.js";

// The recording stand-in (test/export/keras_stub) runs the generated Python and returns the functional graph.
const PYTHON = "/usr/bin/python3";
const pythonMissing =
  spawnSync(PYTHON, ["--version"]).status === 0
    ? undefined
    : `${PYTHON} is missing: install python3 to run the Keras export`;
const TOLERANCE = 1e-4;

// Every layer kind a keras file can export, with TF.js-built merges, in one model beside the examples and fixtures.
const LAYERS_MODEL = `framework keras
model KerasLayers {
  input(12, 10, 4)
  stem: conv(8, 3, padding: same) -> batchnorm(center: false) -> leakyrelu(0.2)
  conv(8, 3, padding: same, groups: 8) -> batchnorm(scale: false) -> elu
  conv(16, 3, strides: 2, groups: 8, use_bias: false) -> batchnorm(center: false, scale: false, epsilon: 0.01) -> relu6
  upsample((2, 3), interpolation: bilinear) -> zeropad(((1, 0), (2, 1)))
  conv(8, (3, 2), dilation_rate: 2) -> gelu
  residual { conv(8, 3, padding: same) -> sigmoid } shortcut { conv(8, 1) -> tanh }
  concat { branch { maxpool(3, strides: 2, padding: same) } branch { avgpool(2, padding: same) -> identity } }
  convtranspose(6, 3, strides: 2) -> dropout(0.2)
  dense(5) -> softmax
  globalmaxpool
}
`;

// The Keras files, then the PyTorch files small enough for TF.js' pure-JavaScript kernels in a few seconds
// (their Keras export moves the channels last: flatten permutes, explicit padding becomes ZeroPadding).
const files: [string, string][] = [
  ...[
    "examples/keras_smallnet.cnn",
    "test/export/cases/0004_keras_same.cnn",
    "test/export/cases/0009_keras_layernorm_permute.cnn",
    "test/export/cases/0011_keras_gate_split.cnn",
    ...kerasFixtures(),
  ].map((f): [string, string] => [f, readRepoFile(f)]),
  ["KerasLayers (in this test)", LAYERS_MODEL],
  ...[
    "examples/lenet5.cnn",
    "examples/unet_small.cnn",
    "test/export/cases/0001_specialized.cnn",
    "test/export/cases/0002_loops_and_labels.cnn",
    "test/export/cases/0003_one_and_three_d.cnn",
    "test/export/cases/0007_convnext_block.cnn",
    "test/export/cases/0010_gate_split_outputs.cnn",
  ].map((f): [string, string] => [f, readRepoFile(f)]),
];

/** The golden fixtures written for Keras that analyse without errors (the others show diagnostics). */
function kerasFixtures(): string[] {
  return readdirSync(join(repoRoot, "test/fixtures"))
    .filter((f) => f.endsWith(".cnn"))
    .sort()
    .map((f) => `test/fixtures/${f}`)
    .filter((f) => {
      const text = readRepoFile(f);
      return /^framework keras$/m.test(text) && !analyze(text).diagnostics.some((d) => d.severity === "error");
    });
}

/** PyTorch's layout → Keras': the channels (axis 1 of a batch) moved last. */
function channelsLast(t: FloatTensor): FloatTensor {
  return t.shape.length < 3 ? t : transpose(t, [0, ...t.shape.slice(2).map((_, i) => i + 2), 1]);
}

/** Keras' layout → PyTorch's. */
function channelsFirst(t: FloatTensor): FloatTensor {
  const r = t.shape.length;
  return r < 3 ? t : transpose(t, [0, r - 1, ...Array.from({ length: r - 2 }, (_, i) => i + 1)]);
}

/** A shape in Keras' layout: a PyTorch file's channels moved last. */
function kerasLayout(shape: number[], framework: string): number[] {
  return framework === "pytorch" && shape.length >= 2 ? [...shape.slice(1), shape[0]!] : shape;
}

interface Job {
  id: string;
  code: string;
  function: string;
  shapes: Record<string, number[]>;
}
interface Result {
  id: string;
  error?: string;
  layers: RecordedCall[];
  outputSource: string;
  /** Each keras.Input's id (its name, or `input`), in the model's order. */
  inputSources: string[];
}

/**
 * Weights with every tensor random (Keras' zero biases and unit statistics would hide layout bugs), kernels in
 * ±1/√fan_in as PyTorch initialises them, so that activations stay near 1 through deep stacks.
 */
function randomWeights(model: ModelInfo, seed: number): WeightMap {
  const out: WeightMap = new Map();
  for (const spec of parameterSpecs(model)) {
    const r = new Random(seed, spec.name);
    const bound = spec.kind === "batchnorm" ? 0.5 : 1 / Math.sqrt(spec.fanIn);
    const data =
      spec.role === "running_var"
        ? r.fillUniform(volume(spec.shape), 0.5, 2)
        : r.fillUniform(volume(spec.shape), -bound, bound);
    out.set(spec.name, { shape: spec.shape, data });
  }
  return out;
}

describe("export --to keras, run in TF.js, equals the simulation at every layer", { skip: pythonMissing }, () => {
  const jobs: Job[] = [];
  const analyses = new Map<string, ReturnType<typeof analyze>>();
  const refusals = new Map<string, string[]>();
  for (const [file, text] of files) {
    const analysis = analyze(text);
    for (const m of analysis.models) {
      const id = `${file}#${m.name}`;
      // One model per export: a model Keras cannot express (0003's LRN) is reported by its own test.
      const { code, errors } = exportKeras(analysis, text, { fileName: file, model: m.name });
      analyses.set(id, analysis);
      refusals.set(id, errors);
      jobs.push({
        id,
        code,
        function: m.name,
        shapes: Object.fromEntries(m.layers.map((l) => [l.name, kerasLayout(l.outputShape!, m.framework)])),
      });
    }
  }
  const results = new Map<string, Result>();
  before(async () => {
    // TF.js greets Node users with a banner when its backend starts: not a test's output.
    const warn = console.warn;
    console.warn = () => undefined;
    await tf.setBackend("cpu");
    tf.tidy(() => tf.zeros([1]));
    console.warn = warn;
    const run = spawnSync(PYTHON, [`${repoRoot}/test/export/run_keras_stub.py`], {
      input: JSON.stringify(jobs),
      encoding: "utf8",
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" },
    });
    assert.equal(run.status, 0, run.stderr);
    for (const r of JSON.parse(run.stdout) as Result[]) results.set(r.id, r);
  });

  for (const job of jobs) {
    it(job.id, async (t) => {
      const analysis = analyses.get(job.id)!;
      const model = analysis.models.find((m) => m.name === job.function)!;
      const refused = refusals.get(job.id)!;
      if (refused.length > 0) {
        assert.equal(analysis.framework, "pytorch", `the export refuses a keras file: ${refused.join("; ")}`);
        return t.skip(`the Keras export refuses it: ${refused.join("; ")}`);
      }
      const r = results.get(job.id)!;
      assert.equal(r.error, undefined, r.error);
      const torch = analysis.framework === "pytorch";
      let built;
      try {
        const inputs = model.inputs.map((one, i) => ({
          id: r.inputSources[i]!,
          shape: kerasLayout(one.shape!, analysis.framework),
        }));
        built = rebuild(r.layers, inputs);
      } catch (e) {
        if (e instanceof TfjsGap) return t.skip(`TF.js cannot build it: ${e.message}`);
        throw e;
      }
      const weights = randomWeights(model, 11);
      const names = new Set(model.layers.map((l) => l.name));
      for (const call of r.layers) {
        if (names.has(call.output)) setWeights(built.layers.get(call.output)!, call.cls, call.output, weights);
      }
      const batch = 2;
      const input: FloatTensor = {
        shape: [batch, ...model.input!],
        data: new Random(5, job.id).fillNormal(batch * volume(model.input!)),
      };
      // The other inputs of a model with several: seeded too, the same tensors in both.
      const others = new Map(
        model.inputs.slice(1).map((one): [string, FloatTensor] => [
          one.name,
          {
            shape: [batch, ...one.shape!],
            data: new Random(5, `${job.id}.${one.name}`).fillNormal(batch * volume(one.shape!)),
          },
        ]),
      );
      const sim = await simulate(analysis, model.name, {
        weights,
        input,
        otherInputs: others,
        keepTensors: true,
        repeats: 0,
      });
      const kerasTensor = (t: FloatTensor) => {
        const k = torch ? channelsLast(t) : t;
        return tf.tensor(k.data, k.shape);
      };
      const xs = [input, ...others.values()].map(kerasTensor);
      const x = xs.length === 1 ? xs[0]! : xs;
      // predict gives one tensor, not a list, for a model with a single output (a one-layer model).
      const predicted = built.model.predict(x);
      const ys = Array.isArray(predicted) ? predicted : [predicted];
      const byId = new Map(built.outputs.map((id, i) => [id, ys[i]!]));
      let worst = 0;
      for (const l of model.layers) {
        const out = byId.get(l.name);
        assert.ok(out, `${l.name}: the export builds no layer of that name`);
        const kerasGot: FloatTensor = { shape: out.shape, data: out.dataSync() as Float32Array };
        // A permuted tensor is held as the PyTorch file holds it (permute's crossDims), not moved channels-last.
        const got = torch && !l.outputOrder ? channelsFirst(kerasGot) : kerasGot;
        const want = sim.tensors!.get(l.name)!;
        assert.deepEqual(got.shape, want.shape, `${l.name}: shape in TF.js vs the simulation`);
        const data = got.data;
        want.data.forEach((v, i) => {
          const diff = Math.abs(data[i]! - v);
          worst = Math.max(worst, diff / (1 + Math.abs(v)));
          assert.ok(
            diff <= TOLERANCE * (1 + Math.abs(v)),
            `${l.name} (${l.kind}): value ${i} is ${data[i]} in TF.js, ${v} in the simulation`,
          );
        });
      }
      // The model's result is the recorded output tensor: the same as the simulation's.
      assert.ok(byId.has(r.outputSource), "the model's output is a layer of the graph");
      tf.dispose([...xs, ...ys]);
      const largest = worst.toExponential(2);
      t.diagnostic(`${model.layers.length} layers, largest difference ${largest} (relative to 1 + |value|)`);
    });
  }
});

// Why the rebuild departs from TF.js' own layers in two places: TF.js follows older Keras there.
describe("where TF.js is not Keras 3 (docs/keras.md), the rebuild follows Keras 3", () => {
  it("TF.js' Softmax defaults to axis 1 (and refuses it on a feature map); Keras 3's to the last axis", () => {
    assert.equal(tf.layers.softmax().getConfig()["axis"], 1);
    const x = tf.tensor([
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
    ]);
    assert.throws(() => tf.layers.softmax().apply(x), /non-last dimension/);
    const last = (tf.layers.softmax({ axis: -1 }).apply(x) as tf.Tensor).sum(-1).dataSync();
    assert.deepEqual(
      [...last].map((v) => Number(v.toFixed(5))),
      [1, 1],
      "Keras 3: each row sums to 1",
    );
  });
  it("TF.js' bilinear UpSampling2D has no half-pixel centres; Keras 3's (tf.image.resize) has", () => {
    const x = tf.tensor([0, 1], [1, 1, 2, 1]);
    const tfjs = (tf.layers.upSampling2d({ size: [1, 2], interpolation: "bilinear" }).apply(x) as tf.Tensor).dataSync();
    const keras3 = (new HalfPixelBilinear([1, 2], {}).apply(x) as tf.Tensor).dataSync();
    assert.deepEqual([...tfjs], [0, 0.5, 1, 1], "TF.js samples at x·(in/out)");
    assert.deepEqual(
      [...keras3],
      [0, 0.25, 0.75, 1],
      "Keras 3 samples at (x + 0.5)·(in/out) − 0.5, as PyTorch's align_corners=False",
    );
  });
});
