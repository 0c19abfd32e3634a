// Receptive fields: the seed's AlexNet / VGG-16 / ZF-5 table line by line, published values, and the
// empirical gradient check from scripts/golden/receptive_fields.py.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { LayerInfo } from "../../server/src/analysis/index.js";
import { analyze, errors, readJson, readRepoFile, wrap } from "./helpers.js";

/** The seed's net_struct ([filter size, stride, padding] per layer) and its printed table (output size, stride, RF). */
const seed: Record<string, { net: [number, number, number][]; names: string[]; table: [number, number, number][] }> = {
  alexnet: {
    net: [
      [11, 4, 0],
      [3, 2, 0],
      [5, 1, 2],
      [3, 2, 0],
      [3, 1, 1],
      [3, 1, 1],
      [3, 1, 1],
      [3, 2, 0],
    ],
    names: ["conv1", "pool1", "conv2", "pool2", "conv3", "conv4", "conv5", "pool5"],
    table: [
      [54, 4, 11],
      [26, 8, 19],
      [26, 8, 51],
      [12, 16, 67],
      [12, 16, 99],
      [12, 16, 131],
      [12, 16, 163],
      [5, 32, 195],
    ],
  },
  vgg16: {
    net: [
      [3, 1, 1],
      [3, 1, 1],
      [2, 2, 0],
      [3, 1, 1],
      [3, 1, 1],
      [2, 2, 0],
      [3, 1, 1],
      [3, 1, 1],
      [3, 1, 1],
      [2, 2, 0],
      [3, 1, 1],
      [3, 1, 1],
      [3, 1, 1],
      [2, 2, 0],
      [3, 1, 1],
      [3, 1, 1],
      [3, 1, 1],
      [2, 2, 0],
    ],
    names: [
      "conv1_1",
      "conv1_2",
      "pool1",
      "conv2_1",
      "conv2_2",
      "pool2",
      "conv3_1",
      "conv3_2",
      "conv3_3",
      "pool3",
      "conv4_1",
      "conv4_2",
      "conv4_3",
      "pool4",
      "conv5_1",
      "conv5_2",
      "conv5_3",
      "pool5",
    ],
    table: [
      [224, 1, 3],
      [224, 1, 5],
      [112, 2, 6],
      [112, 2, 10],
      [112, 2, 14],
      [56, 4, 16],
      [56, 4, 24],
      [56, 4, 32],
      [56, 4, 40],
      [28, 8, 44],
      [28, 8, 60],
      [28, 8, 76],
      [28, 8, 92],
      [14, 16, 100],
      [14, 16, 132],
      [14, 16, 164],
      [14, 16, 196],
      [7, 32, 212],
    ],
  },
  "zf-5": {
    net: [
      [7, 2, 3],
      [3, 2, 1],
      [5, 2, 2],
      [3, 2, 1],
      [3, 1, 1],
      [3, 1, 1],
      [3, 1, 1],
    ],
    names: ["conv1", "pool1", "conv2", "pool2", "conv3", "conv4", "conv5"],
    table: [
      [112, 2, 7],
      [56, 4, 11],
      [28, 8, 27],
      [14, 16, 43],
      [14, 16, 75],
      [14, 16, 107],
      [14, 16, 139],
    ],
  },
};

describe("the seed's receptive-field table, line by line", () => {
  for (const [net, { net: layers, names, table }] of Object.entries(seed)) {
    it(net, () => {
      // Layers named pool* are max pools; the rest convolutions, on the seed's 224×224 image.
      const lines = layers.map(([k, s, p], i) =>
        names[i]!.startsWith("pool")
          ? `${names[i]}: maxpool(${k}, stride: ${s}, padding: ${p})`
          : `${names[i]}: conv(8, ${k}, stride: ${s}, padding: ${p})`,
      );
      const analysis = analyze(wrap([3, 224, 224], lines));
      assert.deepEqual(errors(analysis), []);
      const got = analysis.models[0]!.layers;
      table.forEach(([size, stride, rf], i) => {
        const l = got[i]!;
        assert.equal(l.name, names[i]);
        assert.deepEqual(l.outputShape!.slice(1), [size, size], `${l.name} output size`);
        assert.deepEqual(l.receptiveField!.jump, [stride, stride], `${l.name} stride`);
        assert.deepEqual(l.receptiveField!.size, [rf, rf], `${l.name} RF size`);
      });
    });
  }
});

function byName(layers: LayerInfo[], name: string): LayerInfo {
  const l = layers.find((x) => x.name === name);
  assert.ok(l, `layer ${name}`);
  return l;
}

describe("published receptive fields of the examples", () => {
  it("AlexNet (torchvision) pool5: 195 with jump 32", () => {
    const m = analyze(readRepoFile("examples/alexnet.cnn")).models[0]!;
    const pools = m.layers.filter((l) => l.kind === "maxpool");
    assert.deepEqual(pools[2]!.receptiveField!.size, [195, 195]);
    assert.deepEqual(pools[2]!.receptiveField!.jump, [32, 32]);
  });
  it("VGG-16 pool5: 212 with jump 32", () => {
    const m = analyze(readRepoFile("examples/vgg16.cnn")).models[0]!;
    const pools = m.layers.filter((l) => l.kind === "maxpool");
    assert.deepEqual(pools[4]!.receptiveField!.size, [212, 212]);
    assert.deepEqual(pools[4]!.receptiveField!.jump, [32, 32]);
  });
  it("centres: a 3×3 conv with padding 1 is centred on pixel 0; without padding on pixel 1", () => {
    const layers = analyze(wrap([1, 8, 8], ["a: conv(1, 3, padding: 1)", "b: conv(1, 3)", "c: conv(1, 2, stride: 2)"]))
      .models[0]!.layers;
    assert.deepEqual(byName(layers, "a").receptiveField!.start, [0, 0]);
    assert.deepEqual(byName(layers, "b").receptiveField!.start, [1, 1]);
    assert.deepEqual(byName(layers, "c").receptiveField!.start, [1.5, 1.5]);
  });
  it("dense and global pools make the field global; merges take the largest path", () => {
    const m = analyze(
      wrap([3, 16, 16], ["conv(4, 3, padding: 1)", "residual { conv(4, 5, padding: 2) }", "globalavgpool"]),
    ).models[0]!;
    assert.deepEqual(m.layers[1]!.receptiveField!.size, [7, 7]);
    assert.equal(m.layers[2]!.receptiveField!.global, true);
    assert.deepEqual(m.layers[2]!.receptiveField!.size, [16, 16], "global covers the whole input");
  });
  it("warns when merged paths are not aligned", () => {
    // The second branch pads one pixel before only, so its 2×2 windows are centred half a pixel earlier.
    const a = analyze(
      wrap(
        [3, 16, 16],
        ["add { branch { conv(4, 3, padding: 1) } branch { zeropad(((1, 0), (1, 0))) -> conv(4, 2) } }"],
      ),
    );
    assert.deepEqual(errors(a), []);
    assert.deepEqual(
      a.diagnostics.map((d) => d.code),
      ["rf-misaligned"],
    );
    const aligned = analyze(wrap([3, 16, 16], ["add { branch { conv(4, 3, padding: 1) } branch { conv(4, 1) } }"]));
    assert.deepEqual(aligned.diagnostics, []);
  });
});

interface Stack {
  id: string;
  input: number[];
  lines: string[];
  size: number[];
  note?: string;
}

describe("receptive fields agree with PyTorch's gradients", () => {
  const { stacks } = readJson<{ stacks: Stack[] }>("test/golden/receptive-fields.json");
  for (const s of stacks) {
    it(s.id, () => {
      const m = analyze(wrap(s.input, s.lines)).models[0]!;
      const last = m.layers[m.layers.length - 1]!.receptiveField!;
      if (s.note) {
        // After a fractional jump (upsampling by 3, transposed stride 3) the spec's bottom-up rule gives the
        // average extent, not the largest one; it stays within one input pixel (docs/receptive-field.md).
        last.size.forEach((r, i) =>
          assert.ok(Math.abs(r - s.size[i]!) < 1, `${r} is within one pixel of ${s.size[i]}`),
        );
      } else {
        assert.deepEqual(last.size, s.size);
      }
    });
  }
});
