// Completion at a `<|>` cursor, in process: the labels offered in each context, and what a plain client gets.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { CompletionItem } from "vscode-languageserver";
import { InsertTextFormat } from "vscode-languageserver";
import { completions, LABEL_LIMIT, type CompletionOptions } from "../../server/src/lsp/completion.js";
import { atCursor } from "./cursor.js";

const vscode: CompletionOptions = { snippets: true, markdownDocs: true };

function items(source: string, options = vscode): CompletionItem[] {
  const { doc, offset } = atCursor(source);
  return completions(doc, offset, options).items;
}

const labels = (source: string) => items(source).map((i) => i.label);

/** Exactly these labels, in this order. */
function check(source: string, expected: string[]): void {
  assert.deepEqual(labels(source), expected);
}

const body = "block B(width, stride = 1) { relu }\nmodel M {\n  input(3, 8, 8)\n  a: conv(4, 1)\n  <|>\n  b: relu\n}";

describe("completion offers what fits the place", () => {
  const cases: [string, string, string[]][] = [
    ["the top of a file: definitions", "<|>", ["model", "block", "framework"]],
    ["after framework: the two frameworks", "framework <|>", ["pytorch", "keras"]],
    ["after shortcut: auto", "model M { input(3, 8, 8) residual { relu } shortcut <|> }", ["auto"]],
    [
      "an empty call: every argument",
      "model M { input(3, 8, 8) conv(<|>) }",
      ["out_channels:", "kernel:", "stride:", "padding:", "dilation:", "groups:", "bias:"],
    ],
    [
      "after two positional arguments: the rest, not those given by position",
      "model M { input(3, 8, 8) conv(8, 3, <|>) }",
      ["stride:", "padding:", "dilation:", "groups:", "bias:"],
    ],
    [
      "after a keyword argument: the rest, not that one",
      "model M { input(3, 8, 8) conv(8, 3, stride: 2, <|>) }",
      ["padding:", "dilation:", "groups:", "bias:"],
    ],
    [
      "a partly typed keyword",
      "model M { input(3, 8, 8) conv(8, 3, pad<|>) }",
      ["stride:", "padding:", "dilation:", "groups:", "bias:"],
    ],
    ["padding values", "model M { input(3, 8, 8) conv(8, 3, padding: <|>) }", ["same", "valid"]],
    ["boolean values", "model M { input(3, 8, 8) conv(8, 3, bias: <|>) }", ["true", "false"]],
    [
      "the words of an argument",
      "model M { input(3, 8, 8) upsample(2, mode: <|>) }",
      ["nearest", "bilinear", "linear", "trilinear", "bicubic"],
    ],
    ["a dense call", "model M { input(3, 8, 8) flatten -> dense(<|>) }", ["out_features:", "bias:"]],
    ["a layer without arguments: nothing", "model M { input(3, 8, 8) relu(<|>) }", []],
    ["a block's parameters, not the one given by position", body.replace("  <|>", "  B(4, <|>)"), ["stride:"]],
    ["inside a comment: nothing", "model M {\n  input(3, 8, 8)\n  # conv(<|>\n}", []],
    ["inside a comment at the top: nothing", "# a mo<|>del\nmodel M { input(3) }", []],
    // The parser's tokens, not the characters: a comma or a keyword in a comment inside the call is no argument.
    [
      "a comment inside a call",
      "model M { input(3, 8, 8) conv(8, # stride: 2, x\n <|>) }",
      ["kernel:", "stride:", "padding:", "dilation:", "groups:", "bias:"],
    ],
    ["a brace in a comment opens no body", "# {\n<|>", ["model", "block", "framework"]],
  ];
  for (const [name, source, expected] of cases) it(name, () => check(source, expected));

  it("in a body: layers, input, blocks, the labels defined above, and the structures", () => {
    const got = labels(body);
    const wanted = ["conv", "batchnorm", "maxpool", "dense", "input", "B", "a"];
    wanted.push("residual", "concat", "add", "repeat", "branch");
    for (const want of wanted) {
      assert.ok(got.includes(want), `${want} in ${got.join(" ")}`);
    }
    assert.ok(!got.includes("b"), "a label defined below the cursor is not offered");
    assert.ok(!got.includes("model"), "no top-level keyword inside a model");
  });
});

describe("completion items as the client can take them", () => {
  const conv = (options: CompletionOptions) => items(body, options).find((i) => i.label === "conv")!;
  it("a snippet client gets the required arguments as placeholders, and markdown docs", () => {
    const item = conv(vscode);
    assert.equal(item.insertText, "conv(${1:out_channels}, ${2:kernel})");
    assert.equal(item.insertTextFormat, InsertTextFormat.Snippet);
    assert.equal((item.documentation as { kind: string }).kind, "markdown");
  });
  it("a plain client gets the bare name and plain documentation", () => {
    const item = conv({ snippets: false, markdownDocs: false });
    assert.equal(item.insertText, undefined);
    assert.equal(item.insertTextFormat, undefined);
    assert.equal(typeof item.documentation, "string");
  });
  it("an argument item inserts its name and a colon, and says its default", () => {
    const stride = items("model M { input(3, 8, 8) conv(8, 3, <|>) }").find((i) => i.label === "stride:")!;
    assert.equal(stride.insertText, "stride: ");
    assert.equal(stride.detail, "stride = 1");
  });
});

describe("completion in a file of many labels", () => {
  const count = LABEL_LIMIT + 300;
  const lines = Array.from({ length: count }, (_, i) => `  a${i + 1}: relu`);
  const source = (typed: string) => `model M {\n  input(3, 8, 8)\n${lines.join("\n")}\n  ${typed}<|>\n}`;
  const list = (typed: string) => {
    const { doc, offset } = atCursor(source(typed));
    return completions(doc, offset, vscode);
  };
  const labelItems = (typed: string) => list(typed).items.filter((i) => i.detail === "label");

  it("offers the nearest labels up to the limit and says the list is incomplete", () => {
    const offered = labelItems("");
    assert.equal(list("").isIncomplete, true);
    assert.equal(offered.length, LABEL_LIMIT);
    assert.ok(
      offered.some((i) => i.label === `a${count}`),
      "the label right above the cursor",
    );
    assert.ok(!offered.some((i) => i.label === "a1"), "the first label, furthest away");
    assert.ok(
      list("").items.some((i) => i.label === "conv"),
      "layer kinds are still offered",
    );
  });

  it("offers the far labels that match what is typed, in the editor's way (letters in order)", () => {
    const offered = labelItems("a1").map((i) => i.label);
    assert.ok(offered.includes("a1") && offered.includes("a10") && offered.includes("a201"));
    assert.ok(!offered.includes("a2"));
    assert.deepEqual(
      labelItems("a7_9").map((i) => i.label),
      [],
    );
    // Those that start with the typed part come first: a far `a2` is kept though 500 nearer ones contain `a`,`2`.
    assert.ok(labelItems("a2").some((i) => i.label === "a2"));
  });

  it("says the list is complete in a file with fewer labels than the limit", () => {
    const { doc, offset } = atCursor("model M {\n  input(3, 8, 8)\n  x: relu\n  y: relu\n  <|>\n}");
    const small = completions(doc, offset, vscode);
    assert.equal(small.isIncomplete, false);
    assert.deepEqual(
      small.items
        .filter((i) => i.detail === "label")
        .map((i) => i.label)
        .sort(),
      ["x", "y"],
    );
  });
});
