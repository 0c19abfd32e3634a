// The walk's record (ModelInfo.program) that the exporters lower: names, labels, merges, repeats, shortcut auto.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ModelInfo, Step } from "../../server/src/analysis/index.js";
import { analyze } from "./helpers.js";

/** The record as one line per step, nested bodies indented; layers show their analysis layer's full name. */
function show(m: ModelInfo, steps: readonly Step[] = m.program!, indent = ""): string[] {
  const out: string[] = [];
  const body = (label: string, inner: readonly Step[]) =>
    out.push(`${indent}${label}`, ...show(m, inner, `${indent}  `));
  for (const s of steps) {
    switch (s.step) {
      case "layer":
        out.push(`${indent}${s.local} = ${m.layers[s.layer]!.name}${s.args ? "" : " (generated)"}`);
        break;
      case "block":
        body(`${s.local}: ${s.block} [group ${m.groups[s.group]!.name}]`, s.body);
        break;
      case "repeat":
        s.iterations.forEach((it, i) => body(`${s.local}.${i} [group ${m.groups[s.group]!.name}]`, it));
        break;
      case "residual":
        body("main", s.main);
        body(
          s.auto ? `auto ${s.auto.present ? "present" : "absent"} ${s.auto.conv} ${s.auto.batchnorm}` : "shortcut",
          s.shortcut,
        );
        break;
      case "branches":
        s.branches.forEach((b) => body(`${s.merge} branch`, b));
        break;
      case "mergeLabels":
        out.push(`${indent}${s.merge}(${s.labels.map((l) => l.label).join(", ")})`);
        break;
      case "save":
        out.push(`${indent}save ${s.label}`);
        break;
      case "load":
        out.push(`${indent}load ${s.from.label}`);
        break;
    }
  }
  return out;
}

describe("the walk's record", () => {
  it("shortcut auto: the projection's layers where it exists, and the names it would take where it does not", () => {
    const text =
      "block B(c, s) {\n  residual { conv(c, 3, stride: s, padding: 1) } shortcut auto\n}\n" +
      "model M { input(4, 8, 8)\n  B(8, 2)\n  B(8, 1) }";
    const m = analyze(text).models[0]!;
    assert.deepEqual(show(m), [
      "B1: B [group B1]",
      "  main",
      "    conv1 = B1.conv1",
      "  auto present conv2 batchnorm1",
      "    conv2 = B1.conv2 (generated)",
      "    batchnorm1 = B1.batchnorm1 (generated)",
      "B2: B [group B2]",
      "  main",
      "    conv1 = B2.conv1",
      "  auto absent conv2 batchnorm1",
    ]);
  });

  it("labels resolve to their definitions: a repeat's iterations each define their own", () => {
    const text =
      "model M { input(2, 8, 8)\n  a: conv(2, 1)\n  repeat 2 { x: conv(2, 1)\n  concat(a, x) }\n" +
      "  b: a -> relu\n  add(b) }";
    const m = analyze(text).models[0]!;
    assert.deepEqual(show(m), [
      "a = a",
      "save a",
      "repeat1.0 [group repeat1]",
      "  x = repeat1.0.x",
      "  save x",
      "  concat(a, x)",
      "repeat1.1 [group repeat1]",
      "  x = repeat1.1.x",
      "  save x",
      "  concat(a, x)",
      "load a",
      "b = b",
      "save b",
      "add(b)",
    ]);
    const repeat = m.program!.find((s) => s.step === "repeat")!;
    const [first, second] = repeat.step === "repeat" ? repeat.iterations : [];
    const merges = [first, second].map((it) => it!.find((s) => s.step === "mergeLabels"));
    // Each iteration's concat reads its own x, and both read the one a.
    assert.notEqual(
      merges[0]?.step === "mergeLabels" && merges[0].labels[1],
      merges[1]?.step === "mergeLabels" && merges[1].labels[1],
    );
    assert.equal(merges[0]?.step === "mergeLabels" && merges[0].labels[0], m.program![1]);
  });

  it("branches, and every analysis layer appears exactly once, in order", () => {
    const text = "model M { input(2, 8, 8)\n  concat { branch { conv(2, 1) -> relu } branch { } }\n  conv(3, 1) }";
    const m = analyze(text).models[0]!;
    assert.deepEqual(show(m), [
      "concat branch",
      "  conv1 = conv1",
      "  relu1 = relu1",
      "concat branch",
      "conv2 = conv2",
    ]);
    const indices: number[] = [];
    const collect = (steps: readonly Step[]): void => {
      for (const s of steps) {
        if (s.step === "layer") indices.push(s.layer);
        else if (s.step === "branches") s.branches.forEach(collect);
      }
    };
    collect(m.program!);
    assert.deepEqual(
      indices,
      m.layers.map((_, i) => i),
    );
  });

  it("a block use inside a block records its own body, with the full names of the nested use", () => {
    const text =
      "block Inner(c) { conv(c, 1) }\nblock Outer(c) { Inner(c) -> relu }\nmodel M { input(2, 4, 4)\n  Outer(3) }";
    const m = analyze(text).models[0]!;
    assert.deepEqual(show(m), [
      "Outer1: Outer [group Outer1]",
      "  Inner1: Inner [group Outer1.Inner1]",
      "    conv1 = Outer1.Inner1.conv1",
      "  relu1 = Outer1.relu1",
    ]);
  });
});
