// Export → import round trips: every example exported by cnnlens itself comes back as a .cnn file whose analysis
// has the same input, output, parameters, MACs and per-layer shapes, and whose weights are the exported ones.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import type { ModelInfo } from "../../server/src/analysis/types.js";
import { importOnnx, type ImportedModel } from "../../server/src/import/import-onnx.js";
import { buildOnnx } from "../../server/src/layers/onnx-model.js";
import { randomWeights } from "../../server/src/simulation/weights.js";
import { analyze, errors, readRepoFile, repoRoot } from "./helpers.js";
import { KERAS_MIX, KERAS_RESIDUAL } from "./keras-mix.js";

/** Layers the export writes as something else or leaves out (identity at inference). */
const DROPPED = new Set(["dropout", "identity", "droppath"]);

const examples = readdirSync(join(repoRoot, "examples")).filter((f) => f.endsWith(".cnn"));

/** Exports `file`'s model with seeded random weights, as `cnnlens export --to onnx` does, and imports it back. */
export function roundTrip(
  file: string,
  source = readRepoFile(`examples/${file}`),
): {
  original: ModelInfo;
  imported: ImportedModel;
  weights: Map<string, unknown>;
} {
  const original = analyze(source).models[0]!;
  const weights = randomWeights(original, 0);
  const result = importOnnx(buildOnnx(original, weights, { outputs: "final" }), { fileName: `${file}.onnx` });
  if ("refusal" in result) assert.fail(`${file}: ${result.refusal}`);
  return { original, imported: result, weights };
}

/**
 * The layers that hold parameters, with their output shapes and counts, sorted: a residual's shortcut may come
 * before or after its main path in the original's execution order, and the import writes the main path first.
 */
function parameterised(model: ModelInfo): string[] {
  return model.layers
    .filter((l) => l.params.trainable + l.params.nonTrainable > 0)
    .map((l) => `${l.kind} ${l.outputShape?.join("x")} ${l.params.trainable}`)
    .sort();
}

for (const file of examples) {
  test(`import of the exported ${file} analyses to the same shapes, parameters and MACs`, () => {
    const { original, imported } = roundTrip(file);
    const analysis = analyze(imported.text);
    assert.deepEqual(errors(analysis), []);
    const model = analysis.models[0]!;
    assert.deepEqual(model.input, original.input);
    assert.deepEqual(
      model.outputs.map((o) => o.shape),
      original.outputs.map((o) => o.shape),
    );
    assert.deepEqual(model.params, original.params);
    assert.equal(model.macs, original.macs);
    assert.deepEqual(parameterised(model), parameterised(original));
    assert.equal(
      model.layers.filter((l) => !DROPPED.has(l.kind)).length,
      original.layers.filter((l) => !DROPPED.has(l.kind)).length,
    );
  });
}

test("the imported weights are the exported tensors, in the written layers' order and shapes", () => {
  const { original, imported, weights } = roundTrip("resnet18.cnn");
  const exported = [...(weights as Map<string, { shape: number[]; data: Float32Array }>).values()];
  const back = [...imported.weights.values()];
  assert.equal(back.length, exported.length);
  back.forEach((t, i) => {
    assert.deepEqual(t.shape, exported[i]!.shape);
    assert.deepEqual(t.data, exported[i]!.data);
  });
  assert.equal(original.name, imported.model);
});

test("the imported ResNet-50 is one Bottleneck block with parameters, repeats and shortcut auto, in ≤ 60 lines", () => {
  const { imported } = roundTrip("resnet50.cnn");
  const lines = imported.text.trimEnd().split("\n");
  assert.ok(lines.length <= 60, `${lines.length} lines`);
  assert.equal(lines.filter((l) => l.startsWith("block ")).length, 1);
  assert.match(imported.text, /^block Bottleneck\(channels, stride = 1\) \{$/m);
  assert.match(imported.text, /^ {4}conv\(channels \* 4, 1, bias: false\) -> batchnorm$/m);
  assert.match(imported.text, /^ {2}\} shortcut auto$/m);
  // The source's own structure: a first use, then `repeat 2` (their names differ: Bottleneck1, repeat1.0.…).
  assert.match(imported.text, /^ {2}Bottleneck\(64\)$/m);
  assert.match(imported.text, /^ {2}repeat 2 \{ Bottleneck\(64\) \}$/m);
  assert.match(imported.text, /^ {2}Bottleneck\(512, stride: 2\)$/m);
});

test("fork-join regions read as residual, concat, gate and split structures, with the source's blocks inside", () => {
  const text = (file: string) => roundTrip(file).imported.text;
  assert.match(text("googlenet.cnn"), /concat \{\n\s+branch \{\n\s+BasicConv\(channels, 1\)/);
  // The aux heads: one block (its adaptive pool written back from the Slices and means), used from labelled tensors.
  const aux = text("googlenet_aux.cnn");
  assert.match(aux, /^block Head\(\) \{\n {2}adaptiveavgpool\(4\)\n {2}BasicConv\(128, 1\)\n/m);
  assert.match(aux, /^ {2}in4a: Inception\(192, 96, 208, 16, 48, 64\)\n {2}aux1: Head\(\)\n {2}in4a -> Inception/m);
  assert.match(aux, /^ {2}output\(logits, aux2, aux1\)$/m);
  assert.match(
    text("mobilenet_v3_large.cnn"),
    /^block SE\(channels, channels2\) \{\n {2}gate \{\n {4}adaptiveavgpool\(1\)\n {4}conv\(channels, 1\) -> relu\n/m,
  );
  assert.match(text("mobilenet_v2.cnn"), /^ {2}repeat 2 \{\n {4}residual \{\n {6}Inverted\(/m);
  assert.match(text("shufflenet_v2_x1_0.cnn"), /split \{\n {4}branch \{ \}\n {4}branch \{/);
  assert.match(text("resnet18.cnn"), /residual \{\n {4}conv\(channels, 3, stride: stride, padding: 1, bias: false\)/);
  assert.match(
    text("densenet121.cnn"),
    /concat \{\n {4}branch \{\n {6}identity\n {4}\}\n {4}branch \{\n {6}batchnorm -> relu\n/,
  );
  // Labels where the names need them: torchvision's names come back from the file written with them.
  const torchvision = text("resnet18_torchvision.cnn");
  assert.match(torchvision, /^ {2}layer1: repeat 2 \{ \w+\(64\) \}$/m);
  assert.match(torchvision, /^ {2}layer2: seq \{$/m);
  assert.match(torchvision, /^ {4}downsample: conv\(channels, 1, stride: 2, bias: false\) -> batchnorm$/m);
  assert.match(torchvision, /^ {2}fc: dense\(1000\)$/m);
});

for (const file of examples) {
  test(`import of the exported ${file} gives every layer and every weight its exported name and kind`, () => {
    const { original, imported, weights } = roundTrip(file);
    const model = analyze(imported.text).models[0]!;
    assert.deepEqual([...imported.weights.keys()].sort(), [...weights.keys()].sort());
    const layers = (m: ModelInfo) => m.layers.map((l) => `${l.name} ${l.kind} ${l.outputShape?.join("x")}`).sort();
    assert.deepEqual(layers(model), layers(original));
  });
}

test("a Keras file's channels-last export comes back as a Keras file, in Keras' spelling and defaults", () => {
  const { imported } = roundTrip("keras_smallnet.cnn");
  assert.match(imported.text, /^framework keras$/m);
  // H, W, C; `same` padding (uneven with the stride: TensorFlow's rule), eps 1e-3 and a flat global pool by default.
  assert.match(imported.text, /^ {2}input\(32, 32, 3\)$/m);
  assert.match(imported.text, /^ {2}conv\(64, 3, strides: 2, padding: same\) -> batchnorm -> relu -> globalavgpool$/m);
  assert.doesNotMatch(imported.text, /zeropad|permute|eps|flatten/);
});

test("a Keras file's zeropads, labels, merges, resizing and norms come back under their names", () => {
  const { original, imported, weights } = roundTrip("keras-mix.cnn", KERAS_MIX);
  const model = analyze(imported.text).models[0]!;
  assert.deepEqual(errors(analyze(imported.text)), []);
  const layers = (m: ModelInfo) => m.layers.map((l) => `${l.name} ${l.kind} ${l.outputShape?.join("x")}`);
  assert.deepEqual(layers(model), layers(original));
  assert.deepEqual([...imported.weights.keys()], [...weights.keys()]);
  assert.deepEqual(model.params, original.params);
  // TensorFlow's uneven `same` of the first conv is written as the file wrote it: a zeropad, then `valid`.
  assert.match(imported.text, /^ {2}zeropad\(\(\(0, 1\), \(0, 1\)\)\)\n {2}conv\(8, 3, strides: 2\) -> leakyrelu$/m);
  assert.match(imported.text, /batchnorm\(epsilon: 1e-5\)/);
});

test("Keras blocks come back as one block with Keras' argument names, its projection as shortcut auto", () => {
  const { original, imported, weights } = roundTrip("keras-residual.cnn", KERAS_RESIDUAL);
  const model = analyze(imported.text).models[0]!;
  const layers = (m: ModelInfo) => m.layers.map((l) => `${l.name} ${l.kind} ${l.outputShape?.join("x")}`);
  assert.deepEqual(layers(model), layers(original));
  assert.deepEqual([...imported.weights.keys()], [...weights.keys()]);
  assert.match(imported.text, /^block Unit\(channels, strides = 1\) \{$/m);
  assert.match(imported.text, /^ {2}\} shortcut auto$/m);
  assert.match(imported.text, /^ {2}Unit\(16, strides: 2\)\n {2}repeat 2 \{ Unit\(16\) \}$/m);
});

test("a Keras graph is refused where it leaves what the import reads, with the node and operator named", () => {
  const refusal = (body: string) => {
    const model = analyze(`framework keras\nmodel K {\n  input(9, 9, 3)\n  ${body}\n}\n`).models[0]!;
    const result = importOnnx(buildOnnx(model, randomWeights(model, 0), { outputs: "final" }));
    return "refusal" in result ? result.refusal : result.text;
  };
  assert.match(
    refusal("conv(4, 3) -> dense(5)"),
    /^node 'dense1#\d+' \(MatMul\) in a channels-last \(Keras\) graph: a dense layer on a feature map is not /,
  );
  assert.match(
    refusal("convtranspose(4, 2, strides: 2)"),
    /^node 'convtranspose1#\d+' \(ConvTranspose\) in a channels-last \(Keras\) graph: ConvTranspose is not imported/,
  );
});

test("groupnorm, prelu, instancenorm and gelu come back under their names, with or without their tensors", () => {
  const source = `model Norms {
  input(8, 6, 6)
  conv(8, 3, padding: 1) -> groupnorm(4) -> prelu -> instancenorm -> gelu
  conv(8, 1) -> groupnorm(2, affine: false) -> prelu(num_parameters: 8) -> instancenorm(affine: true, eps: 1e-3)
  flatten -> dense(4) -> prelu
}
`;
  const { original, imported, weights } = roundTrip("norms.cnn", source);
  const model = analyze(imported.text).models[0]!;
  const layers = (m: ModelInfo) => m.layers.map((l) => `${l.name} ${l.kind} ${l.outputShape?.join("x")}`);
  assert.deepEqual(layers(model), layers(original));
  assert.deepEqual([...imported.weights.keys()], [...weights.keys()]);
  assert.deepEqual(model.params, original.params);
  assert.match(imported.text, /groupnorm\(2, affine: false\) -> prelu\(num_parameters: 8\)/);
});

test("a deep stack of residuals folds in one pass under one repeat", () => {
  const model = analyze(
    "model Deep {\n  input(4, 6, 6)\n  repeat 400 { residual { conv(4, 3, padding: 1) -> relu } }\n}\n",
  ).models[0]!;
  const result = importOnnx(buildOnnx(model, randomWeights(model, 0), { outputs: "final" }));
  if ("refusal" in result) assert.fail(result.refusal);
  // The source's own structure, which its names (repeat1.<i>.conv1) ask for.
  assert.match(result.text, /^ {2}repeat 400 \{\n {4}residual \{\n {6}conv\(4, 3, padding: 1\) -> relu\n/m);
  assert.equal(result.weights.size, 800);
});
