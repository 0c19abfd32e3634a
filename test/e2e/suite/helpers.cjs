// Helpers for the extension-host tests: fixtures in the workspace folder, `<|>` markers, waiting.

const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const vscode = require("vscode");

const workspace = () => vscode.workspace.workspaceFolders[0].uri.fsPath;

/** Polls `check` until it returns something truthy; never a fixed sleep. */
async function waitFor(what, check, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Splits `<|>` markers out of a text: the clean text and each marker's position. */
function markers(text) {
  const positions = [];
  const parts = text.split("<|>");
  let clean = "";
  parts.forEach((part, i) => {
    clean += part;
    if (i < parts.length - 1) {
      const lines = clean.split("\n");
      positions.push(new vscode.Position(lines.length - 1, lines[lines.length - 1].length));
    }
  });
  return { text: clean, positions };
}

/**
 * Activates the extension and opens an example; run once before all tests (index.cjs). Activation errors
 * (a server that does not start) reject here at once, so a broken extension fails fast, not per test.
 */
async function activate() {
  const extension = vscode.extensions.getExtension("cnn-lens.cnn-lens");
  assert.ok(extension, "the extension cnn-lens.cnn-lens is loaded");
  await extension.activate();
  await openFile("lenet5.cnn");
}

let counter = 0;
/**
 * Writes `source` (with optional `<|>` markers) as a new .cnn file in the workspace and opens it in an
 * editor; resolves once the language server has analysed it (its code lenses, or its diagnostics, are in).
 */
async function openFixture(source, name = `fixture${++counter}.cnn`) {
  const { text, positions } = markers(source);
  const file = path.join(workspace(), name);
  fs.writeFileSync(file, text);
  return { ...(await openFile(name)), positions };
}

/** Opens a workspace file in an editor and waits for the server's first answer about it. */
async function openFile(name) {
  const uri = vscode.Uri.file(path.join(workspace(), name));
  const doc = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(doc);
  assert.equal(doc.languageId, "cnn");
  await waitFor(
    `the server to analyse ${name}`,
    async () =>
      vscode.languages.getDiagnostics(uri).length > 0 ||
      ((await vscode.commands.executeCommand("vscode.executeCodeLensProvider", uri)) ?? []).length > 0,
  );
  return { uri, doc, editor };
}

/** Hover markdown as plain text: VS Code hands it back escaped (`\+`, `\(`), with its parts joined. */
async function hoverText(uri, position) {
  const hovers = await vscode.commands.executeCommand("vscode.executeHoverProvider", uri, position);
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === "string" ? c : c.value))
    .join("\n")
    .replace(/\\([\\`*_{}[\]()#+\-.!|<>])/g, "$1");
}

module.exports = { activate, waitFor, markers, openFixture, openFile, hoverText, workspace };
