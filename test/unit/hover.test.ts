// Hover texts as a pure function of the document: the full detail, and the short form of the setting.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AnalysisCache } from "../../server/src/lsp/documents.js";
import { hoverAt } from "../../server/src/lsp/hover.js";
import { TextDocument } from "vscode-languageserver-textdocument";

function hover(text: string, needle: string, detail: "full" | "short"): string {
  const doc = new AnalysisCache().get(TextDocument.create("file:///h.cnn", "cnn", 1, text));
  const h = hoverAt(doc, text.indexOf(needle), detail);
  return (h!.contents as { value: string }).value;
}

describe("hover detail", () => {
  const text = "model M {\n  input(3, 96, 96)\n  conv(16, 5)\n}";
  it("full: formulas, MACs, receptive field and memory", () => {
    const value = hover(text, "conv", "full");
    for (const part of [
      "Output size: 96 − 5 + 1 = 92",
      "Parameters: 5·5·3·16 + 16 = 1216",
      "MACs:",
      "Receptive field:",
      "Memory:",
    ])
      assert.ok(value.includes(part), part);
  });
  it("short: the shapes and the parameters only", () => {
    const value = hover(text, "conv", "short");
    assert.ok(value.includes("`3×96×96` → `16×92×92`") && value.includes("Parameters: 5·5·3·16 + 16 = 1216"));
    assert.ok(!value.includes("MACs") && !value.includes("Receptive field"));
  });
});

describe("hover on the new structures", () => {
  const text =
    "model M {\n  image: input(16, 8, 8)\n  mask: input(1, 8, 8)\n" +
    "  gate { adaptiveavgpool(1) -> conv(16, 1) -> sigmoid }\n" +
    "  split { branch { } branch { conv(4, 1) } }\n  mul(mask)\n}";
  it("a gate's keyword: its input and output and the parameters of its body", () => {
    const value = hover(text, "gate", "full");
    assert.ok(value.includes("`16×8×8` → `16×8×8`") && value.includes("Parameters: 272"), value);
  });
  it("a split's keyword: the channels before and after", () => {
    assert.ok(hover(text, "split", "full").includes("`16×8×8` → `12×8×8`"));
  });
  it("the model: every input and output", () => {
    assert.ok(hover(text, "M {", "full").includes("`16×8×8`, `1×8×8` → `12×8×8`"));
  });
});
