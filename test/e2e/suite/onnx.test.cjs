// ONNX models in the editor: CNN: Open ONNX Model as CNN opens a read-only cnn document that the language server
// analyses like a file (hover, lenses, simulation with the file's own weights), CNN: Save as .cnn… writes the text
// and the weights, a bad file is refused without a document, and .onnx files open in the extension's own editor.

/* global describe, it -- mocha's globals */
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const vscode = require("vscode");
const { hoverText, openFile, waitFor, workspace } = require("./helpers.cjs");

const exec = (command, ...args) => vscode.commands.executeCommand(command, ...args);

/** Writes the ONNX file of examples/lenet5.cnn with the project's own exporter (CNN: Export to ONNX). */
async function exportLenet(name) {
  const { uri } = await openFile("lenet5.cnn");
  const onnx = vscode.Uri.file(path.join(workspace(), "onnx", name));
  await exec("cnnlens.exportOnnx", uri.toString(), "LeNet5", onnx);
  assert.ok(fs.existsSync(onnx.fsPath), "the exported .onnx file");
  return onnx;
}

describe("ONNX models opened as CNN", () => {
  it("are registered commands", async () => {
    const all = await vscode.commands.getCommands(true);
    for (const id of ["cnnlens.openOnnxAsCnn", "cnnlens.saveImportedAsCnn"]) assert.ok(all.includes(id), id);
  });

  it("CNN: Open ONNX Model as CNN opens a read-only cnn document: hover, lenses, its weights", async function () {
    this.timeout(90_000); // the first simulation loads onnxruntime's native library
    const onnx = await exportLenet("lenet5.onnx");
    const opened = await exec("cnnlens.openOnnxAsCnn", onnx);
    assert.equal(typeof opened, "string", "the command returned the virtual document's URI");
    const editor = vscode.window.activeTextEditor;
    const doc = editor.document;
    assert.equal(doc.uri.toString(), opened);
    assert.equal(doc.uri.scheme, "cnnlens-onnx");
    assert.equal(doc.languageId, "cnn");
    assert.match(doc.lineAt(0).text, /^# Imported from lenet5\.onnx \(ONNX opset \d+\) by cnnlens import$/);
    assert.equal(doc.lineAt(1).text, "model LeNet5 {");
    // The language server analyses it as it does a file: code lenses, and a hover on the first conv.
    await waitFor(
      "the code lenses of the imported document",
      async () => ((await exec("vscode.executeCodeLensProvider", doc.uri)) ?? []).length > 0,
    );
    const line = [...Array(doc.lineCount).keys()].find((i) => doc.lineAt(i).text.trim().startsWith("conv(6"));
    const hover = await hoverText(
      doc.uri,
      new vscode.Position(line, doc.lineAt(line).firstNonWhitespaceCharacterIndex + 1),
    );
    assert.match(hover, /5·5·1·6 \+ 6 = 156/);
    assert.match(hover, /1×28×28` → `6×28×28/);
    assert.deepEqual(
      vscode.languages.getDiagnostics(doc.uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error),
      [],
    );
    // The simulation runs the ONNX file's own weights, so the report has its top-5.
    const view = await exec("cnnlens.simulate", opened);
    assert.ok(view, "the simulation returned its report");
    assert.equal(view.randomWeights, false);
    assert.match(view.weights, /lenet5\.onnx \(the ONNX file's own weights\)/);
    assert.equal(view.top5.length, 5);
    // The summary, the diagram and an export work on it as on a file.
    const summary = await exec("cnnlens.showSummary", opened);
    assert.equal(summary.models[0].params.total, 61706);
    const drawn = await exec("cnnlens.showDiagram", opened);
    assert.ok(drawn && drawn.nodes > 0, "the diagram drew the imported model");
    const py = vscode.Uri.file(path.join(workspace(), "onnx", "lenet5_imported.py"));
    await exec("cnnlens.exportPyTorch", opened, "LeNet5", py);
    assert.match(fs.readFileSync(py.fsPath, "utf8"), /class LeNet5\(nn\.Module\):/);
  });

  it("CNN: Save as .cnn… writes the text and <name>.safetensors and opens the .cnn file", async function () {
    this.timeout(60_000);
    const onnx = await exportLenet("lenet5.onnx");
    const opened = vscode.Uri.parse(await exec("cnnlens.openOnnxAsCnn", onnx));
    const text = vscode.window.activeTextEditor.document.getText();
    const target = vscode.Uri.file(path.join(workspace(), "onnx", "saved-lenet.cnn"));
    const saved = await exec("cnnlens.saveImportedAsCnn", opened, target);
    assert.ok(saved, "the command returned what it wrote");
    assert.equal(saved.cnn, target.fsPath);
    assert.equal(saved.weights, path.join(workspace(), "onnx", "saved-lenet.safetensors"));
    assert.equal(fs.readFileSync(target.fsPath, "utf8"), text);
    // A safetensors file: an 8-byte header length, then the JSON header naming the layers' tensors.
    const weights = fs.readFileSync(saved.weights);
    const header = JSON.parse(weights.subarray(8, 8 + Number(weights.readBigUInt64LE(0))).toString("utf8"));
    assert.deepEqual(header["conv1.weight"]?.shape, [6, 1, 5, 5]);
    await waitFor("the saved file in the active editor", () => {
      const active = vscode.window.activeTextEditor?.document.uri;
      return active?.scheme === "file" && active.fsPath === target.fsPath;
    });
    // The saved file simulates with the saved weights as the virtual document did with the file's.
    const fromFile = await exec(
      "cnnlens.simulateWithWeights",
      target.toString(),
      "LeNet5",
      vscode.Uri.file(saved.weights),
    );
    const fromOnnx = await exec("cnnlens.simulate", opened.toString(), "LeNet5");
    assert.deepEqual(fromFile.top5, fromOnnx.top5);
  });

  it("refuses a truncated .onnx file: no document opens", async () => {
    const onnx = await exportLenet("whole.onnx");
    const truncated = vscode.Uri.file(path.join(workspace(), "onnx", "truncated.onnx"));
    const bytes = fs.readFileSync(onnx.fsPath);
    fs.writeFileSync(truncated.fsPath, bytes.subarray(0, bytes.length >> 1));
    const before = vscode.workspace.textDocuments.filter((d) => d.uri.scheme === "cnnlens-onnx").length;
    const opened = await exec("cnnlens.openOnnxAsCnn", truncated);
    assert.equal(opened, undefined);
    assert.equal(vscode.workspace.textDocuments.filter((d) => d.uri.scheme === "cnnlens-onnx").length, before);
  });

  it("opens an .onnx file in the CNN Lens ONNX editor", async () => {
    const onnx = await exportLenet("editor.onnx");
    await exec("vscode.open", onnx);
    const tab = await waitFor("the .onnx editor's tab", () =>
      vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .find((t) => t.input instanceof vscode.TabInputCustom && t.input.uri.fsPath === onnx.fsPath),
    );
    assert.ok(tab.input.viewType.endsWith("cnnlens.onnx"), tab.input.viewType);
  });
});
