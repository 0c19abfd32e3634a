// Bad input of every kind gives diagnostics, never an exception, a hang or runaway memory.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { reanalyze, wasResumed } from "../../server/src/analysis/index.js";
import { analyze, errors } from "../unit/helpers.js";

/** A small deterministic generator, so a failing fuzz case can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const pieces = [
  "model",
  "block",
  "M",
  "(",
  ")",
  "{",
  "}",
  "->",
  ":",
  ",",
  "conv",
  "3",
  "input",
  "relu",
  "residual",
  "shortcut",
  "auto",
  "concat",
  "branch",
  "repeat",
  "add",
  "dense",
  "1e400",
  "-",
  "//",
  "0",
  "\n",
  "#",
  "x",
  "same",
  "*",
  ".",
];

describe("bad input never breaks the analysis", () => {
  const cases: [string, string][] = [
    ["empty", ""],
    ["only a comment", "# nothing here"],
    ["binary", Array.from({ length: 4096 }, (_, i) => String.fromCharCode((i * 7919) % 256)).join("")],
    ["1 MB of brackets", "(".repeat(500_000) + ")".repeat(500_000)],
    ["1 MB of braces in a model", "model M { " + "{".repeat(1_000_000) + " }"],
    ["a long run of minus signs", "model M { input(3) dense(" + "-".repeat(100_000) + "1) }"],
    ["numbers out of range", "model M { input(3, 8, 8) conv(1e400, 99999999999999999999) }"],
    ["a block that uses itself", "block A(c) { A(c) }\nmodel M { input(3, 8, 8) A(4) }"],
    [
      "blocks that double at every level",
      Array.from({ length: 40 }, (_, i) => `block B${i}(c) { B${i + 1}(c) B${i + 1}(c) }`).join("\n") +
        "\nblock B40(c) { relu }\nmodel M { input(3, 8, 8) B0(4) }",
    ],
    ["a huge repeat", "model M { input(3, 8, 8) repeat 99999999 { repeat 99999999 { relu } } }"],
    ["a half-typed model", "model M { input(3, 224, 224) conv(64, 7, stride: 2, padd"],
    ["unicode", "model Ωμέγα { input(3, 8, 8) conv(4, 3) → relu }"],
  ];
  // The distinct error codes each case gives, in order of first appearance: the mistake, not just some error.
  const expectedCodes: Record<string, string[]> = {
    empty: [],
    "only a comment": [],
    binary: ["lexer", "syntax"],
    "1 MB of brackets": ["nesting", "syntax"],
    "1 MB of braces in a model": ["nesting", "syntax"],
    "a long run of minus signs": ["nesting"],
    "numbers out of range": ["number-range"],
    "a block that uses itself": ["recursive-block"],
    "blocks that double at every level": ["too-large"],
    "a huge repeat": ["argument-value"],
    "a half-typed model": ["syntax"],
    unicode: ["lexer", "syntax"],
  };
  for (const [name, text] of cases) {
    it(name, () => {
      const analysis = analyze(text);
      assert.ok(Array.isArray(analysis.diagnostics));
      for (const d of analysis.diagnostics) {
        assert.ok(
          d.span.start >= 0 && d.span.end <= text.length && d.span.start <= d.span.end,
          `range ${d.span.start}-${d.span.end} inside the text`,
        );
        assert.ok(d.message.length > 0);
      }
      if (text.trim() && !text.startsWith("#")) assert.ok(errors(analysis).length > 0, "the mistake is reported");
      const codes = expectedCodes[name];
      if (codes) assert.deepEqual([...new Set(errors(analysis).map((d) => d.code))], codes, "the mistake's own codes");
    });
  }

  it("the model that doubles at every level is cut off with a clear error", () => {
    const text =
      Array.from({ length: 40 }, (_, i) => `block B${i}(c) { B${i + 1}(c) B${i + 1}(c) }`).join("\n") +
      "\nblock B40(c) { relu }\nmodel M { input(3, 8, 8) B0(4) }";
    assert.ok(analyze(text).diagnostics.some((d) => d.code === "too-large"));
  });

  it("survives 3,000 random token soups and random edits of an example", () => {
    const next = random(42);
    const base =
      "model M {\n  input(3, 32, 32)\n  a: conv(16, 3, padding: 1) -> relu\n" +
      "  residual { conv(16, 3, padding: 1) } shortcut auto\n  concat(a)\n" +
      "  repeat 2 { maxpool(2) }\n  flatten -> dense(10)\n}\n";
    for (let i = 0; i < 3000; i++) {
      let text: string;
      if (i % 2 === 0) {
        text = Array.from(
          { length: 1 + Math.floor(next() * 60) },
          () => pieces[Math.floor(next() * pieces.length)],
        ).join(" ");
      } else {
        const at = Math.floor(next() * base.length);
        const cut = Math.floor(next() * 12);
        const insert = pieces[Math.floor(next() * pieces.length)]!;
        text = base.slice(0, at) + insert + base.slice(at + cut);
      }
      const analysis = analyze(text);
      for (const d of analysis.diagnostics)
        assert.ok(d.span.end <= text.length, `range inside the text for: ${JSON.stringify(text)}`);
    }
  });
});

describe("an edit in a model of 130,000 merges", () => {
  it("resumes the walk: the state's 130,000-node graph is copied, not spread into a call's arguments", () => {
    // add(a) merges without a layer, so the layer budget never stops the graph growing past the stack's limit.
    const text = `model Merges {\n  input(4, 8, 8)\n  a: relu\n${"  add(a)\n".repeat(130_000)}}\n`;
    const before = analyze(text);
    assert.ok(before.models[0]!.graph.length > 130_000);
    const at = text.lastIndexOf("  add(a)");
    const edited = text.slice(0, at) + "  relu\n" + text.slice(at);
    const after = reanalyze(before, text, edited);
    assert.ok(wasResumed(after));
    assert.deepEqual(errors(after), []);
    assert.equal(after.models[0]!.layers.length, 2);
  });
});
