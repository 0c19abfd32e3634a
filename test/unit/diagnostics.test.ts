// Diagnostics: every mistake of the spec's section 6 gives its code on the exact range, and the rest is analysed.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { analyze, errors, readJson, readRepoFile, wrap } from "./helpers.js";

/** The diagnostics of `text` as [code, the text they underline]. */
function found(text: string): [string, string][] {
  return analyze(text).diagnostics.map((d) => [d.code, text.slice(d.span.start, d.span.end)]);
}

/** One expected diagnostic: its code and the exact text it underlines. */
function check(
  lines: string[],
  code: string,
  underlined: string,
  input = [3, 32, 32],
  framework: "pytorch" | "keras" = "pytorch",
): void {
  const text = wrap(input, lines, framework);
  const got = found(text).filter(([c]) => c !== "inexact-division");
  assert.deepEqual(got, [[code, underlined]]);
}

describe("a file with five different mistakes", () => {
  const text = `model Five {
  input(3, 32, 32)
  covn(16, 3, padding: 1) -> relu
  conv(16, 3, paddin: 1)
  conv(32, 3, groups: 5)
  skip: maxpool(2)
  add(skp)
  dense(10)
}`;
  const analysis = analyze(text);

  it("gives five diagnostics with their codes and ranges", () => {
    const got = analysis.diagnostics.map((d) => [d.code, text.slice(d.span.start, d.span.end)]);
    assert.deepEqual(got, [
      ["unknown-layer", "covn"],
      ["unknown-argument", "paddin"],
      ["groups-mismatch", "5"],
      ["unknown-label", "skp"],
      ["dense-not-flat", "dense(10)"],
    ]);
  });

  it("suggests the fix in words", () => {
    const messages = analysis.diagnostics.map((d) => d.message);
    assert.equal(messages[0], "unknown layer or block 'covn': did you mean 'conv'?");
    assert.equal(messages[1], "conv has no argument 'paddin': did you mean 'padding'?");
    assert.equal(messages[2], "groups 5 does not divide the 16 input channels: use a divisor of 16");
  });

  it("still analyses every layer after each mistake", () => {
    const shapes = analysis.models[0]!.layers.map((l) => [l.name, l.outputShape]);
    assert.deepEqual(shapes, [
      ["conv1", [16, 32, 32]],
      ["relu1", [16, 32, 32]],
      ["conv2", [16, 30, 30]],
      ["conv3", [32, 28, 28]],
      ["skip", [32, 14, 14]],
      ["dense1", [32, 14, 10]],
    ]);
  });
});

describe("each mistake of the spec's section 6", () => {
  it("syntax errors: several per file, each at its place", () => {
    const text = "model M {\n  input(3, 8, 8)\n  conv(4 3)\n  relu\n  dense(10\n}\nmodel N { input(4) dense(2) }";
    const got = found(text).filter(([c]) => c === "syntax");
    assert.deepEqual(got, [
      ["syntax", "3"],
      ["syntax", "}"],
    ]);
    assert.deepEqual(
      analyze(text).models.map((m) => m.name),
      ["M", "N"],
      "the next model is still there",
    );
    assert.deepEqual(analyze(text).models[1]!.output, [2]);
  });
  it("unknown layer without a near name", () => check(["frobnicate(3)"], "unknown-layer", "frobnicate"));
  it("unknown block argument", () => {
    const text = "block B(c) { conv(c, 1) }\nmodel M { input(3, 8, 8) B(4, width: 2) }";
    assert.deepEqual(found(text), [["unknown-argument", "width"]]);
  });
  it("wrong argument type", () => check(["conv(4, same)"], "argument-type", "same"));
  it("too many positional arguments", () => check(["relu(1)"], "argument-count", "1"));
  it("a missing required argument", () => check(["conv(4)"], "argument-count", "conv(4)"));
  it("a tuple with the wrong number of axes", () => check(["conv(4, (3, 3, 3))"], "argument-type", "(3, 3, 3)"));
  it("output size ≤ 0", () =>
    check(
      ["maxpool(3, stride: 2)", "maxpool(3, stride: 2)", "maxpool(3, stride: 2)", "maxpool(3)"],
      "output-size",
      "3",
      [1, 15, 15],
    ));
  it("kernel larger than the padded input", () =>
    check(["conv(4, 7, padding: 1)"], "kernel-too-large", "7", [3, 4, 4]));
  it("groups that do not divide the output channels", () =>
    check(["conv(6, 3, groups: 3, padding: 1)", "conv(8, 3, groups: 3)"], "groups-mismatch", "3", [3, 8, 8]));
  it("output_padding not below stride or dilation", () =>
    check(["convtranspose(4, 3, stride: 2, output_padding: 2)"], "output-padding", "2"));
  it("pool padding over half the kernel", () => check(["maxpool(2, padding: 2)"], "pool-padding", "2"));
  it("keras stride and dilation both above 1", () =>
    check(["conv(4, 3, strides: 2, dilation_rate: 2)"], "stride-dilation", "2", [32, 32, 3], "keras"));
  it("pytorch padding same with stride 2", () =>
    check(["conv(4, 3, stride: 2, padding: same)"], "same-stride", "same"));
  it("add of different shapes", () => {
    const text = wrap([3, 8, 8], ["a: conv(4, 1)", "conv(8, 1)", "add(a)"]);
    const a = analyze(text);
    assert.deepEqual(found(text), [["shape-mismatch", "add"]]);
    assert.match(a.diagnostics[0]!.message, /add needs equal shapes, but gets 8×8×8 and 4×8×8/);
  });
  it("residual whose paths differ, with both places as related information", () => {
    const text = wrap([3, 8, 8], ["residual { conv(4, 3, padding: 1) }"]);
    const a = analyze(text);
    assert.deepEqual(found(text), [["shape-mismatch", "residual"]]);
    assert.equal(a.diagnostics[0]!.related?.length, 2);
    assert.equal(
      text.slice(a.diagnostics[0]!.related![0]!.span.start, a.diagnostics[0]!.related![0]!.span.end),
      "conv(4, 3, padding: 1)",
    );
  });
  it("concat of different spatial sizes", () =>
    check(["concat { branch { conv(4, 3) } branch { conv(4, 1) } }"], "concat-mismatch", "concat"));
  it("an undefined label", () => check(["concat(nowhere)"], "unknown-label", "nowhere"));
  it("a duplicate label, pointing at the first", () => {
    const text = wrap([3, 8, 8], ["a: relu", "a: relu"]);
    const a = analyze(text);
    assert.deepEqual(found(text), [["duplicate-label", "a"]]);
    assert.equal(a.diagnostics[0]!.related![0]!.span.start, text.indexOf("a: relu"));
  });
  it("a block that uses itself", () => {
    const text = "block Loop(c) { conv(c, 1) -> Loop(c) }\nmodel M { input(3, 8, 8) Loop(4) }";
    assert.deepEqual(found(text), [["recursive-block", "Loop(c)"]]);
  });
  it("dense on a tensor that is not flat is a warning", () => {
    const a = analyze(wrap([3, 8, 8], ["dense(10)"]));
    assert.deepEqual(
      a.diagnostics.map((d) => [d.severity, d.code]),
      [["warning", "dense-not-flat"]],
    );
  });
  it("a division that is not whole is information naming the dropped rows", () => {
    const a = analyze(wrap([3, 224, 224], ["conv(96, 11, stride: 4)"]));
    assert.deepEqual(
      a.diagnostics.map((d) => [d.severity, d.code, d.message]),
      [
        [
          "information",
          "inexact-division",
          "input size 224 on H does not fit stride 4 evenly: the last 1 row is never seen by any window",
        ],
        [
          "information",
          "inexact-division",
          "input size 224 on W does not fit stride 4 evenly: the last 1 column is never seen by any window",
        ],
      ],
    );
  });
  it("a model without input", () => {
    const text = "model NoInput { conv(4, 3) }";
    assert.deepEqual(found(text), [["missing-input", "NoInput"]]);
  });
  it("an unknown framework, with a suggestion", () => {
    const text = "framework pytroch\nmodel M { input(4) dense(2) }";
    assert.deepEqual(found(text), [["framework", "pytroch"]]);
    assert.match(analyze(text).diagnostics[0]!.message, /did you mean 'pytorch'/);
  });
  it("an unknown shape after an error stays silent", () => {
    const a = analyze(wrap([3, 8, 8], ["conv(4, 9)", "conv(4, 3)", "maxpool(2)", "add(nothing)", "dense(3)"]));
    assert.deepEqual(
      a.diagnostics.map((d) => d.code),
      ["kernel-too-large", "unknown-label"],
    );
    assert.equal(errors(a).length, 2);
  });
});

describe("the examples", () => {
  const resnetClean =
    "ResNet-50 gives no diagnostics at all " +
    "(its projections are generated, their dropped pixel is torchvision's design)";
  it(resnetClean, () => {
    assert.deepEqual(analyze(readRepoFile("examples/resnet50.cnn")).diagnostics, []);
  });
  it("a written 1×1 stride-2 conv on an even size says which pixel it drops", () => {
    const a = analyze(wrap([4, 56, 56], ["conv(8, 1, stride: 2)"]));
    assert.deepEqual(
      a.diagnostics.map((d) => d.code),
      ["inexact-division", "inexact-division"],
    );
  });
});

describe("a tuple holding a block parameter (issue 12)", () => {
  it("is checked with the parameter's value, not before it is known, and gives PyTorch's shape", () => {
    // The same layer as the PyTorch golden conv-tuple-per-axis, with one stride a block parameter.
    const golden = readJson<{ cases: { id: string; expect: { outputShape: number[]; params: number } }[] }>(
      "test/golden/edge-cases.json",
    ).cases.find((c) => c.id === "conv-tuple-per-axis")!;
    const text = [
      "block B(s = 2) {",
      "  conv(33, (3, 5), stride: (s, 1), padding: (4, 2))",
      "}",
      "model M {",
      "  input(16, 50, 100)",
      "  B()",
      "}",
    ].join("\n");
    const a = analyze(text);
    assert.deepEqual(a.diagnostics, []);
    const layer = a.models[0]!.layers[0]!;
    assert.deepEqual(layer.outputShape, golden.expect.outputShape);
    assert.equal(layer.params.trainable, golden.expect.params);
  });
});

describe("permute, resize and upsample mistakes (issue 12)", () => {
  it("a permuted tensor fed to a conv, a pool or batchnorm names the permute that restores the layout", () => {
    check(["permute(0, 2, 3, 1)", "conv(8, 3)"], "permuted-layout", "conv");
    check(["permute(0, 3, 1, 2)", "maxpool(2)"], "permuted-layout", "maxpool");
    check(["permute(2, 1, 3)", "batchnorm"], "permuted-layout", "batchnorm", [8, 8, 3], "keras");
    const text = wrap([3, 8, 8], ["permute(0, 2, 3, 1)", "conv(8, 3)"]);
    assert.match(analyze(text).diagnostics[0]!.message, /permute back first with permute\(0, 3, 1, 2\)/);
  });

  it("element-wise layers, dense and layernorm(axis: -1) take a permuted tensor; permuting back restores it", () => {
    const text = wrap(
      [3, 8, 8],
      ["permute(0, 2, 3, 1) -> relu -> dense(4) -> layernorm(axis: -1)", "permute(0, 3, 1, 2) -> conv(8, 3)"],
    );
    const a = analyze(text);
    assert.deepEqual(a.diagnostics, []);
    assert.deepEqual(a.models[0]!.output, [8, 6, 6]);
  });

  it("a merge of a permuted tensor, and layernorm over the channels of one, are reported", () => {
    check(["residual { permute(0, 2, 3, 1) -> permute(0, 1, 3, 2) }"], "permuted-layout", "residual", [3, 8, 8]);
    check(["permute(0, 2, 3, 1) -> layernorm"], "permuted-layout", "layernorm");
  });

  it("permute's dims: the batch axis first in PyTorch, 1-based without it in Keras", () => {
    check(["permute(1, 0, 2, 3)"], "argument-value", "1");
    check(["permute(0, 2, 3)"], "argument-value", "0");
    check(["permute(0, 1, 2)"], "argument-value", "0", [8, 8, 3], "keras");
  });

  it("resize needs size or like, and like names a label in scope", () => {
    check(["resize"], "argument-count", "resize");
    check(["resize(size: 4, like: x)"], "argument-count", "resize(size: 4, like: x)");
    check(["resize(like: nowhere)"], "unknown-label", "nowhere");
  });

  it("upsample: size is whole in PyTorch files; Keras' factors are whole; scale and size not both", () => {
    check(["upsample(size: 2.5)"], "argument-value", "2.5");
    check(["upsample(1.5)"], "argument-value", "1.5", [8, 8, 3], "keras");
    check(["upsample(2, size: 16)"], "argument-count", "upsample(2, size: 16)");
  });
});
