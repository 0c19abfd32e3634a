// Writes vscode-capabilities.json: the ClientCapabilities the installed vscode-languageclient sends, as VS Code
// would, computed without VS Code by loading the library against a stub `vscode` module.
// Run after upgrading vscode-languageclient: node test/lsp/profiles/capture-vscode-capabilities.mjs
import { writeFileSync } from "node:fs";
import Module, { createRequire } from "node:module";

// Any property of the stub is another stub, callable and constructible: the client's constructor only wires
// listeners and converters, and computing the capabilities reads nothing from VS Code.
const handler = {
  get(target, property) {
    if (property === "then") return undefined;
    if (!(property in target)) target[property] = stub();
    return target[property];
  },
  apply: () => stub(),
  construct: () => stub(),
};
function stub() {
  return new Proxy(function () {}, handler);
}
const vscode = stub();
const load = Module._load;
Module._load = function (request, ...rest) {
  return request === "vscode" ? vscode : load.call(this, request, ...rest);
};

const require = createRequire(import.meta.url);
// The package exports only `node` and `browser`; BaseLanguageClient is in its common folder.
const common = new URL("../../../node_modules/vscode-languageclient/lib/common/", import.meta.url);
const { BaseLanguageClient } = require(new URL("client.js", common).pathname);
class Client extends BaseLanguageClient {
  createMessageTransports() {}
  getLocale() {
    return "en";
  }
}
// The same options as client/src/extension.ts.
const options = { documentSelector: [{ language: "cnn" }], synchronize: { configurationSection: "cnnlens" } };
const client = new Client("cnnlens", "CNN Lens", options);
const json = JSON.stringify(client.computeClientCapabilities(), null, 2).replace(
  /\[\s+([^[\]{}]*?)\s+\]/g,
  (_, inner) => `[${inner.split(/,\s*/).join(", ")}]`,
);
writeFileSync(new URL("vscode-capabilities.json", import.meta.url), json + "\n");
