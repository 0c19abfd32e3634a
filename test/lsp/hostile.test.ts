// Hostile documents and options over stdio: the server answers quickly and with a bounded edit, never a crash.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { TextEdit } from "vscode-languageserver-protocol";
import { generateBraceBomb, generateLabels, withLineEndings } from "../hostile/bombs.js";
import { readRepoFile } from "../unit/helpers.js";
import { applyEdits, TestClient } from "./lsp-client.js";

describe("a CR-only document over stdio", () => {
  const client = new TestClient();
  before(() => client.initialize());
  after(() => client.stop());

  it("completes layers inside a body after a comment (a comment ends at a lone CR)", async () => {
    const uri = "file:///cr-completion.cnn";
    await client.open(uri, "# a comment\rmodel M {\r  input(3, 8, 8)\r  \r}\r");
    const items = await client.request<{ label: string }[]>("textDocument/completion", {
      textDocument: { uri },
      position: { line: 3, character: 2 },
    });
    assert.ok(
      items.some((i) => i.label === "conv"),
      items.map((i) => i.label).join(" "),
    );
  });
});

describe("completion in a file of 20,000 labels over stdio", () => {
  const client = new TestClient();
  before(() => client.initialize());
  after(() => client.stop());

  it("answers an incomplete list of the nearest labels, then the typed one from far above", async () => {
    const uri = "file:///many-labels.cnn";
    const text = generateLabels(20_000);
    await client.open(uri, text);
    const line = text.split("\n").findIndex((l) => l.startsWith("  a15000:"));
    type List = { isIncomplete: boolean; items: { label: string; detail?: string }[] };
    // A list that holds every match comes as a plain array.
    const labels = (list: List | List["items"]) =>
      (Array.isArray(list) ? list : list.items).filter((i) => i.detail === "label").map((i) => i.label);
    const atStart = await client.request<List>("textDocument/completion", {
      textDocument: { uri },
      position: { line, character: 2 },
    });
    assert.equal(atStart.isIncomplete, true);
    assert.ok(labels(atStart).includes("a14999") && !labels(atStart).includes("a3"));
    // The cursor after `a150` of the line's own label: the labels that start so, the far ones too.
    const typed = await client.request<List | List["items"]>("textDocument/completion", {
      textDocument: { uri },
      position: { line, character: 6 },
    });
    assert.ok(labels(typed).includes("a150") && labels(typed).includes("a1501"), labels(typed).slice(0, 5).join(" "));
  });
});

describe("formatting hostile documents over stdio", () => {
  const client = new TestClient();
  before(() => client.initialize());
  after(() => client.stop());
  const format = (uri: string, options: Record<string, unknown>) =>
    client.request<TextEdit[]>("textDocument/formatting", { textDocument: { uri }, options });

  it("leaves the 23,000-brace bomb as it is (no 533 MB edit)", async () => {
    const uri = "file:///bomb.cnn";
    await client.open(uri, generateBraceBomb(23_000));
    assert.deepEqual(await format(uri, { tabSize: 2, insertSpaces: true }), []);
  });
  it("clamps an absurd tab size instead of allocating it", async () => {
    const uri = "file:///tabs.cnn";
    const text = "model M {\ninput(3, 8, 8)\n}\n";
    await client.open(uri, text);
    const edits = await format(uri, { tabSize: 1e9, insertSpaces: true });
    assert.equal(applyEdits(text, edits), `model M {\n${" ".repeat(16)}input(3, 8, 8)\n}\n`);
  });
  it("keeps a CR-only file's line breaks, so the result still parses", async () => {
    const uri = "file:///cr.cnn";
    const text = withLineEndings(readRepoFile("examples/lenet5.cnn"), "\r").replace(/\r {2}/g, "\r");
    await client.open(uri, text);
    const edits = await format(uri, { tabSize: 2, insertSpaces: true });
    assert.equal(edits.length, 1);
    assert.equal(applyEdits(text, edits), withLineEndings(readRepoFile("examples/lenet5.cnn"), "\r"));
  });
});
