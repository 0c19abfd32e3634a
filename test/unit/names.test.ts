// Layer names: the spec's naming rules, which weights files and exports rely on.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { analyze, readRepoFile } from "./helpers.js";

function names(text: string): string[] {
  return analyze(text).models[0]!.layers.map((l) => l.name);
}

describe("layer names", () => {
  it("count per kind; a label on a single layer names it and is not counted; on a chain it numbers them", () => {
    assert.deepEqual(
      names("model M { input(3, 8, 8) conv(4, 3) -> relu\n stem: conv(4, 1)\n out: conv(4, 1) -> relu conv(2, 1) }"),
      ["conv1", "relu1", "stem", "out.0", "out.1", "conv2"],
    );
  });
  it("a kind whose name ends in a digit takes an underscore: relu6_1, never relu61 (relu's 61st)", () => {
    const relus = Array.from({ length: 61 }, () => "relu").join(" ");
    const all = names(`model M { input(3, 8, 8) relu6 ${relus} relu6 }`);
    assert.deepEqual([all[0], all[61], all[62]], ["relu6_1", "relu61", "relu6_2"]);
  });
  it("a label on a repeat names its iterations; a single block use sits under the index (issue 12)", () => {
    const text = "block B(c) { conv(c, 1) -> relu }\nmodel M { input(3, 8, 8) layer1: repeat 2 { B(4) } }";
    assert.deepEqual(names(text), ["layer1.0.conv1", "layer1.0.relu1", "layer1.1.conv1", "layer1.1.relu1"]);
    const chain = "model M { input(3, 8, 8) layer1: repeat 2 { conv(4, 1) -> relu } layer2: repeat 2 { relu6 } }";
    assert.deepEqual(names(chain), [
      "layer1.0.conv1",
      "layer1.0.relu1",
      "layer1.1.conv1",
      "layer1.1.relu1",
      "layer2.0",
      "layer2.1",
    ]);
  });
  it("seq numbers its contents as nn.Sequential: layers, block uses, repeats, nested seqs, structures", () => {
    const text =
      "block B(c) { conv(c, 1) }\nmodel M { input(3, 8, 8) features: seq { conv(4, 3, padding: 1) -> relu " +
      "B(4)\n repeat 2 { B(4) }\n seq { relu6 }\n residual { conv(4, 1) }\n stem: conv(4, 1)\n relu } seq { relu } }";
    assert.deepEqual(names(text), [
      "features.0",
      "features.1",
      "features.2.conv1",
      "features.3.conv1",
      "features.4.conv1",
      "features.5.0",
      "features.6.conv1",
      "features.stem",
      "features.8",
      "sequential1.0",
    ]);
  });
  it("labels may be layer kinds, reserved words or quoted names; a bare word is a label only once defined", () => {
    const text =
      'model M { input(3, 8, 8) conv: conv(4, 1)\n block: relu\n "block1-0": conv(4, 1) -> relu\n' +
      ' "block1-0" -> conv(4, 1)\n relu: relu\n relu\n relu() }';
    const analysis = analyze(text);
    assert.deepEqual(analysis.diagnostics, []);
    assert.deepEqual(
      analysis.models[0]!.layers.map((l) => l.name),
      ["conv", "block", "block1-0.0", "block1-0.1", "conv1", "relu", "relu1"],
    );
  });
  it("dotted paths through block uses and repeats, or the use's label", () => {
    const text = "block B(c) { conv(c, 1) -> relu }\nmodel M { input(3, 8, 8) B(4) layer1: B(4) repeat 2 { B(4) } }";
    assert.deepEqual(names(text), [
      "B1.conv1",
      "B1.relu1",
      "layer1.conv1",
      "layer1.relu1",
      "repeat1.0.B1.conv1",
      "repeat1.0.B1.relu1",
      "repeat1.1.B1.conv1",
      "repeat1.1.B1.relu1",
    ]);
  });
  it("the projection of shortcut auto follows the main path in its scope", () => {
    const text =
      "model M { input(8, 8, 8) residual { conv(16, 3, stride: 2, padding: 1) -> batchnorm } shortcut auto }";
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
    const layers = analyze(
      "model M { input(3, 8, 8) Conv2d(4, kernel_size: 3) -> BatchNorm2d -> ReLU " +
        "-> MaxPool2d(2) -> Flatten -> Linear(out_features: 2) }",
    ).models[0]!.layers;
    assert.deepEqual(
      layers.map((l) => l.kind),
      ["conv", "batchnorm", "relu", "maxpool", "flatten", "dense"],
    );
    assert.deepEqual(
      layers.map((l) => l.name),
      ["conv1", "batchnorm1", "relu1", "maxpool1", "flatten1", "dense1"],
    );
  });
});

describe("a label that takes an automatic name", () => {
  const collisions = (text: string) => analyze(text).diagnostics.filter((d) => d.code === "name-collision");
  it("is an error on the label, whichever comes first, with the fix in the message", () => {
    for (const text of [
      "block B(c) { conv(c, 3, padding: 1) }\nmodel M { input(3, 8, 8) conv1: B(8) conv(4, 3) }",
      "model M { input(3, 8, 8) conv(4, 3) conv1: conv(4, 3) }",
      "model M { input(3, 8, 8) conv1: conv(4, 3) conv(4, 3) }",
      "model M { input(3, 8, 8) repeat1: relu repeat 2 { relu } }",
    ]) {
      const found = collisions(text);
      assert.equal(found.length, 1, text);
      const label = /(\w+):/.exec(text.slice(text.indexOf("model")))![1]!;
      assert.equal(text.slice(found[0]!.span.start, found[0]!.span.end), label, text);
      assert.match(found[0]!.message, /rename the label/);
      assert.equal(found[0]!.related?.length, 1);
    }
  });
  it("inside a block, once however often the block is used", () => {
    const text = "block B(c) { conv(c, 1) relu1: relu relu }\nmodel M { input(3, 8, 8) B(4) B(4) repeat 3 { B(4) } }";
    assert.equal(collisions(text).length, 1);
  });
  it("two automatic names that meet (block B1's first use and block B1_'s first are both B1_1)", () => {
    const text = "block B1(c) { relu }\nblock B1_(c) { relu }\nmodel M { input(3, 8, 8) B1(4) B1_(4) }";
    assert.match(collisions(text)[0]!.message, /both named 'B1_1' automatically/);
    // B's 11th use and B1's first no longer meet: B11 and B1_1.
    const uses = Array.from({ length: 11 }, () => "B(4)").join(" ");
    assert.deepEqual(
      collisions(`block B(c) { relu }\nblock B1(c) { relu }\nmodel M { input(3, 8, 8) ${uses} B1(4) }`),
      [],
    );
  });
  it("labels in other scopes are no collision; a chain's label names its layers, so it is one", () => {
    const text = "block B(c) { conv1: conv(c, 1) }\nmodel M { input(3, 8, 8) B(4) conv(4, 1) }";
    assert.deepEqual(collisions(text), []);
    assert.equal(collisions("model M { input(3, 8, 8) conv(4, 1) conv1: conv(4, 1) -> relu }").length, 1);
  });
  it("a quoted label equal to a seq's index is a collision", () => {
    assert.equal(collisions('model M { input(3, 8, 8) s: seq { relu "1": relu } }').length, 0);
    assert.equal(collisions('model M { input(3, 8, 8) s: seq { "1": relu\n relu } }').length, 1);
    assert.equal(collisions('model M { input(3, 8, 8) s: seq { "2": relu\n relu\n relu } }').length, 1);
  });
});
