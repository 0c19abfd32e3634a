// Keras files in the simulation: channels-last layout, TensorFlow's `same` padding, flatten order (H, W, C).
import assert from "node:assert/strict";
import { test } from "node:test";
import type { FloatTensor, WeightMap } from "../../server/src/onnx/tensors.js";
import { simulate } from "../../server/src/simulation/simulate.js";
import { Random } from "../../server/src/simulation/random.js";
import { randomWeights } from "../../server/src/simulation/weights.js";
import { analyze, wrap } from "../unit/helpers.js";

const run = async (source: string, input: FloatTensor, weights?: WeightMap) =>
  simulate(analyze(source), undefined, { input, keepTensors: true, repeats: 0, ...(weights ? { weights } : {}) });

/** [N, H, W, C] → [N, C, H, W]. */
function toChannelsFirst(t: FloatTensor): FloatTensor {
  const [n, h, w, c] = t.shape as [number, number, number, number];
  const out = new Float32Array(t.data.length);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let k = 0; k < c; k++) {
          out[((b * c + k) * h + y) * w + x] = t.data[((b * h + y) * w + x) * c + k]!;
        }
  return { shape: [n, c, h, w], data: out };
}

function assertClose(got: FloatTensor, want: FloatTensor, what: string): void {
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  want.data.forEach((v, i) =>
    assert.ok(Math.abs(got.data[i]! - v) < 1e-5, `${what}: value ${i} is ${got.data[i]}, expected ${v}`),
  );
}

const tensor = (shape: number[], values: number[]): FloatTensor => ({ shape, data: Float32Array.from(values) });

test("keras `same` pools put the odd pixel after and leave the padding out of the average", async () => {
  // One 3×3 channel holding 1…9; pool 2, stride 2, `same`: output 2×2, one padded row and column at the end.
  const input = tensor([1, 3, 3, 1], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const avg = await run(wrap([3, 3, 1], ["avgpool(2, strides: 2, padding: same)"], "keras"), input);
  assert.deepEqual([...avg.output.data], [3, 4.5, 7.5, 9]);
  const max = await run(
    wrap([3, 3, 1], ["maxpool(2, strides: 2, padding: same)"], "keras"),
    tensor([1, 3, 3, 1], [-1, -2, -3, -4, -5, -6, -7, -8, -9]),
  );
  assert.deepEqual([...max.output.data], [-1, -3, -7, -9]);
});

test("keras flatten reads H, W, C order, so dense weights meet the values in that order", async () => {
  const input = tensor([1, 2, 2, 3], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  const weights: WeightMap = new Map([["dense1.weight", tensor([1, 12], [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 100])]]);
  const r = await run(wrap([2, 2, 3], ["flatten", "dense(1, use_bias: false)"], "keras"), input, weights);
  // Element 0 is (h0, w0, c0) = 0 and element 11 is (h1, w1, c2) = 11: 0·1 + 11·100.
  assert.deepEqual([...r.output.data], [1100]);
  assert.deepEqual(r.layers[0]!.shape, [1, 12]);
});

test("a keras conv net equals its pytorch twin on the transposed input, layer by layer", async () => {
  const random = new Random(7, "keras-twin");
  const hwc: FloatTensor = { shape: [2, 8, 8, 3], data: random.fillNormal(2 * 8 * 8 * 3) };
  const chw = toChannelsFirst(hwc);
  // TensorFlow's `same` with stride 2 on 8 pixels pads 0 before and 1 after; PyTorch gets it from zeropad.
  const kerasSource = wrap(
    [8, 8, 3],
    [
      "conv(4, 3, strides: 2, padding: same) -> batchnorm(epsilon: 0.00001) -> relu",
      "maxpool(2)",
      "upsample(2, interpolation: bilinear)",
      "leakyrelu(0.2)",
      "dropout(0.5)",
    ],
    "keras",
  );
  const twin = wrap(
    [3, 8, 8],
    [
      "zeropad(((0, 1), (0, 1)))",
      "conv(4, 3, stride: 2) -> batchnorm -> relu",
      "maxpool(2)",
      "upsample(2, mode: bilinear)",
      "leakyrelu(0.2)",
      "dropout(0.5)",
    ],
  );
  // One set of weights for both (PyTorch layout in both files), with running statistics that matter.
  const weights = randomWeights(analyze(kerasSource).models[0]!, 5);
  weights.set("batchnorm1.running_mean", tensor([4], [0.1, -0.2, 0.3, 0]));
  weights.set("batchnorm1.running_var", tensor([4], [0.5, 2, 1, 1.5]));
  const keras = await run(kerasSource, hwc, weights);
  const torch = await run(twin, chw, weights);
  for (const name of ["conv1", "batchnorm1", "relu1", "maxpool1", "upsample1", "leakyrelu1", "dropout1"]) {
    assertClose(toChannelsFirst(keras.tensors!.get(name)!), torch.tensors!.get(name)!, name);
  }
});

test("issue 12's layers channels last equal their pytorch twins on the transposed input", async () => {
  const random = new Random(8, "keras-twin-12");
  const hwc: FloatTensor = { shape: [2, 6, 5, 3], data: random.fillNormal(2 * 6 * 5 * 3) };
  const chain = (prelu: string) =>
    `groupnorm(2) -> ${prelu} -> instancenorm(affine: true) -> shuffle(4) -> scale(init: 0.5) -> hardswish -> mish`;
  const kerasSource = wrap([6, 5, 3], [`conv(8, 3, padding: same) -> ${chain("prelu(shared_axes: (1, 2))")}`], "keras");
  const twin = wrap([3, 6, 5], [`conv(8, 3, padding: 1) -> ${chain("prelu(8)")}`]);
  // One set of weights in PyTorch's layout for both; γ, β, slopes and factors random, so each channel differs.
  const weights = randomWeights(analyze(twin).models[0]!, 3);
  for (const [name, t] of weights) {
    if (!name.startsWith("conv")) weights.set(name, { shape: t.shape, data: random.fillNormal(t.data.length) });
  }
  const keras = await run(kerasSource, hwc, weights);
  const torch = await run(twin, toChannelsFirst(hwc), weights);
  for (const name of ["groupnorm1", "prelu1", "instancenorm1", "shuffle1", "scale1", "hardswish1", "mish1"]) {
    assertClose(toChannelsFirst(keras.tensors!.get(name)!), torch.tensors!.get(name)!, name);
  }
});

test("keras transposed conv `same` crops TensorFlow's way: the overhang goes at the end", async () => {
  const random = new Random(3, "deconv");
  const hwc: FloatTensor = { shape: [1, 3, 3, 2], data: random.fillNormal(18) };
  const weights: WeightMap = new Map([
    ["convtranspose1.weight", { shape: [2, 1, 3, 3], data: random.fillNormal(18) }],
    ["convtranspose1.bias", tensor([1], [0.5])],
  ]);
  const keras = await run(wrap([3, 3, 2], ["convtranspose(1, 3, strides: 2, padding: same)"], "keras"), hwc, weights);
  const full = await run(wrap([2, 3, 3], ["convtranspose(1, 3, stride: 2)"]), toChannelsFirst(hwc), weights);
  assert.deepEqual(keras.output.shape, [1, 6, 6, 1]);
  assert.deepEqual(full.output.shape, [1, 1, 7, 7]);
  // Full output 7×7; TensorFlow pads ⌊(7 − 6)/2⌋ = 0 before, so Keras' 6×6 is the top-left corner.
  for (let y = 0; y < 6; y++)
    for (let x = 0; x < 6; x++) {
      assert.ok(Math.abs(keras.output.data[y * 6 + x]! - full.output.data[y * 7 + x]!) < 1e-5, `(${y}, ${x})`);
    }
});

test("keras global pools drop the spatial axes; softmax defaults to the channel (last) axis", async () => {
  const input = tensor([1, 1, 2, 2], [1, 3, 2, 4]);
  const r = await run(wrap([1, 2, 2], ["globalavgpool", "softmax"], "keras"), input);
  assert.deepEqual(r.layers[0]!.shape, [1, 2]);
  const [a, b] = [Math.exp(1.5), Math.exp(3.5)];
  assert.ok(Math.abs(r.output.data[0]! - a / (a + b)) < 1e-6);
  const keep = await run(wrap([1, 2, 2], ["globalmaxpool(keepdims: true)"], "keras"), input);
  assert.deepEqual(keep.output.shape, [1, 1, 1, 2]);
  assert.deepEqual([...keep.output.data], [2, 4]);
});
