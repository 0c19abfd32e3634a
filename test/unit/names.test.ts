// Layer names: the spec's naming rules, which weights files and exports rely on.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { analyze, readRepoFile } from "./helpers.js";

function names(text: string): string[] {
  return analyze(text).models[0]!.layers.map((l) => l.name);
}

describe("layer names", () => {
  it("count per kind; a label on a single layer names it", () => {
    assert.deepEqual(names("model M { input(3, 8, 8) conv(4, 3) -> relu\n stem: conv(4, 1)\n out: conv(4, 1) -> relu conv(2, 1) }"),
      ["conv1", "relu1", "stem", "conv3", "relu2", "conv4"]);
  });
  it("dotted paths through block uses and repeats, or the use's label", () => {
    const text = "block B(c) { conv(c, 1) -> relu }\nmodel M { input(3, 8, 8) B(4) layer1: B(4) repeat 2 { B(4) } }";
    assert.deepEqual(names(text), ["B1.conv1", "B1.relu1", "layer1.conv1", "layer1.relu1",
      "repeat1.0.B1.conv1", "repeat1.0.B1.relu1", "repeat1.1.B1.conv1", "repeat1.1.B1.relu1"]);
  });
  it("the projection of shortcut auto follows the main path in its scope", () => {
    const text = "model M { input(8, 8, 8) residual { conv(16, 3, stride: 2, padding: 1) -> batchnorm } shortcut auto }";
    assert.deepEqual(names(text), ["conv1", "batchnorm1", "conv2", "batchnorm2"]);
    const proj = analyze(text).models[0]!.layers[2]!;
    assert.deepEqual(proj.args["stride"], [2, 2]);
    assert.deepEqual(proj.outputShape, [16, 4, 4]);
  });
  it("are unique in every example", () => {
    for (const file of ["resnet50", "googlenet", "densenet121", "mobilenet_v2", "unet_small"]) {
      const all = names(readRepoFile(`examples/${file}.cnn`));
      assert.equal(new Set(all).size, all.length, file);
    }
  });
  it("aliases of both frameworks name the same kind", () => {
    const layers = analyze("model M { input(3, 8, 8) Conv2d(4, kernel_size: 3) -> BatchNorm2d -> ReLU -> MaxPool2d(2) -> Flatten -> Linear(out_features: 2) }").models[0]!.layers;
    assert.deepEqual(layers.map((l) => l.kind), ["conv", "batchnorm", "relu", "maxpool", "flatten", "dense"]);
    assert.deepEqual(layers.map((l) => l.name), ["conv1", "batchnorm1", "relu1", "maxpool1", "flatten1", "dense1"]);
  });
});
