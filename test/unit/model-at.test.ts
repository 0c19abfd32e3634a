// modelAt(analysis, offset): the model the status bar, the lenses' commands and the diagram follow at the cursor.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { modelAt } from "../../server/src/lsp/locate.js";
import { generateModels } from "../hostile/bombs.js";
import { analyze } from "./helpers.js";

describe("modelAt", () => {
  it("gives the model around the offset, the first where two meet, and a block's first user inside a block", () => {
    const text =
      "model A {\n  input(3, 8, 8)\n}model B {\n  input(3, 8, 8)\n  P(4)\n}\nblock P(c) {\n  conv(c, 1)\n}\n";
    const a = analyze(text);
    const at = (needle: string, shift = 0) => modelAt(a, text.indexOf(needle) + shift)?.name;
    assert.equal(at("input"), "A");
    // `}model`: the offset of the brace's end is A's end and B's start.
    assert.equal(at("}model", 1), "A");
    assert.equal(at("model B", 2), "B");
    assert.equal(at("conv(c"), "B");
    assert.equal(modelAt(a, text.length), undefined);
  });

  it("finds each of 2,000 models at its own text", () => {
    const text = generateModels(2_000);
    const a = analyze(text);
    for (const m of a.models) assert.equal(modelAt(a, m.span.start + 3), m);
  });
});
