// Rename never leaves errors behind: each kind of bad new name is refused with a message that says why, and
// every rename that is accepted (over the examples and many candidate names) keeps the analysis as it was.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { LSPErrorCodes, ResponseError, type TextEdit } from "vscode-languageserver";
import { analyze } from "../../server/src/analysis/index.js";
import type { Analysed } from "../../server/src/lsp/documents.js";
import { rename } from "../../server/src/lsp/navigation.js";
import { collectReferences } from "../../server/src/lsp/references.js";
import { LineIndex } from "../../server/src/text/line-index.js";
import { readRepoFile, repoRoot } from "./helpers.js";

function analysed(text: string): Analysed {
  return { uri: "file:///r.cnn", version: 1, text, analysis: analyze(text), index: new LineIndex(text) };
}

/** The refusal's message, or fails when the rename is accepted. */
function refusal(text: string, at: string, newName: string): string {
  const doc = analysed(text);
  try {
    rename(doc, text.indexOf(at), newName);
  } catch (e) {
    assert.ok(e instanceof ResponseError, String(e));
    assert.equal(e.code, LSPErrorCodes.RequestFailed);
    return e.message;
  }
  return assert.fail(`renaming '${at}' to '${newName}' was accepted`);
}

function applyEdits(doc: Analysed, edits: TextEdit[]): string {
  const spans = edits.map((e) => ({
    start: doc.index.offset(e.range.start),
    end: doc.index.offset(e.range.end),
    text: e.newText,
  }));
  let out = doc.text;
  for (const s of spans.sort((a, b) => b.start - a.start)) out = out.slice(0, s.start) + s.text + out.slice(s.end);
  return out;
}

const source = [
  "block Pair(c) {",
  "  inner: conv(c, 1)",
  "  relu",
  "}",
  "model Net {",
  "  input(3, 8, 8)",
  "  skip: conv(4, 1)",
  "  other: Pair(4)",
  "  add(skip)",
  "}",
  "model Second {",
  "  input(3, 8, 8)",
  "  elsewhere: conv(4, 1)",
  "}",
].join("\n");

describe("rename refuses names that would leave errors", () => {
  it("a layer kind or one of its framework aliases, and `input`", () => {
    assert.match(
      refusal(source, "skip:", "conv"),
      /^Cannot rename 'skip' to 'conv': 'conv' is a layer kind, so a bare 'conv' would read as that layer/,
    );
    assert.match(refusal(source, "skip:", "Conv2d"), /'Conv2d' is a layer kind/);
    assert.match(refusal(source, "Pair(c)", "relu"), /'relu' is a layer kind/);
    assert.match(refusal(source, "skip:", "input"), /'input' is a layer kind/);
  });
  it("a layer's automatic name, which would collide in the exports and weights (name-collision)", () => {
    const text = "model M {\n  input(3, 8, 8)\n  conv(4, 3)\n  enc: conv(4, 3)\n  relu\n  add(enc)\n}\n";
    assert.match(
      refusal(text, "enc:", "conv1"),
      /^Cannot rename 'enc' to 'conv1': 'conv1' is also the automatic name of another layer there/,
    );
  });
  it("a reserved word", () => {
    for (const word of ["model", "block", "residual", "repeat", "true"]) {
      assert.match(
        refusal(source, "skip:", word),
        new RegExp(`'${word}' is a reserved word of the language; choose another name`),
      );
    }
  });
  it("a text that is not an identifier", () => {
    for (const bad of ["", "1st", "a-b", "two words", "é", "x:", "a\nb"]) {
      assert.match(
        refusal(source, "skip:", bad),
        /a name starts with a letter or '_' and goes on with letters, digits and '_'/,
      );
    }
    assert.match(refusal(source, "skip:", "a".repeat(201)), /at most 200 characters/);
  });
  it("a label already defined in the same model, naming its line", () => {
    assert.match(
      refusal(source, "skip:", "other"),
      /label 'other' already exists \(line 8\); choose a name that is not in use there/,
    );
  });
  it("the name of a block or a model", () => {
    assert.match(refusal(source, "skip:", "Pair"), /block 'Pair' already exists \(line 1\)/);
    assert.match(refusal(source, "skip:", "Second"), /model 'Second' already exists \(line 11\)/);
    assert.match(refusal(source, "Pair(c)", "Net"), /model 'Net' already exists/);
  });
  it("a block name that a label anywhere already has", () => {
    assert.match(refusal(source, "Pair(c)", "elsewhere"), /label 'elsewhere' already exists \(line 13\)/);
  });
  it("but accepts a label's name from another model, and the same name", () => {
    const doc = analysed(source);
    const edit = rename(doc, source.indexOf("skip:"), "elsewhere");
    assert.equal(edit?.changes?.[doc.uri]?.length, 2);
    assert.ok(rename(doc, source.indexOf("skip:"), "skip"));
  });
});

describe("every accepted rename keeps the analysis", () => {
  const candidates = [
    "conv",
    "Conv2D",
    "dense",
    "relu",
    "input",
    "model",
    "repeat",
    "x",
    "skip",
    "other",
    "inner",
    "Pair",
    "Net",
    "layer1",
    "conv1",
    "fresh_name",
    "_",
    "B2",
    "branch",
    "auto",
    "same",
    "c",
    "stride",
  ];
  const files = readdirSync(join(repoRoot, "examples"))
    .filter((f) => f.endsWith(".cnn"))
    .map((f) => `examples/${f}`);
  for (const path of [...files, "inline source"]) {
    it(path, () => {
      const text = path === "inline source" ? source : readRepoFile(path);
      const doc = analysed(text);
      const before = analyze(text)
        .diagnostics.map((d) => d.code)
        .sort();
      const targets = collectReferences(doc.analysis.ast).filter((r) => r.definition);
      for (const target of targets.slice(0, 12)) {
        for (const name of [...candidates, ...targets.map((t) => t.name)]) {
          let edit;
          try {
            edit = rename(doc, target.span.start, name);
          } catch (e) {
            assert.ok(e instanceof ResponseError, String(e));
            continue;
          }
          const renamed = applyEdits(doc, edit?.changes?.[doc.uri] ?? []);
          const after = analyze(renamed)
            .diagnostics.map((d) => d.code)
            .sort();
          assert.deepEqual(
            after,
            before,
            `${path}: renaming ${target.kind} '${target.name}' to '${name}' changed the diagnostics`,
          );
        }
      }
    });
  }
});
