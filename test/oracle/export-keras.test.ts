// The Keras writer: valid Python (py_compile), and every layer built once with the analysis' arguments.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { LayerInfo, ModelInfo, Shape } from "../../server/src/analysis/index.js";
import { exportKeras } from "../../server/src/export/keras.js";
import { analyze, readRepoFile, repoRoot, wrap } from "../unit/helpers.js";

// TensorFlow cannot be installed here: the code is compiled, then run against a recording stand-in
// for Keras (test/export/keras_stub) that hands each named layer the analysis' shape.
const PYTHON = "/usr/bin/python3";
const pythonMissing =
  spawnSync(PYTHON, ["--version"]).status === 0
    ? undefined
    : `${PYTHON} is missing: install python3 to check the Keras export`;
const env = { ...process.env, PYTHONDONTWRITEBYTECODE: "1" };

interface Recorded {
  cls: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
}
interface Result {
  id: string;
  error?: string;
  layers: Recorded[];
  output: Shape;
  name: string;
}

// Every example and case; of 0003 only the 1-D model (Keras has no LRN, which the 3-D one uses).
const files: [string, string?][] = [
  ...readdirSync(join(repoRoot, "examples"))
    .filter((f) => f.endsWith(".cnn"))
    .map((f): [string] => [`examples/${f}`]),
  ...[
    "0001_specialized",
    "0002_loops_and_labels",
    "0004_keras_same",
    "0006_modern_layers_keras",
    "0009_keras_layernorm_permute",
    "0007_convnext_block",
  ].map((f): [string] => [`test/export/cases/${f}.cnn`]),
  ["test/export/cases/0003_one_and_three_d.cnn", "Signal"],
];

/**
 * Examples holding a layer Keras has no layer for: the export refuses them, naming the layer, and the rest of
 * this suite leaves them out (ConvNeXt's layer scale; EfficientNet's stochastic depth is keras_cv's; …).
 */
const refusedByKeras: Record<string, RegExp> = {
  "examples/convnext_tiny.cnn": /: Keras has no layer-scale layer$/,
  "examples/efficientnet_b0.cnn": /: Keras has no stochastic-depth layer/,
  // InceptionAux pools 14×14 to 4×4, which no fixed Keras window does exactly.
  "examples/googlenet_aux.cnn": /: Keras has no adaptive pooling; it is exact only when/,
};

const unnamedMerges = new Set(["Add", "Concatenate", "Multiply", "split"]);

function keras(text: string) {
  return exportKeras(analyze(text), text);
}

/** Keras' layout: a PyTorch file's channels-first shapes with the channels moved last. */
function kerasLayout(shape: Shape, framework: string): Shape {
  return framework === "pytorch" && shape.length >= 2 ? [...shape.slice(1), shape[0]!] : shape;
}

/** A per-axis argument equals a scalar or tuple, as Keras reads `3` and `(3, 3)` alike. */
function same(actual: unknown, expected: unknown): boolean {
  const list = (v: unknown) => (Array.isArray(v) ? v : [v]);
  const a = list(actual),
    e = list(expected);
  const n = Math.max(a.length, e.length);
  return Array.from({ length: n }, (_, i) => a[Math.min(i, a.length - 1)] === e[Math.min(i, e.length - 1)]).every(
    Boolean,
  );
}

/** What the analysis says a layer must be in Keras, checked on the recorded construction. */
function checkLayer(l: LayerInfo, rec: Recorded, before: Recorded | undefined, fw: string): void {
  const a = l.args,
    kw = rec.kwargs,
    where = `${l.name} (${rec.cls})`;
  const d = l.inputShape!.length - 1;
  const expectSame = (v: unknown, e: unknown, what: string) =>
    assert.ok(same(v, e), `${where}: ${what} ${JSON.stringify(v)}, expected ${JSON.stringify(e)}`);
  switch (l.kind) {
    case "conv": {
      const depthwise = rec.cls === "DepthwiseConv2D";
      assert.ok(depthwise || rec.cls === `Conv${d}D`, where);
      if (depthwise) assert.ok(a["groups"] === a["out_channels"]);
      else expectSame(rec.args[0], a["out_channels"], "filters");
      expectSame(rec.args[depthwise ? 0 : 1], a["kernel"], "kernel");
      expectSame(kw["strides"] ?? 1, a["stride"], "strides");
      expectSame(kw["use_bias"] ?? true, a["bias"], "use_bias");
      const padding =
        fw === "keras"
          ? a["padding"]
          : (kw["padding"] ?? (before?.kwargs["name"] === `${l.name}_pad` ? before.args[0] : 0));
      if (fw === "keras") expectSame(kw["padding"] ?? "valid", padding, "padding");
      else if (kw["padding"] === "same")
        assert.ok(
          same(a["stride"], 1) && a["padding"] !== 0,
          `${where}: "same" only for stride 1 and padding that offsets the kernel`,
        );
      else expectSame(padding, a["padding"], "padding (ZeroPadding before it)");
      return;
    }
    case "batchnorm":
      assert.equal(rec.cls, "BatchNormalization", where);
      expectSame(kw["epsilon"] ?? 1e-3, a["eps"], "epsilon");
      expectSame(
        Number(((kw["momentum"] as number) ?? 0.99).toFixed(6)),
        fw === "pytorch" ? Number((1 - (a["momentum"] as number)).toFixed(6)) : a["momentum"],
        "momentum",
      );
      return;
    case "relu":
      assert.equal(rec.cls, "ReLU", where);
      assert.equal(kw["max_value"], undefined);
      return;
    case "relu6":
      assert.equal(rec.cls, "ReLU", where);
      assert.equal(kw["max_value"], 6);
      return;
    case "maxpool":
    case "avgpool":
      assert.equal(rec.cls, `${l.kind === "maxpool" ? "Max" : "Average"}Pooling${d}D`, where);
      expectSame(rec.args[0], a["kernel"], "pool_size");
      expectSame(kw["strides"] ?? a["kernel"], a["stride"] ?? a["kernel"], "strides");
      return;
    case "adaptiveavgpool":
    case "adaptivemaxpool": {
      const kind = l.kind === "adaptiveavgpool" ? "Average" : "Max";
      // A global pool for output size 1, else a pool whose window divides the input evenly.
      if (same(a["output_size"], 1)) assert.equal(rec.cls, `Global${kind}Pooling${d}D`, where);
      else {
        assert.equal(rec.cls, `${kind}Pooling${d}D`, where);
        const sizes = kerasLayout(l.inputShape!, fw).slice(0, -1);
        const out = Array.isArray(a["output_size"])
          ? (a["output_size"] as number[])
          : sizes.map(() => a["output_size"] as number);
        expectSame(
          rec.args[0],
          sizes.map((w, i) => w / out[i]!),
          "pool_size",
        );
      }
      return;
    }
    case "dense":
      assert.equal(rec.cls, "Dense", where);
      expectSame(rec.args[0], a["out_features"], "units");
      return;
    case "dropout":
      assert.equal(rec.cls, "Dropout", where);
      expectSame(rec.args[0], a["p"], "rate");
      return;
    case "convtranspose":
      assert.equal(rec.cls, `Conv${d}DTranspose`, where);
      expectSame(rec.args[0], a["out_channels"], "filters");
      return;
    // Keras 3's GroupNormalization; groups=-1 (one per channel) is instance normalisation.
    case "groupnorm":
    case "instancenorm":
      assert.equal(rec.cls, "GroupNormalization", where);
      expectSame(kw["groups"], l.kind === "groupnorm" ? a["groups"] : -1, "groups");
      expectSame(kw["epsilon"], a["eps"], "epsilon");
      expectSame(kw["scale"] ?? true, l.kind === "groupnorm" ? a["affine"] : a["affine"] === true, "scale");
      return;
    case "prelu":
      assert.equal(rec.cls, "PReLU", where);
      expectSame(kw["shared_axes"] ?? null, fw === "keras" ? (a["shared_axes"] ?? null) : null, "shared_axes");
      return;
    // Keras has no channel shuffle: reshaped to groups × C/groups, swapped, reshaped back (named as the layer).
    case "shuffle":
      assert.equal(rec.cls, "Reshape", where);
      assert.equal(before?.cls, "Permute", where);
      return;
    case "silu":
    case "hardswish":
    case "hardsigmoid":
    case "mish":
    case "softplus": {
      const names = {
        silu: "silu",
        hardswish: "hard_silu",
        hardsigmoid: "hard_sigmoid",
        mish: "mish",
        softplus: "softplus",
      };
      assert.equal(rec.cls, "Activation", where);
      assert.equal(rec.args[0], names[l.kind], where);
      return;
    }
    default: {
      const classes: Record<string, string> = {
        flatten: "Flatten",
        identity: "Identity",
        softmax: "Softmax",
        globalavgpool: `GlobalAveragePooling${d}D`,
        upsample: `UpSampling${d}D`,
        resize: "Resizing",
        layernorm: "LayerNormalization",
        permute: "Permute",
        zeropad: `ZeroPadding${d}D`,
        leakyrelu: "LeakyReLU",
        elu: "ELU",
        gelu: "Activation",
        sigmoid: "Activation",
        tanh: "Activation",
      };
      assert.equal(rec.cls, classes[l.kind], where);
    }
  }
}

describe("export --to keras: compiled, and run against a recording stand-in", { skip: pythonMissing }, () => {
  const dir = mkdtempSync(join(tmpdir(), "cnnlens-keras-"));
  const jobs: { id: string; code: string; function: string; shapes: Record<string, Shape> }[] = [];
  const models = new Map<string, ModelInfo>();
  for (const [file, model] of files) {
    const text = readRepoFile(file);
    const analysis = analyze(text);
    const { code, errors } = exportKeras(analysis, text, { fileName: file, ...(model ? { model } : {}) });
    const refusal = refusedByKeras[file];
    if (refusal) {
      assert.ok(errors.length > 0 && errors.every((e) => refusal.test(e)), `${file}: ${errors.join("; ")}`);
      continue;
    }
    assert.deepEqual(errors, [], file);
    for (const m of analysis.models.filter((x) => !model || x.name === model)) {
      const id = `${file}#${m.name}`;
      models.set(id, m);
      jobs.push({
        id,
        code,
        function: m.name,
        // A permuted tensor is held as the file holds it (permute's crossDims), not moved channels-last.
        shapes: Object.fromEntries(
          m.layers.map((l) => [l.name, l.outputOrder ? l.outputShape! : kerasLayout(l.outputShape!, m.framework)]),
        ),
      });
    }
  }
  const results = new Map<string, Result>();
  before(() => {
    const run = spawnSync(PYTHON, [join(repoRoot, "test/export/run_keras_stub.py")], {
      input: JSON.stringify(jobs),
      encoding: "utf8",
      env,
      maxBuffer: 1 << 26,
    });
    assert.equal(run.status, 0, run.stderr);
    for (const r of JSON.parse(run.stdout) as Result[]) results.set(r.id, r);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const job of jobs) {
    it(job.id, () => {
      const path = join(dir, job.id.replace(/\W/g, "_") + ".py");
      writeFileSync(path, job.code);
      const compiled = spawnSync(PYTHON, ["-m", "py_compile", path], { encoding: "utf8", env });
      assert.equal(compiled.status, 0, compiled.stderr);
      const r = results.get(job.id)!;
      const m = models.get(job.id)!;
      assert.equal(r.error, undefined, r.error);
      assert.equal(r.name, m.name);
      assert.deepEqual(r.output, kerasLayout(m.output!, m.framework), "model output");
      const byName = new Map<string, number[]>();
      r.layers.forEach((rec, i) =>
        byName.set(String(rec.kwargs["name"]), [...(byName.get(String(rec.kwargs["name"])) ?? []), i]),
      );
      for (const l of m.layers) {
        const at = byName.get(l.name) ?? [];
        assert.equal(at.length, 1, `${l.name} is built once`);
        checkLayer(l, r.layers[at[0]!]!, r.layers[at[0]! - 1], m.framework);
      }
      const names = new Set(m.layers.map((l) => l.name));
      for (const rec of r.layers) {
        const name = rec.kwargs["name"] as string | undefined;
        // Merges (and the channel split of `split { … }`) are not layers of the analysis, so they have no name.
        if (name === undefined) assert.ok(unnamedMerges.has(rec.cls), `${rec.cls} without a name`);
        else
          assert.ok(
            names.has(name) || names.has(name.replace(/_(pad|crop|permute|reshape)$/, "")),
            `${name} is a layer or a helper of one`,
          );
      }
    });
  }
});

describe("export --to keras: what it writes and refuses", () => {
  it("ResNet-50: one function per block, ZeroPadding where PyTorch pads explicitly", () => {
    const { code, notes } = keras(readRepoFile("examples/resnet50.cnn"));
    for (const line of [
      "def Bottleneck(x, width, stride=1, *, name):",
      "    in_channels = x.shape[-1]",
      "    if stride != 1 or in_channels != width * 4:  # shortcut auto: a projection where the shape changes",
      '    x = layers.ZeroPadding2D(3, name="conv1_pad")(inputs)',
      '        x = Bottleneck(x, 64, name=f"repeat1.{i}.Bottleneck1")  # 56x56x256',
      '    return keras.Model(inputs, x, name="ResNet50")',
    ])
      assert.ok(code.split("\n").includes(line), line);
    assert.match(code, /layers\.BatchNormalization\(epsilon=1e-05, momentum=0\.9, name=f"\{name\}\.batchnorm1"\)/);
    assert.ok(notes.some((n) => n.startsWith("ResNet50.maxpool1: zero padding equals PyTorch's -inf padding")));
  });

  it("keeps Keras files' padding words and channels-last input", () => {
    const { code } = keras(readRepoFile("examples/keras_smallnet.cnn"));
    assert.ok(code.includes("    inputs = keras.Input(shape=(32, 32, 3))"));
    assert.ok(code.includes('layers.Conv2D(64, 3, strides=2, padding="same", name="conv2")(x)'));
  });

  it("refuses what Keras has no layer for, or computes differently", () => {
    assert.match(keras(wrap([3, 8, 8], ["lrn"])).errors[0]!, /lrn1: Keras has no local response normalisation layer/);
    assert.match(
      keras(wrap([3, 8, 8], ["dense(4)"])).errors[0]!,
      /dense1: dense on a 3-axis tensor acts on its last axis/,
    );
    assert.match(
      keras(wrap([3, 8, 8], ["avgpool(3, stride: 2, padding: 1, count_include_pad: false)"])).errors[0]!,
      /avgpool1: PyTorch's average pooling/,
    );
    assert.match(
      keras(wrap([3, 7, 7], ["adaptiveavgpool(2)"])).errors[0]!,
      /Keras has no adaptive pooling; it is exact only when the input size \(7x7\)/,
    );
  });
});
