// The extension's commands, run as the code lenses and the command palette run them, checked by what they
// really do: the value returned, the webview panel opened.

/* global describe, it -- mocha's globals */
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const vscode = require("vscode");
const { openFile, waitFor, workspace } = require("./helpers.cjs");

/** The open webview tabs of one view type (VS Code prefixes the extension's view type with its own id). */
const webviewTabs = (viewType) =>
  vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(viewType));

describe("commands", () => {
  it("are registered", async () => {
    const all = await vscode.commands.getCommands(true);
    for (const id of [
      "cnnlens.showSummary",
      "cnnlens.simulate",
      "cnnlens.exportOnnx",
      "cnnlens.exportPyTorch",
      "cnnlens.exportKeras",
      "cnnlens.simulateWithInput",
      "cnnlens.showDiagram",
      "cnnlens.exportDiagramSvg",
      "cnnlens.simulateWithWeights",
    ])
      assert.ok(all.includes(id), id);
  });

  it("CNN: Show Summary returns the summary and opens a webview beside the editor", async () => {
    const { uri } = await openFile("lenet5.cnn");
    await vscode.commands.executeCommand("workbench.action.closeEditorsInOtherGroups");
    const summary = await vscode.commands.executeCommand("cnnlens.showSummary", uri.toString(), "LeNet5");
    // The view's part of the JSON document (cnnlens summary --json's totals and layers, trimmed).
    assert.deepEqual(
      summary.models.map((m) => m.name),
      ["LeNet5"],
    );
    assert.equal(summary.models[0].params.total, 61706);
    const [tab] = await waitFor(
      "the summary webview",
      () => webviewTabs("cnnlens.summary").length && webviewTabs("cnnlens.summary"),
    );
    assert.equal(tab.label, "Summary: LeNet5");
  });

  it("CNN: Show Summary from the palette applies to the active editor", async () => {
    await openFile("resnet50.cnn");
    const summary = await vscode.commands.executeCommand("cnnlens.showSummary");
    assert.equal(summary.models[0].params.total, 25557032);
    await waitFor("the ResNet50 summary tab", () =>
      webviewTabs("cnnlens.summary").some((t) => t.label === "Summary: ResNet50"),
    );
  });

  it("CNN: Simulate Forward Pass runs the model and opens the report webview", async function () {
    this.timeout(90_000); // the first run loads onnxruntime's native library
    const { uri } = await openFile("lenet5.cnn");
    const view = await vscode.commands.executeCommand("cnnlens.simulate", uri.toString(), "LeNet5");
    assert.ok(view, "the simulation returned its report (an error message box otherwise)");
    assert.equal(view.model, "LeNet5");
    const last = view.layers[view.layers.length - 1];
    assert.deepEqual(last.shape.slice(-1), [10]);
    assert.ok(
      view.layers.every((l) => Number.isFinite(l.mean) && Number.isFinite(l.std)),
      "finite statistics on every layer",
    );
    await waitFor("the simulation webview", () =>
      webviewTabs("cnnlens.simulation").some((t) => t.label === "Simulation: LeNet5"),
    );
  });

  it("CNN: Simulate Forward Pass with Weights… shows the top-5, named by the labels setting", async function () {
    this.timeout(90_000);
    // The golden net Basic (test/golden/simulation) ends in dense(10): ten classes, weights saved by PyTorch.
    const golden = path.join(__dirname, "../../golden/simulation");
    fs.copyFileSync(path.join(golden, "basic.cnn"), path.join(workspace(), "basic.cnn"));
    const labels = path.join(workspace(), "basic-labels.txt");
    fs.writeFileSync(labels, Array.from({ length: 10 }, (_, i) => `class name ${i}`).join("\n") + "\n");
    const config = vscode.workspace.getConfiguration("cnnlens");
    await config.update("simulation.labelsFile", "basic-labels.txt", vscode.ConfigurationTarget.Workspace);
    try {
      const { uri } = await openFile("basic.cnn");
      const weights = vscode.Uri.file(path.join(golden, "basic.safetensors"));
      const view = await vscode.commands.executeCommand(
        "cnnlens.simulateWithWeights",
        uri.toString(),
        "Basic",
        weights,
      );
      assert.ok(view, "the simulation returned its report");
      assert.equal(view.randomWeights, false);
      assert.equal(view.top5.length, 5);
      for (const c of view.top5) assert.equal(c.label, `class name ${c.index}`);
      // Random weights: no classes at all, named or not.
      const random = await vscode.commands.executeCommand("cnnlens.simulate", uri.toString(), "Basic");
      assert.deepEqual(random.top5, []);
      assert.match(random.mode, /^inference mode: BatchNorm normalises with its running statistics/);
    } finally {
      await config.update("simulation.labelsFile", undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it("CNN: Export to ONNX writes an .onnx file where it is told", async function () {
    this.timeout(60_000);
    const { uri } = await openFile("lenet5.cnn");
    const target = vscode.Uri.file(path.join(workspace(), "out", "lenet5.onnx"));
    const written = await vscode.commands.executeCommand("cnnlens.exportOnnx", uri.toString(), "LeNet5", target);
    assert.equal(written?.fsPath, target.fsPath);
    const bytes = fs.readFileSync(target.fsPath);
    // An ONNX ModelProto: field 1 (ir_version, a varint) comes first; the graph names its operators.
    assert.equal(bytes[0], 0x08);
    assert.ok(bytes.includes(Buffer.from("Conv")) && bytes.includes(Buffer.from("Gemm")), "Conv and Gemm nodes");
  });

  it("CNN: Export to PyTorch and to Keras write .py files where told and open them beside the file", async function () {
    this.timeout(60_000);
    const { uri } = await openFile("resnet50.cnn");
    const torchFile = vscode.Uri.file(path.join(workspace(), "out", "resnet50.py"));
    const torch = await vscode.commands.executeCommand("cnnlens.exportPyTorch", uri.toString(), undefined, torchFile);
    assert.equal(torch?.fsPath, torchFile.fsPath);
    assert.match(fs.readFileSync(torchFile.fsPath, "utf8"), /^class Bottleneck\(nn\.Module\):$/m);
    await waitFor("the exported file open in an editor", () =>
      vscode.window.visibleTextEditors.some((e) => e.document.uri.fsPath === torchFile.fsPath),
    );
    const kerasFile = vscode.Uri.file(path.join(workspace(), "out", "keras_smallnet_keras.py"));
    const keras = await vscode.commands.executeCommand(
      "cnnlens.exportKeras",
      (await openFile("keras_smallnet.cnn")).uri.toString(),
      undefined,
      kerasFile,
    );
    assert.equal(keras?.fsPath, kerasFile.fsPath);
    assert.match(fs.readFileSync(kerasFile.fsPath, "utf8"), /keras\.Model\(/);
  });

  it("a model with errors: the export and the simulation are refused once, in words, nothing written", async () => {
    const doc = await vscode.workspace.openTextDocument({
      language: "cnn",
      content: "model Bad {\n  input(3, 8, 8)\n  conv(4, 9)\n}\n",
    });
    const target = vscode.Uri.file(path.join(workspace(), "out", "bad.py"));
    const written = await vscode.commands.executeCommand("cnnlens.exportPyTorch", doc.uri.toString(), "Bad", target);
    assert.equal(written, undefined);
    assert.ok(!fs.existsSync(target.fsPath), "nothing written");
    const view = await vscode.commands.executeCommand("cnnlens.simulate", doc.uri.toString(), "Bad");
    assert.equal(view, undefined);
  });

  it("CNN: Simulate Forward Pass with an Input File… runs on the chosen .npy array", async function () {
    this.timeout(60_000);
    const { uri } = await openFile("lenet5.cnn");
    // A .npy file by hand: magic, version 1.0, a header padded to a multiple of 64 bytes, then 1×28×28 float32s.
    const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 28, 28), }";
    const total = Math.ceil((10 + header.length + 1) / 64) * 64;
    const padded = header + " ".repeat(total - 10 - header.length - 1) + "\n";
    const data = Buffer.alloc(28 * 28 * 4);
    for (let i = 0; i < 28 * 28; i++) data.writeFloatLE((i % 28) / 28, i * 4);
    const file = path.join(workspace(), "ramp.npy");
    fs.writeFileSync(
      file,
      Buffer.concat([
        Buffer.from([0x93]),
        Buffer.from("NUMPY"),
        Buffer.from([1, 0, padded.length, 0]),
        Buffer.from(padded, "latin1"),
        data,
      ]),
    );
    const view = await vscode.commands.executeCommand(
      "cnnlens.simulateWithInput",
      uri.toString(),
      "LeNet5",
      vscode.Uri.file(file),
    );
    assert.match(view.input, /ramp\.npy \(1×1×28×28\)/);
  });
});
