// The PyTorch writer: what the code looks like, one class per block, and what it refuses (no Python needed).
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { exportPyTorch } from "../../server/src/export/pytorch.js";
import { analyze, readRepoFile, repoRoot, wrap } from "./helpers.js";

function torch(text: string) {
  return exportPyTorch(analyze(text), text);
}

const examples = readdirSync(join(repoRoot, "examples"))
  .filter((f) => f.endsWith(".cnn"))
  .sort();

describe("export --to pytorch: ResNet-50 reads like torchvision", () => {
  const { code, errors } = torch(readRepoFile("examples/resnet50.cnn"));
  const lines = code.trimEnd().split("\n");

  it("is one Bottleneck class and the model, under 120 lines", () => {
    assert.deepEqual(errors, []);
    assert.ok(lines.length < 120, `${lines.length} lines`);
    assert.deepEqual(
      lines.filter((l) => l.startsWith("class ")),
      ["class Bottleneck(nn.Module):", "class ResNet50(nn.Module):"],
    );
  });

  it("builds the block from its parameters, with torchvision's projection test", () => {
    for (const line of [
      "    def __init__(self, in_channels, width, stride=1):",
      "        self.conv2 = nn.Conv2d(width, width, 3, stride=stride, padding=1, bias=False)",
      "        if stride != 1 or in_channels != width * 4:  # shortcut auto: a projection where the shape changes",
      "            self.conv4 = nn.Conv2d(in_channels, width * 4, 1, stride=stride, bias=False)",
      "            self.conv4 = self.batchnorm4 = None",
      "        if self.conv4 is not None:",
    ])
      assert.ok(lines.includes(line), line);
  });

  it("writes repeat as nn.Sequential items named like the summary, and shapes in comments", () => {
    assert.ok(
      lines.includes("            self.repeat1.append(nn.Sequential(OrderedDict(Bottleneck1=Bottleneck(256, 64))))"),
    );
    assert.ok(lines.includes("        self.Bottleneck2 = Bottleneck(256, 128, 2)"));
    assert.match(code, /x = self\.repeat1\(x\) +# 256x56x56\n/);
    assert.match(code, /x = self\.conv1\(x\) +# 64x112x112\n/);
    assert.match(code, /x = x \+ identity +# 256x56x56\n/);
  });
});

describe("export --to pytorch: every example", () => {
  for (const file of examples) {
    it(file, () => {
      const text = readRepoFile(`examples/${file}`);
      const { code, errors, notes } = torch(text);
      assert.deepEqual(errors, []);
      // One generic class per block definition that a model uses: no class per use in the examples.
      const blocks = [...text.matchAll(/^block (\w+)/gm)].map((m) => m[1]!);
      for (const b of blocks) assert.equal(code.split("\n").filter((l) => l.startsWith(`class ${b}(`)).length, 1, b);
      assert.ok(!notes.some((n) => n.includes("its own class")), notes.join("\n"));
      assert.equal(code, torch(text).code, "the same text gives the same code");
    });
  }

  it("DenseNet's growing channels become one expression of the loop index", () => {
    const { code } = torch(readRepoFile("examples/densenet121.cnn"));
    assert.ok(
      code.includes("self.repeat1.append(nn.Sequential(OrderedDict(DenseLayer1=DenseLayer(64 + 32 * i, 32))))"),
    );
    assert.ok(
      code.includes("branch2 = self.conv2(branch2)") && code.includes("x = torch.cat([branch1, branch2], dim=1)"),
    );
  });

  it("VGG's first conv of a stage takes the previous stage's channels", () => {
    assert.ok(torch(readRepoFile("examples/vgg16.cnn")).code.includes("ConvReLU1=ConvReLU(3 if i == 0 else 64, 64)"));
  });

  it("labels become variables and label merges torch.cat", () => {
    const { code } = torch(readRepoFile("examples/unet_small.cnn"));
    assert.ok(code.includes("        enc1 = x\n") && code.includes("x = torch.cat([x, enc2], dim=1)"));
  });
});

describe("export --to pytorch: Keras files", () => {
  it("pads 'same' with a stride explicitly, and says so", () => {
    const { code, notes, errors } = torch(readRepoFile("examples/keras_smallnet.cnn"));
    assert.deepEqual(errors, []);
    assert.ok(code.includes("        x = self.conv2(F.pad(x, (0, 1, 0, 1)))"), code);
    assert.match(code, /# Keras "same" with stride 2 pads \(0, 1\) on each axis, PyTorch evenly: explicit F\.pad/);
    assert.ok(code.includes("import torch.nn.functional as F"));
    assert.ok(
      notes.some((n) => n.startsWith('SmallNet.conv2: Keras "same"')),
      notes.join("\n"),
    );
    // Keras' momentum 0.99 weighs the old statistics; PyTorch's 0.01 the new batch: the same update.
    assert.ok(code.includes("nn.BatchNorm2d(64, eps=0.001, momentum=0.01)"));
    assert.ok(code.includes("self.globalavgpool1 = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten())"));
  });

  it("refuses what PyTorch cannot do exactly: Keras' uneven 'same' average pooling", () => {
    const { code, errors } = torch(wrap([8, 8, 3], ["avgpool(2, strides: 1, padding: same)"], "keras"));
    assert.equal(code, "");
    assert.match(errors[0]!, /^avgpool1: Keras' average pooling with padding "same" pads \(0, 1\) on each axis/);
  });
});

describe("export --to pytorch: refusals and classes per use", () => {
  it("refuses a file with errors, pointing at them", () => {
    const { code, errors } = torch(wrap([3, 8, 8], ["conv(4, 9)"]));
    assert.equal(code, "");
    // The refusal once, then each error where it is.
    assert.deepEqual(errors.length, 2);
    assert.equal(errors[0], "the file has an error, so it is not exported; fix it first");
    assert.match(errors[1]!, /^line 4: kernel 9 is larger than the padded input 8.*\[kernel-too-large\]$/);
  });

  it("renames a layer name that nn.Module already uses, and says so", () => {
    const { code, errors, notes } = torch(wrap([3, 8, 8], ["train: conv(4, 3)", "train_: conv(4, 3)"]));
    assert.deepEqual(errors, []);
    assert.ok(
      code.includes("self.train_ = nn.Conv2d(3, 4, 3)") && code.includes("self.train__ = nn.Conv2d(4, 4, 3)"),
      code,
    );
    assert.ok(
      notes.some((n) => n.startsWith("Case.train: written as train_")),
      notes.join("\n"),
    );
  });

  it("exports one model of several on request, and names a missing one", () => {
    const text = readRepoFile("test/export/cases/0003_one_and_three_d.cnn");
    const one = exportPyTorch(analyze(text), text, { model: "Volume" });
    assert.ok(one.code.includes("class Volume(nn.Module):") && !one.code.includes("class Signal"));
    assert.match(
      exportPyTorch(analyze(text), text, { model: "Nope" }).errors[0]!,
      /no model 'Nope' \(models: Signal, Volume\)/,
    );
  });

  it("gives a block a class per kind of use when the uses differ in more than their arguments", () => {
    const { code, notes } = torch(readRepoFile("test/export/cases/0001_specialized.cnn"));
    assert.deepEqual(
      code.split("\n").filter((l) => l.startsWith("class ")),
      [
        "class Stage_use1(nn.Module):",
        "class Stage_use2(nn.Module):",
        "class Stage_use3(nn.Module):",
        "class Stage_use4(nn.Module):",
        "class Specialized(nn.Module):",
        "class Unrolled(nn.Module):",
      ],
    );
    assert.ok(
      code.includes("self.Stage2 = Stage_use2()") && code.includes("        self.conv3 = nn.Conv2d(16, 16, 1)"),
    );
    assert.ok(
      notes.includes(
        "Stage: its uses differ in more than their arguments, so each kind of use has its own class " +
          "(Stage_use1, Stage_use2, Stage_use3, Stage_use4)",
      ),
      notes.join("\n"),
    );
  });

  it("writes a loop out when its iterations need different classes", () => {
    const { code } = torch(readRepoFile("test/export/cases/0001_specialized.cnn"));
    const unrolled = code.slice(code.indexOf("class Unrolled"));
    assert.ok(
      unrolled.includes(
        "        self.repeat1.append(nn.Sequential(OrderedDict(Stage1=Stage_use4())))\n" +
          "        self.repeat1.append(nn.Sequential(OrderedDict(Stage1=Stage_use3())))\n",
      ),
      unrolled,
    );
  });

  it("writes loops inside blocks over a parameter, with computed defaults", () => {
    const { code } = torch(readRepoFile("test/export/cases/0002_loops_and_labels.cnn"));
    for (const line of [
      "    def __init__(self, in_channels, n, growth, mid=None):",
      "            mid = growth * 4",
      "        for i in range(n):",
      "            step.conv1 = nn.Conv2d(in_channels + growth * i, mid, 1)",
    ]) {
      assert.ok(code.split("\n").includes(line), line);
    }
  });
});
