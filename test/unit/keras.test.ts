// Keras semantics, from TensorFlow's documented rules (TensorFlow cannot be installed here to run).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { exportPyTorch } from "../../server/src/export/pytorch.js";
import { analyze, errors, readRepoFile, wrap } from "./helpers.js";

function layer(input: number[], line: string) {
  const a = analyze(wrap(input, [line], "keras"));
  assert.deepEqual(errors(a), []);
  return a.models[0]!.layers[0]!;
}

describe("keras", () => {
  it("the spec's SmallNet, counted as model.summary() counts it", () => {
    const a = analyze(readRepoFile("examples/keras_smallnet.cnn"));
    assert.deepEqual(errors(a), []);
    const m = a.models[0]!;
    // conv 3·3·3·32+32 = 896; conv 3·3·32·64+64 = 18,496; batchnorm 4·64 = 256 (128 non-trainable);
    // dense 64·10+10 = 650.
    assert.deepEqual(
      m.layers.map((l) => l.outputShape),
      [[32, 32, 32], [32, 32, 32], [16, 16, 32], [8, 8, 64], [8, 8, 64], [8, 8, 64], [64], [10], [10]],
    );
    assert.deepEqual(m.params, { total: 20298, trainable: 20170, nonTrainable: 128 });
  });
  it("same: out = ⌈W/S⌉ whatever the kernel", () => {
    assert.deepEqual(layer([7, 7, 3], "conv(4, 3, strides: 2, padding: same)").outputShape, [4, 4, 4]);
    assert.deepEqual(layer([224, 224, 3], "conv(4, 7, strides: 2, padding: same)").outputShape, [112, 112, 4]);
    assert.deepEqual(layer([5, 5, 3], "maxpool(2, padding: same)").outputShape, [3, 3, 3]);
  });
  it("same puts the odd padding pixel after (bottom/right): the field's centre shows it", () => {
    // W = 8, K = 4, S = 2: out 4, total padding (4−1)·2 + 4 − 8 = 2 → 1 before, 1 after; K = 3: total 1 → 0 before.
    assert.deepEqual(layer([8, 8, 1], "conv(1, 4, strides: 2, padding: same)").receptiveField!.start, [0.5, 0.5]);
    assert.deepEqual(layer([8, 8, 1], "conv(1, 3, strides: 2, padding: same)").receptiveField!.start, [1, 1]);
  });
  it("valid: out = ⌈(W − D(K−1))/S⌉", () => {
    assert.deepEqual(layer([10, 10, 3], "conv(4, 3, strides: 3)").outputShape, [3, 3, 4]);
    assert.deepEqual(layer([11, 11, 3], "conv(4, 3, dilation_rate: 2)").outputShape, [7, 7, 4]);
  });
  it("pools default to a 2×2 window striding by the window", () => {
    assert.deepEqual(layer([9, 9, 3], "maxpool").outputShape, [4, 4, 3]);
    assert.deepEqual(layer([9, 9, 3], "AveragePooling2D(pool_size: 3, strides: 1)").outputShape, [7, 7, 3]);
  });
  it("global pools drop the spatial axes; dense acts on the last axis", () => {
    assert.deepEqual(layer([7, 7, 512], "globalavgpool").outputShape, [512]);
    assert.deepEqual(layer([7, 7, 512], "GlobalMaxPooling2D(keepdims: true)").outputShape, [1, 1, 512]);
    const d = analyze(wrap([7, 7, 512], ["Dense(units: 10)"], "keras")).models[0]!.layers[0]!;
    assert.deepEqual(d.outputShape, [7, 7, 10]);
    assert.equal(d.params.trainable, 5130);
  });
  it("Conv2DTranspose without output_padding: valid W·S + max(K − S, 0), same W·S", () => {
    assert.deepEqual(layer([2, 2, 1], "Conv2DTranspose(1, 4, strides: 3)").outputShape, [7, 7, 1]);
    assert.deepEqual(layer([5, 5, 1], "Conv2DTranspose(1, 3, strides: 2, padding: same)").outputShape, [10, 10, 1]);
    assert.deepEqual(
      layer([5, 5, 1], "Conv2DTranspose(1, 3, strides: 2, padding: same, output_padding: 1)").outputShape,
      [10, 10, 1],
    );
  });
  it("batchnorm: eps 1e-3 and running statistics counted as non-trainable", () => {
    const bn = layer([8, 8, 16], "BatchNormalization");
    assert.deepEqual(bn.params, { trainable: 32, nonTrainable: 32 });
    assert.equal(bn.args["eps"], 1e-3);
  });
  it("batchnorm: center and scale drop β and γ independently, and both may be given (TF.js agrees)", () => {
    // Regression: both were aliases of PyTorch's affine (16 instead of 24; "affine is given twice" for both).
    assert.deepEqual(layer([4, 4, 8], "batchnorm(center: false)").params, { trainable: 8, nonTrainable: 16 });
    assert.deepEqual(layer([4, 4, 8], "batchnorm(scale: false)").params, { trainable: 8, nonTrainable: 16 });
    const both = layer([4, 4, 8], "BatchNormalization(center: false, scale: false)");
    assert.deepEqual(both.params, { trainable: 0, nonTrainable: 16 });
    const a = analyze(wrap([4, 4, 8], ["batchnorm(affine: false)"], "keras"));
    assert.deepEqual(
      a.diagnostics.map((d) => d.code),
      ["argument-value"],
    );
    assert.match(a.diagnostics[0]!.message, /scale: false .*center: false/);
  });
  it("the PyTorch export refuses one of center and scale (affine is both or neither) and keeps both false", () => {
    const one = wrap([4, 4, 8], ["batchnorm(center: false)"], "keras");
    assert.match(exportPyTorch(analyze(one), one).errors.join("\n"), /learns scale and shift together \(affine\)/);
    const both = wrap([4, 4, 8], ["batchnorm(center: false, scale: false)"], "keras");
    assert.match(
      exportPyTorch(analyze(both), both).code,
      /nn\.BatchNorm2d\(8, eps=0\.001, momentum=0\.01.*affine=False\)/,
    );
  });
  it("a class name with a dimension needs an input of its rank (Keras checks ndim); a short name follows it", () => {
    // Regression: Conv2D on a sequence was built as a 1-D conv, where Keras (and TF.js) refuse it.
    const a = analyze(wrap([10, 16], ["Conv2D(8, 3)"], "keras"));
    assert.deepEqual(
      a.diagnostics.map((d) => d.code),
      ["input-rank"],
    );
    assert.match(a.diagnostics[0]!.message, /Conv2D needs a 2-D feature map, .*write Conv1D/);
    assert.deepEqual(layer([10, 16], "conv(8, 3)").outputShape, [8, 8]);
    assert.deepEqual(
      analyze(wrap([3, 8, 8], ["MaxPool1d(2)"])).diagnostics.map((d) => d.code),
      ["input-rank"],
    );
  });
  it("explicit pixels are refused with the keras way to say it", () => {
    const a = analyze(wrap([8, 8, 3], ["conv(4, 3, padding: 1)"], "keras"));
    assert.deepEqual(
      a.diagnostics.map((d) => d.code),
      ["argument-value"],
    );
    assert.match(a.diagnostics[0]!.message, /zeropad\(1\) before it/);
  });
});

describe("pytorch counts batchnorm statistics as buffers", () => {
  it("2C trainable, nothing non-trainable", () => {
    const bn = analyze(wrap([16, 8, 8], ["batchnorm"])).models[0]!.layers[0]!;
    assert.deepEqual(bn.params, { trainable: 32, nonTrainable: 0 });
    assert.equal(bn.args["eps"], 1e-5);
  });
  it("affine drops both; Keras' center and scale are refused in a pytorch file", () => {
    const none = analyze(wrap([16, 8, 8], ["batchnorm(affine: false)"])).models[0]!.layers[0]!;
    assert.deepEqual(none.params, { trainable: 0, nonTrainable: 0 });
    const a = analyze(wrap([16, 8, 8], ["batchnorm(center: false)"]));
    assert.deepEqual(
      a.diagnostics.map((d) => d.code),
      ["argument-value"],
    );
    assert.match(a.diagnostics[0]!.message, /affine: false/);
  });
});
