// Rename refusals reach the editor over stdio as a RequestFailed error whose message says why.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { LSPErrorCodes, ResponseError } from "vscode-languageserver-protocol";
import { markers, TestClient } from "./lsp-client.js";

describe("rename over stdio", () => {
  const client = new TestClient();
  before(() => client.initialize());
  after(() => client.stop());

  it("refuses a layer kind and a label in use with RequestFailed and the reason", async () => {
    const { text, positions } = markers(
      "model M {\n  input(3, 8, 8)\n  sk<|>ip: conv(4, 1)\n  other: relu\n  add(skip)\n}",
    );
    const uri = "file:///rename.cnn";
    await client.open(uri, text);
    const attempt = (newName: string) =>
      client.request("textDocument/rename", { textDocument: { uri }, position: positions[0], newName });
    for (const [newName, reason] of [
      ["conv", /'conv' is a layer kind/],
      ["other", /label 'other' already exists \(line 4\)/],
    ] as const) {
      await assert.rejects(attempt(newName), (e: unknown) => {
        assert.ok(e instanceof ResponseError);
        assert.equal(e.code, LSPErrorCodes.RequestFailed);
        assert.match(e.message, reason);
        return true;
      });
    }
    assert.ok(await attempt("encoder"));
  });
});
