// The simulation request over the protocol: a real forward pass in the server, and clear refusals.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { PNG } from "pngjs";
import { analyze, readRepoFile } from "../unit/helpers.js";
import { TestClient } from "./lsp-client.js";

interface View {
  model: string;
  layers: {
    name: string;
    shape: number[];
    std: number;
    zeros: number;
    histogram: number[];
    maps?: { channels: number };
  }[];
  top5: { index: number; probability: number }[];
}

describe("cnnlens/simulate", () => {
  const client = new TestClient();
  before(() => client.initialize());
  after(() => client.stop());

  it("runs LeNet-5 and reports every layer with the statically inferred shape", async () => {
    const text = readRepoFile("examples/lenet5.cnn");
    await client.open("file:///sim/lenet.cnn", text);
    const result = await client.request<{ view?: View; error?: string }>("cnnlens/simulate", {
      uri: "file:///sim/lenet.cnn",
      seed: 3,
    });
    assert.equal(result.error, undefined);
    const view = result.view!;
    const layers = analyze(text).models[0]!.layers;
    assert.deepEqual(
      view.layers.map((l) => [l.name, l.shape]),
      layers.map((l) => [l.name, [1, ...l.outputShape!]]),
    );
    // ReLU zeroes about half of its inputs; random weights give no class scores (they would mean nothing).
    const relu = view.layers.find((l) => l.name === "relu1")!;
    assert.ok(relu.zeros > 0.2 && relu.zeros < 0.8, `relu zeros ${relu.zeros}`);
    assert.equal(
      relu.histogram.reduce((a, b) => a + b, 0),
      6 * 28 * 28,
    );
    assert.equal(relu.maps?.channels, 6);
    assert.equal(view.top5.length, 0);
  });

  it("takes a picture as the input, and keeps to the memory budget of the settings", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cnnlens-sim-"));
    const png = new PNG({ width: 40, height: 40 });
    png.data.fill(200);
    writeFileSync(join(dir, "grey.png"), PNG.sync.write(png));
    await client.open("file:///sim/tiny.cnn", "model Tiny {\n  input(3, 32, 32)\n  conv(4, 3) -> relu\n}");
    const result = await client.request<{ view?: View & { input: string }; error?: string }>("cnnlens/simulate", {
      uri: "file:///sim/tiny.cnn",
      input: join(dir, "grey.png"),
    });
    assert.equal(result.error, undefined);
    assert.match(result.view!.input, /grey\.png \(1×3×32×32\)/);
    assert.equal(result.view!.layers[0]!.maps?.channels, 4);
    await client.connection.sendNotification("workspace/didChangeConfiguration", {
      settings: { cnnlens: { simulation: { memoryBudget: 0.001 } } },
    });
    const refused = await client.request<{ error?: string }>("cnnlens/simulate", { uri: "file:///sim/tiny.cnn" });
    assert.match(refused.error ?? "", /more than the limit of 0\.0 MiB/);
    await client.connection.sendNotification("workspace/didChangeConfiguration", { settings: { cnnlens: {} } });
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a model with errors, naming the error", async () => {
    await client.open("file:///sim/bad.cnn", "model Bad {\n  input(3, 8, 8)\n  conv(4, 9)\n}");
    const result = await client.request<{ view?: View; error?: string }>("cnnlens/simulate", {
      uri: "file:///sim/bad.cnn",
    });
    assert.match(result.error ?? "", /model Bad has errors, so it cannot be simulated: kernel 9 is larger/);
  });
});

describe("cnnlens/export", () => {
  const client = new TestClient();
  before(() => client.initialize());
  after(() => client.stop());

  it("gives PyTorch code, Keras code and ONNX bytes for an open document", async () => {
    await client.open("file:///export/lenet5.cnn", readRepoFile("examples/lenet5.cnn"));
    const torch = await client.request<{ code?: string }>("cnnlens/export", {
      uri: "file:///export/lenet5.cnn",
      format: "pytorch",
    });
    assert.match(torch.code ?? "", /class LeNet5\(nn\.Module\):/);
    const keras = await client.request<{ code?: string }>("cnnlens/export", {
      uri: "file:///export/lenet5.cnn",
      format: "keras",
    });
    assert.match(keras.code ?? "", /keras\.Model\(/);
    const onnx = await client.request<{ base64?: string }>("cnnlens/export", {
      uri: "file:///export/lenet5.cnn",
      format: "onnx",
    });
    assert.ok(Buffer.from(onnx.base64 ?? "", "base64").length > 61706 * 4);
  });
});
