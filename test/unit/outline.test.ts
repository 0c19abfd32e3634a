// The outline: models and blocks, their layers, labels, block uses and structures, the layers of a structure
// nested under it, with shapes as details.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { DocumentSymbol } from "vscode-languageserver";
import { documentSymbols, OUTLINE_LIMIT } from "../../server/src/lsp/outline.js";
import { generateLabels } from "../hostile/bombs.js";
import { analysed } from "./cursor.js";

/** Each symbol as `name [detail]`, its children indented beneath it. */
function outline(text: string): string[] {
  const lines: string[] = [];
  const visit = (s: DocumentSymbol, depth: number) => {
    lines.push(`${"  ".repeat(depth)}${s.name} [${s.detail}]`);
    for (const c of s.children ?? []) visit(c, depth + 1);
  };
  for (const s of documentSymbols(analysed(text))) visit(s, 0);
  return lines;
}

describe("outline", () => {
  it("a model: its input, layers, labels, block uses (with their layers) and structures, in order", () => {
    const text = `block Pair(c) {
  conv(c, 3, padding: 1) -> relu
}
model M {
  input(3, 8, 8)
  skip: conv(4, 1)
  Pair(4)
  repeat 2 { Pair(4) }
  residual {
    conv(4, 3, padding: 1)
  } shortcut auto
  concat(skip)
  concat {
    branch { conv(2, 1) }
    branch { maxpool(3, stride: 1, padding: 1) }
  }
}`;
    assert.deepEqual(outline(text), [
      "Pair [block(c)]",
      "  conv1 [4×8×8]",
      "  relu1 [4×8×8]",
      "M [model 3×8×8 → 10×8×8]",
      "  input [3×8×8]",
      "  skip [4×8×8]",
      "  Pair1 [Pair → 4×8×8]",
      "    conv1 [4×8×8]",
      "    relu1 [4×8×8]",
      "  repeat1 [×2 → 4×8×8]",
      "    repeat1.0.Pair1 [Pair → 4×8×8]",
      "      conv1 [4×8×8]",
      "      relu1 [4×8×8]",
      "  residual [→ 4×8×8]",
      "    conv1 [4×8×8]",
      "  concat(skip) []",
      "  concat [→ 10×8×8]",
      "    conv2 [2×8×8]",
      "    maxpool1 [8×8×8]",
    ]);
  });
  it("a block's lines show the range of shapes over its uses", () => {
    const text = "block P(c) {\n  conv(c, 1)\n}\nmodel M {\n  input(3, 8, 8)\n  P(4)\n  P(16)\n}";
    assert.deepEqual(outline(text).slice(0, 2), ["P [block(c)]", "  conv1 [4–16×8×8]"]);
  });
  it("a label over a chain holding a structure: the structure beneath the label", () => {
    const text = "model M {\n  input(3, 8, 8)\n  out: seq { conv(4, 1) -> relu }\n}";
    assert.deepEqual(outline(text), [
      "M [model 3×8×8 → 4×8×8]",
      "  input [3×8×8]",
      "  out [4×8×8]",
      // A labelled seq is named by its label, and its layers by their index, as nn.Sequential names them.
      "    out [→ 4×8×8]",
      "      out.0 [4×8×8]",
      "      out.1 [4×8×8]",
    ]);
  });
  it("every child lies inside its parent's range, and its selection inside its range", () => {
    const text = "model M {\n  input(3, 8, 8)\n  repeat 2 {\n    conv(3, 3, padding: 1)\n  }\n}";
    const inside = (a: DocumentSymbol["range"], b: DocumentSymbol["range"]) =>
      (a.start.line > b.start.line || (a.start.line === b.start.line && a.start.character >= b.start.character)) &&
      (a.end.line < b.end.line || (a.end.line === b.end.line && a.end.character <= b.end.character));
    const check = (s: DocumentSymbol) => {
      assert.ok(inside(s.selectionRange, s.range), s.name);
      for (const c of s.children ?? []) {
        assert.ok(inside(c.range, s.range), `${c.name} in ${s.name}`);
        check(c);
      }
    };
    for (const s of documentSymbols(analysed(text))) check(s);
  });
  it("after an error the outline still lists what follows, with unknown shapes as ?", () => {
    const text = "model M {\n  input(3, 8, 8)\n  conv(4, 99)\n  relu\n}";
    assert.deepEqual(outline(text), ["M [model 3×8×8 → ?]", "  input [3×8×8]", "  conv1 [?]", "  relu1 [?]"]);
  });

  it("lists OUTLINE_LIMIT symbols at most, then one entry for the statements left out, and every definition", () => {
    const text = generateLabels(OUTLINE_LIMIT + 2_000) + "block After(c) {\n  conv(c, 1)\n}\n";
    const symbols = documentSymbols(analysed(text));
    assert.deepEqual(
      symbols.map((s) => s.name),
      ["Labels", "After"],
    );
    const children = symbols[0]!.children!;
    // input(…) and OUTLINE_LIMIT − 1 labels, then the rest of the 12,000 labelled statements in one entry.
    assert.equal(children.length, OUTLINE_LIMIT + 1);
    const last = children[children.length - 1]!;
    assert.equal(last.name, "… 2,001 more statements");
    assert.equal(last.range.start.line, OUTLINE_LIMIT + 2);
    assert.equal(last.range.end.line, OUTLINE_LIMIT + 2_002);
    // The block after the cut-off model is still there; its body is past the limit too.
    assert.equal(symbols[1]!.children![0]!.name, "… 1 more statement");
  });
});
