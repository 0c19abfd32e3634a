// What the server reads from a client's capabilities, and the plain-text form of its markdown.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ClientCapabilities } from "vscode-languageserver";
import { readClientFeatures } from "../../server/src/lsp/client-capabilities.js";
import { markup, plainText } from "../../server/src/lsp/markup.js";
import { readJson } from "./helpers.js";

describe("readClientFeatures", () => {
  it("an empty capability object allows nothing optional", () => {
    const features = readClientFeatures({ capabilities: {} });
    assert.deepEqual(
      Object.entries(features).filter(([, on]) => on),
      [],
    );
  });

  it("VS Code's capabilities allow everything the server uses; the client commands only by our flag", () => {
    const capabilities = readJson<ClientCapabilities>("test/lsp/profiles/vscode-capabilities.json");
    const off = (initializationOptions: unknown) =>
      Object.entries(readClientFeatures({ capabilities, initializationOptions }))
        .filter(([, on]) => !on)
        .map(([name]) => name);
    assert.deepEqual(off({ clientCommands: true }), []);
    assert.deepEqual(off({ settings: {} }), ["clientCommands"]);
    assert.deepEqual(off(null), ["clientCommands"]);
  });

  it("markdown counts only where the client lists it", () => {
    const only = (format: "markdown" | "plaintext") =>
      readClientFeatures({ capabilities: { textDocument: { hover: { contentFormat: [format] } } } });
    assert.equal(only("markdown").markdownHover, true);
    assert.equal(only("plaintext").markdownHover, false);
  });
});

describe("plainText", () => {
  it("drops bold, code and italic marks and keeps everything else", () => {
    assert.equal(plainText("**conv1** · `conv`\n\n`3×8×8` → `8×8×8`"), "conv1 · conv\n\n3×8×8 → 8×8×8");
    assert.equal(
      plainText("_3 instances of this line; showing the first._"),
      "3 instances of this line; showing the first.",
    );
    assert.equal(plainText("out_channels and keep_dims"), "out_channels and keep_dims");
    assert.equal(plainText("5·5·3·16 + 16 = 1216 * 2"), "5·5·3·16 + 16 = 1216 * 2");
  });
  it("markup labels the kind it sends", () => {
    assert.deepEqual(markup("**a**", true), { kind: "markdown", value: "**a**" });
    assert.deepEqual(markup("**a**", false), { kind: "plaintext", value: "a" });
  });
});
