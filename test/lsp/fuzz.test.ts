// Thousands of random edits to a live server: it answers every request and never dies.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { readRepoFile } from "../unit/helpers.js";
import { random } from "../hostile/bombs.js";
import { TestClient } from "./lsp-client.js";

const snippets = [
  "conv(",
  "64",
  ", 3",
  ")",
  " -> ",
  "relu",
  "{",
  "}",
  "residual {",
  "} shortcut auto",
  "concat(",
  "x:",
  "\n",
  "#",
  "repeat 2 {",
  "dense(10)",
  "Bottleneck(64, stride: 2)",
  "\u0000\u00ff",
  "9999999999999999999999",
  "1e400",
  "(((",
  ":",
  ",",
  "padding: same",
];

describe("fuzzing the live server", () => {
  const client = new TestClient();
  before(() => client.initialize());
  after(() => client.stop());

  it("answers every request through 3,000 random edits", async () => {
    const next = random(7);
    const uri = "file:///fuzz.cnn";
    let text = readRepoFile("examples/resnet50.cnn");
    await client.open(uri, text);
    for (let i = 0; i < 3000; i++) {
      const lines = text.split("\n");
      const line = Math.floor(next() * (lines.length + 2));
      const character = Math.floor(next() * 40);
      const kind = next();
      let insert = "";
      let deleteCount = 0;
      if (kind < 0.5) insert = snippets[Math.floor(next() * snippets.length)]!;
      else if (kind < 0.8) deleteCount = Math.floor(next() * 10);
      else
        insert = String.fromCharCode(
          ...Array.from({ length: 1 + Math.floor(next() * 5) }, () => Math.floor(next() * 128)),
        );
      // Positions past the end are legal in LSP; the document clamps them, and so must the server.
      const lineText = lines[Math.min(line, lines.length - 1)] ?? "";
      const end = { line, character: Math.min(character + deleteCount, Math.max(character, lineText.length)) };
      await client.edit(uri, { start: { line, character }, end }, insert);
      text = applyEdit(text, line, character, end.character, insert);
      if (i % 10 === 0) {
        const position = { line: Math.floor(next() * lines.length), character: Math.floor(next() * 30) };
        const doc = { textDocument: { uri }, position };
        const [hover, hints, completion, lenses, symbols] = await Promise.all([
          client.request("textDocument/hover", doc),
          client.request("textDocument/inlayHint", {
            textDocument: { uri },
            range: { start: { line: 0, character: 0 }, end: { line: 9999, character: 0 } },
          }),
          client.request("textDocument/completion", doc),
          client.request("textDocument/codeLens", { textDocument: { uri } }),
          client.request("textDocument/documentSymbol", { textDocument: { uri } }),
        ]);
        assert.ok(hover === null || typeof hover === "object");
        assert.ok(Array.isArray(hints) && Array.isArray(completion) && Array.isArray(lenses) && Array.isArray(symbols));
      }
    }
    // The server's view of the text matches ours: its diagnostics arrive for the last version.
    const diagnostics = await client.diagnosticsFor(uri);
    assert.ok(Array.isArray(diagnostics));
    assert.equal(client.exited, false, "the server is still running");
  });
});

/** The same clamping rule as vscode-languageserver-textdocument, so the test tracks the server's text. */
function applyEdit(text: string, line: number, startChar: number, endChar: number, insert: string): string {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") starts.push(i + 1);
  const offset = (l: number, c: number) => {
    if (l >= starts.length) return text.length;
    const lineEnd = l + 1 < starts.length ? starts[l + 1]! - 1 : text.length;
    return Math.min(starts[l]! + c, lineEnd);
  };
  const s = offset(line, startChar);
  const e = Math.max(s, offset(line, endChar));
  return text.slice(0, s) + insert + text.slice(e);
}
