// simulate() and its parts: seeded randomness, initialisation, weights and input files, checks and statistics.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { ForwardEngine } from "../../server/src/simulation/engine.js";
import { parseNpy } from "../../server/src/simulation/npy.js";
import { Random } from "../../server/src/simulation/random.js";
import { encodeSafetensors, parseSafetensors } from "../../server/src/simulation/safetensors.js";
import { simulate } from "../../server/src/simulation/simulate.js";
import { tensorStats } from "../../server/src/simulation/statistics.js";
import { checkWeights, randomWeights, type WeightMap } from "../../server/src/simulation/weights.js";
import { analyze, readRepoFile, wrap } from "../unit/helpers.js";

const modelOf = (source: string) => analyze(source).models[0]!;
const SMALL = wrap([3, 8, 8], ["conv(4, 3, padding: 1) -> batchnorm -> relu", "maxpool(2)", "flatten", "dense(5)"]);

test("the seeded generator repeats itself, separates streams and draws standard normals", () => {
  assert.deepEqual(new Random(1, "a").fillUniform(5, 0, 1), new Random(1, "a").fillUniform(5, 0, 1));
  assert.notDeepEqual(new Random(1, "a").fillUniform(5, 0, 1), new Random(1, "b").fillUniform(5, 0, 1));
  assert.notDeepEqual(new Random(1, "a").fillUniform(5, 0, 1), new Random(2, "a").fillUniform(5, 0, 1));
  const s = tensorStats(new Random(0, "n").fillNormal(200_000));
  assert.ok(Math.abs(s.mean) < 0.01 && Math.abs(s.std - 1) < 0.01, JSON.stringify(s));
});

test("random weights follow each framework's default initialisation", () => {
  const torch = randomWeights(modelOf(SMALL), 3);
  const bound = 1 / Math.sqrt(3 * 9);
  const w = tensorStats(torch.get("conv1.weight")!.data);
  assert.ok(w.min >= -bound && w.max <= bound && w.max > 0.9 * bound && w.min < -0.9 * bound);
  assert.ok(tensorStats(torch.get("conv1.bias")!.data).max <= bound);
  assert.deepEqual([...torch.get("batchnorm1.weight")!.data], [1, 1, 1, 1]);
  assert.deepEqual([...torch.get("batchnorm1.running_var")!.data], [1, 1, 1, 1]);
  assert.deepEqual(randomWeights(modelOf(SMALL), 3).get("dense1.weight"), torch.get("dense1.weight"));
  const keras = randomWeights(modelOf(wrap([8, 8, 3], ["conv(4, 3)", "flatten", "dense(5)"], "keras")), 3);
  const limit = Math.sqrt(6 / (27 + 36));
  const k = tensorStats(keras.get("conv1.weight")!.data);
  assert.ok(k.max <= limit && k.max > 0.8 * limit && k.min >= -limit);
  assert.deepEqual([...keras.get("conv1.bias")!.data], [0, 0, 0, 0]);
});

test("safetensors: round trip, F16/BF16/F64 conversion, and clear errors", () => {
  const t = new Map([
    ["b", { shape: [2], data: Float32Array.of(1.5, -2) }],
    ["a", { shape: [1, 1], data: Float32Array.of(3) }],
  ]);
  const bytes = encodeSafetensors(t);
  assert.equal(Number(new DataView(bytes.buffer).getBigUint64(0, true)) % 8, 0);
  assert.deepEqual(parseSafetensors(bytes).tensors, t);
  const header = JSON.stringify({
    h: { dtype: "F16", shape: [2], data_offsets: [0, 4] },
    g: { dtype: "BF16", shape: [1], data_offsets: [4, 6] },
    d: { dtype: "F64", shape: [1], data_offsets: [6, 14] },
    n: { dtype: "I64", shape: [], data_offsets: [14, 22] },
    __metadata__: { format: "pt" },
  });
  const head = new TextEncoder().encode(header);
  const file = new Uint8Array(8 + head.length + 22);
  const view = new DataView(file.buffer);
  view.setBigUint64(0, BigInt(head.length), true);
  file.set(head, 8);
  const at = 8 + head.length;
  view.setUint16(at, 0x3c00, true); // 1.0 in half precision
  view.setUint16(at + 2, 0xc500, true); // -5.0
  view.setUint16(at + 4, 0x4049, true); // bfloat16 3.140625
  view.setFloat64(at + 6, 0.25, true);
  const parsed = parseSafetensors(file);
  assert.deepEqual([...parsed.tensors.get("h")!.data], [1, -5]);
  assert.deepEqual([...parsed.tensors.get("g")!.data], [3.140625]);
  assert.deepEqual([...parsed.tensors.get("d")!.data], [0.25]);
  assert.equal(parsed.skipped.get("n"), "I64");
  assert.throws(
    () => parseSafetensors(bytes.subarray(0, 20), "w.safetensors"),
    /w\.safetensors: the header length \d+ runs past the end of the file \(20 bytes\)$/,
  );
});

test("weights that do not fit name the layer and both shapes; extra tensors are listed", () => {
  const model = modelOf(SMALL);
  const weights: WeightMap = randomWeights(model, 0);
  weights.set("conv1.weight", { shape: [4, 3, 5, 5], data: new Float32Array(300) });
  weights.delete("dense1.bias");
  weights.set("stray.weight", { shape: [1], data: new Float32Array(1) });
  assert.throws(
    () => checkWeights(model, weights, "w.safetensors"),
    (err: Error) => {
      assert.match(err.message, /2 weight tensors do not fit model Case/);
      assert.match(
        err.message,
        /layer conv1 \(conv\): 'conv1\.weight' has shape 4×3×5×5 in w\.safetensors but the model needs 4×3×3×3/,
      );
      assert.match(err.message, /layer dense1 \(dense\) needs 'dense1\.bias' of shape 5, which w\.safetensors lack/);
      return true;
    },
  );
  const fine = randomWeights(model, 0);
  fine.set("stray.weight", { shape: [1], data: new Float32Array(1) });
  fine.set("batchnorm1.num_batches_tracked", { shape: [], data: new Float32Array(1) });
  assert.deepEqual(checkWeights(model, fine).unused, ["stray.weight"]);
});

test("simulate reads .safetensors weights and a .npy input, and the same inputs give the same outputs", async () => {
  const analysis = analyze(SMALL);
  const dir = mkdtempSync(join(tmpdir(), "cnnlens-sim-"));
  try {
    const weights = join(dir, "w.safetensors");
    writeFileSync(weights, encodeSafetensors(randomWeights(analysis.models[0]!, 9)));
    const input = join(dir, "x.npy");
    writeFileSync(input, npy([2, 3, 8, 8], new Random(4, "x").fillNormal(384)));
    const a = await simulate(analysis, "Case", { weights, input, repeats: 1 });
    const b = await simulate(analysis, "Case", {
      seed: 9,
      input: parseNpy(npy([2, 3, 8, 8], new Random(4, "x").fillNormal(384))),
      repeats: 0,
    });
    assert.equal(a.batch, 2);
    assert.deepEqual(a.output, b.output);
    assert.deepEqual(
      a.layers.map((l) => l.shape),
      [
        [2, 4, 8, 8],
        [2, 4, 8, 8],
        [2, 4, 8, 8],
        [2, 4, 4, 4],
        [2, 64],
        [2, 5],
      ],
    );
    const relu = a.layers[2]!;
    assert.ok(relu.min === 0 && relu.zeros > 0.2 && relu.zeros < 0.8, JSON.stringify(relu));
    assert.ok(a.timing.sessionMs > 0 && a.timing.firstRunMs > 0 && a.timing.steadyMs! > 0);
    assert.ok(a.layers.every((l) => l.timeMs >= 0) && a.layers.some((l) => l.timeMs > 0));
    await assert.rejects(
      simulate(analysis, "Case", { input, batch: 3 }),
      /x\.npy: holds a batch of 2, but batch 3 was asked for/,
    );
    writeFileSync(input, npy([3, 8, 9], new Float32Array(216)));
    await assert.rejects(
      simulate(analysis, "Case", { input }),
      /x\.npy: has shape \(3, 8, 9\), but the model takes one sample of \(3, 8, 8\) in the pytorch layout \(C, H, W\)/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("simulate refuses models with errors, unknown names and budgets too small, with the numbers", async () => {
  await assert.rejects(
    simulate(analyze(wrap([3, 8, 8], ["conv(4, 11)"])), undefined),
    /model Case has errors, so it cannot be simulated: kernel 11 is larger/,
  );
  await assert.rejects(simulate(analyze(SMALL), "Nope"), /no model named Nope \(the file defines: Case\)/);
  const resnet = analyze(readRepoFile("examples/resnet50.cnn"));
  await assert.rejects(
    simulate(resnet, undefined, { batch: 64 }),
    new RegExp(
      String.raw`simulating ResNet50 with batch 64 needs about [\d.]+ MiB at its peak ` +
        String.raw`\(weights 97\.\d MiB and activations [\d.]+ MiB, held about 3\.25 and 5\.5 times\), ` +
        String.raw`more than the limit of 4096\.0 MiB`,
    ),
  );
});

test("a shape that differs from the analysis is reported as a bug, naming the layer and both shapes", async () => {
  const liar: ForwardEngine = {
    name: "liar",
    load: async () => ({
      outputNames: [],
      run: async () =>
        new Map([
          ["conv1", { shape: [1, 4, 7, 8], data: new Float32Array(224) }],
          ["output", { shape: [1], data: new Float32Array(1) }],
        ]),
      nodeTimes: async () => new Map(),
      release: async () => undefined,
    }),
  };
  await assert.rejects(
    simulate(analyze(wrap([3, 8, 8], ["conv(4, 3, padding: 1)"])), undefined, { engine: liar }),
    new RegExp(
      String.raw`internal error, please report it: layer conv1 \(conv\) computed 1×4×7×8 on onnxruntime, ` +
        String.raw`but the analysis says 1×4×8×8`,
    ),
  );
});

test("tensor statistics: population std, zero fraction, non-finite values left out", () => {
  const s = tensorStats(Float32Array.of(0, 2, 4, 0, NaN, Infinity));
  assert.deepEqual(s, { mean: 1.5, std: Math.sqrt(2.75), min: 0, max: 4, zeros: 2 / 6, nonFinite: 2 });
});

/** A version-1 .npy file (float32, C order). */
function npy(shape: number[], data: Float32Array): Uint8Array {
  let header =
    `{'descr': '<f4', 'fortran_order': False, ` + `'shape': (${shape.join(", ")}${shape.length === 1 ? "," : ""}), }`;
  header += " ".repeat(63 - ((10 + header.length) % 64)) + "\n";
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(data.buffer), 10 + header.length);
  return out;
}

/**
 * Layers whose rows have the same length are reduced together (onnx/statistics.ts, StatisticsGroups): ResNet-18
 * and MobileNet-V2 fill groups past their size, and this model has layers larger than a group (64×160×160 values:
 * reduced alone)
 * between small ones of many lengths, so every layer must still find its own rows.
 */
const groupedRows = `model Grouped {
  input(3, 160, 160)
  conv(64, 3, padding: 1) -> relu
  maxpool(2) -> conv(8, 3, padding: 1) -> relu
  conv(300, 1) -> relu
  adaptiveavgpool(3) -> flatten -> dense(10) -> relu
}`;

for (const [name, text] of [
  ["ResNet-18", readRepoFile("examples/resnet18.cnn")],
  ["MobileNet-V2", readRepoFile("examples/mobilenet_v2.cnn")],
  ["a layer larger than a group among small ones", groupedRows],
] as const)
  test(`the graph's statistics equal the kept tensors': zeros exactly, the rest to float32 rounding (${name})`, () =>
    statisticsMatchTensors(text));

async function statisticsMatchTensors(text: string): Promise<void> {
  const analysis = analyze(text);
  const lean = await simulate(analysis, undefined, { repeats: 0 });
  const kept = await simulate(analysis, undefined, { repeats: 0, keepTensors: true });
  assert.equal(lean.tensors, undefined);
  assert.deepEqual(lean.output, kept.output);
  for (const [i, layer] of lean.layers.entries()) {
    const exact = tensorStats(kept.tensors!.get(layer.name)!.data);
    const scale = Math.max(Math.abs(exact.min), Math.abs(exact.max), 1e-6);
    for (const k of ["mean", "std", "min", "max"] as const) {
      assert.ok(Math.abs(layer[k] - exact[k]) <= 1e-5 * scale, `${layer.name} ${k}: ${layer[k]} vs ${exact[k]}`);
      assert.equal(kept.layers[i]![k], layer[k], `${layer.name} ${k}: kept tensors change nothing`);
    }
    assert.equal(layer.zeros, exact.zeros, `${layer.name} zeros`);
  }
}
