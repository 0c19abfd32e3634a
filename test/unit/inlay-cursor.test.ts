// Inlay hints in process: each `<|>` marks where a hint must stand, and the table gives its text.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { inlayHints, type InlayHintSettings } from "../../server/src/lsp/inlay-hints.js";
import { analysed, markers, type Position } from "./cursor.js";

const shapesOnly: InlayHintSettings = { shapes: true, params: false };
const everyLine = { start: { line: 0, character: 0 }, end: { line: 10_000, character: 0 } };

function hints(text: string, settings: InlayHintSettings, range = everyLine): { at: Position; label: string }[] {
  return inlayHints(analysed(text), range, settings).map((h) => ({ at: h.position, label: String(h.label) }));
}

/** The hints stand exactly at the `<|>` markers, in order, with these texts. */
function check(source: string, labels: string[], settings = shapesOnly): void {
  const { text, positions } = markers(source);
  assert.equal(positions.length, labels.length, "one marker per expected hint");
  assert.deepEqual(
    hints(text, settings),
    positions.map((at, i) => ({ at, label: labels[i]! })),
  );
}

describe("inlay hints: the shape each line produces, at the end of its code", () => {
  const cases: [string, string, string[]][] = [
    [
      "a chain shows its last layer's shape; a comment stays after the hint",
      `model M {
  input(3, 32, 32)<|>
  conv(16, 3, padding: 1) -> relu<|>   # the stem
  maxpool(2)<|>
  flatten -> dense(10)<|>
}`,
      ["→ 3×32×32", "→ 16×32×32", "→ 16×16×16", "→ 10"],
    ],
    [
      "keras shapes are channels-last",
      `framework keras
model M {
  input(32, 32, 3)<|>
  conv(8, 3, strides: 2, padding: same)<|>
}`,
      ["→ 32×32×3", "→ 16×16×8"],
    ],
    ["a 1-D model", "model M {\n  input(2, 100)<|>\n  conv(4, 5, stride: 2)<|>\n}", ["→ 2×100", "→ 4×48"]],
    [
      "a line inside a block used with different widths shows the range over its uses",
      `block P(c) {
  conv(c, 3, padding: 1)<|>
}
model M {
  input(3, 8, 8)<|>
  P(4)<|>
  P(8)<|>
}`,
      ["→ 4–8×8×8", "→ 3×8×8", "→ 4×8×8", "→ 8×8×8"],
    ],
    [
      "a repeat shows the shape after its last iteration",
      "model M {\n  input(3, 32, 32)<|>\n  repeat 3 { maxpool(2) }<|>\n}",
      ["→ 3×32×32", "→ 3×4×4"],
    ],
    [
      "structures end on their closing line; a one-line branch shows its layer inside the braces",
      `model M {
  input(3, 8, 8)<|>
  residual {
    conv(8, 3, padding: 1)<|>
  } shortcut auto<|>
  concat {
    branch { conv(4, 1)<|> }
    branch { maxpool(3, stride: 1, padding: 1)<|> }
  }<|>
}`,
      ["→ 3×8×8", "→ 8×8×8", "→ 8×8×8", "→ 4×8×8", "→ 8×8×8", "→ 12×8×8"],
    ],
    [
      "a whole model on one line: one hint, for its last layer",
      "model M { input(3, 8, 8) conv(4, 3) conv(2, 1)<|> }",
      ["→ 2×6×6"],
    ],
    [
      "a line whose shape is unknown after a mistake has no hint",
      "model M {\n  input(3, 8, 8)<|>\n  conv(4, 9)\n  relu\n}",
      ["→ 3×8×8"],
    ],
  ];
  for (const [name, source, labels] of cases) it(name, () => check(source, labels));
});

describe("inlay hint settings and ranges", () => {
  const source = "model M {\n  input(3, 8, 8)<|>\n  conv(4, 3)<|>\n  flatten -> dense(10)<|>\n}";
  it("params of every layer of a line, not only the last one", () => {
    const chain = "model M {\n  input(3, 8, 8)<|>\n  conv(4, 3) -> batchnorm -> relu<|>\n}";
    check(chain, ["→ 3×8×8", "→ 4×6×6 · 120 params"], { shapes: true, params: true });
  });
  it("params in a block body: the range over its uses; a block use counts the block's layers", () => {
    const source = `block P(c) {
  conv(c, 3, padding: 1)<|>
}
model M {
  input(3, 8, 8)<|>
  P(4)<|>
  P(8)<|>
}`;
    const labels = ["→ 4–8×8×8 · 112–296 params", "→ 3×8×8", "→ 4×8×8 · 112 params", "→ 8×8×8 · 296 params"];
    check(source, labels, { shapes: true, params: true });
  });
  it("a residual's closing line shows what the residual produces, with its projection's params", () => {
    const source = `model M {
  input(3, 8, 8)<|>
  residual {
    conv(8, 3, stride: 2, padding: 1)<|>
  } shortcut auto<|>
}`;
    check(source, ["→ 3×8×8", "→ 8×4×4 · 224 params", "→ 8×4×4 · 40 params"], { shapes: true, params: true });
  });
  it("params too: the count of the layers of the line", () => {
    const labels = ["→ 3×8×8", "→ 4×6×6 · 112 params", "→ 10 · 1.45 k params"];
    check(source, labels, { shapes: true, params: true });
  });
  it("params alone", () => {
    const { text, positions } = markers(source);
    assert.deepEqual(hints(text, { shapes: false, params: true }), [
      { at: positions[1], label: "112 params" },
      { at: positions[2], label: "1.45 k params" },
    ]);
  });
  it("neither: no hints", () => {
    assert.deepEqual(hints(markers(source).text, { shapes: false, params: false }), []);
  });
  it("only the lines of the requested range", () => {
    const { text, positions } = markers(source);
    const range = { start: { line: 2, character: 0 }, end: { line: 2, character: 99 } };
    assert.deepEqual(hints(text, shapesOnly, range), [{ at: positions[1], label: "→ 4×6×6" }]);
  });
});
