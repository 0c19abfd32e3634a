// cnnlens/importOnnx and cnnlens/saveImported over the protocol: an .onnx file exported by cnnlens itself comes back
// as the text importOnnx writes, its virtual document simulates to onnxruntime's output with the file's own weights,
// and the saved pair analyses and simulates the same; bad files are refused in a sentence naming them.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, it } from "node:test";
import * as ort from "onnxruntime-node";
import { CancellationTokenSource, LSPErrorCodes, type ResponseError } from "vscode-languageserver-protocol/node";
import { importOnnx } from "../../server/src/import/import-onnx.js";
import { buildOnnx } from "../../server/src/layers/onnx-model.js";
import { importedDocumentUri, type ImportedOnnx } from "../../server/src/protocol.js";
import { randomWeights } from "../../server/src/simulation/weights.js";
import { analyze, readRepoFile } from "../unit/helpers.js";
import { convGraph, floats, modelBytes, valueInfo } from "../unit/import-onnx-builder.js";
import { TestClient } from "./lsp-client.js";
import { npyFile } from "../hostile/bombs-files.js";

type Imported = ImportedOnnx;
interface LayerView {
  name: string;
  shape: number[];
  mean: number;
  std: number;
  min: number;
  max: number;
}
interface View {
  model: string;
  weights: string;
  randomWeights: boolean;
  layers: LayerView[];
  top5: { index: number; probability: number }[];
}

describe("cnnlens/importOnnx and cnnlens/saveImported", () => {
  const client = new TestClient();
  const dir = mkdtempSync(join(tmpdir(), "cnnlens-open-onnx-"));
  const original = analyze(readRepoFile("examples/lenet5.cnn")).models[0]!;
  // What `cnnlens export --to onnx` writes for LeNet-5, with seeded random weights.
  const bytes = buildOnnx(original, randomWeights(original, 3), { outputs: "final" });
  const onnxPath = join(dir, "lenet5.onnx");
  const onnxUri = pathToFileURL(onnxPath).toString();
  const document = importedDocumentUri(onnxUri);
  const x = seededInput([1, ...original.input!]);
  before(async () => {
    writeFileSync(onnxPath, bytes);
    writeFileSync(join(dir, "x.npy"), npyFile(x));
    await client.initialize();
  });
  after(async () => {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers the text importOnnx writes, with the model's name, input, outputs and parameters", async () => {
    const result = await client.request<Imported | { refusal: string }>("cnnlens/importOnnx", { uri: onnxUri });
    if ("refusal" in result) assert.fail(result.refusal);
    const expected = importOnnx(bytes, { fileName: "lenet5.onnx" });
    if ("refusal" in expected) assert.fail(expected.refusal);
    assert.equal(result.text, expected.text);
    assert.equal(result.model, expected.model);
    assert.equal(result.document, document);
    assert.match(document, /^cnnlens-onnx:\/.*\/lenet5\.onnx\.cnn$/);
    assert.deepEqual(result.input, original.input);
    assert.deepEqual(
      result.outputs.map((o) => o.shape),
      [[10]],
    );
    assert.equal(result.params, original.params.total);
    assert.equal(result.tensors, expected.weights.size);
  });

  it("refuses a truncated file, a FIFO, a directory and a URI that is not a file, naming each", async () => {
    const truncated = join(dir, "truncated.onnx");
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const fifo = join(dir, "pipe.onnx");
    execFileSync("mkfifo", [fifo]);
    const folder = join(dir, "folder.onnx");
    mkdirSync(folder);
    const cases: [string, RegExp][] = [
      [pathToFileURL(truncated).toString(), /truncated\.onnx: truncated\.onnx is not a complete ONNX model/],
      [pathToFileURL(fifo).toString(), /cannot read .*pipe\.onnx: is not a regular file \(it is a FIFO/],
      [pathToFileURL(folder).toString(), /cannot read .*folder\.onnx: is a directory/],
      [pathToFileURL(join(dir, "missing.onnx")).toString(), /cannot read .*missing\.onnx: no such file/],
      ["https://example.invalid/net.onnx", /must be a file: URI .*https:\/\/example\.invalid\/net\.onnx/],
    ];
    for (const [uri, message] of cases) {
      const result = await client.request<{ refusal?: string }>("cnnlens/importOnnx", { uri });
      assert.match(result.refusal ?? "(imported)", message, uri);
    }
    // Params as a careless client may send them: answered with a sentence, and the server stays up.
    for (const params of [{}, { uri: 42 }, { uri: onnxUri, inputShape: "3,28,28" }]) {
      const result = await client.request<{ refusal?: string }>("cnnlens/importOnnx", params);
      assert.match(
        result.refusal ?? "(imported)",
        /must be a file: URI|the input shape must be/,
        JSON.stringify(params),
      );
    }
    const noUri = await client.request<{ error?: string }>("cnnlens/saveImported", { target: onnxUri });
    assert.match(noUri.error ?? "", /needs the imported document's uri/);
    // A file larger than the memory budget is not read: the weights would stay in the server's memory.
    await client.connection.sendNotification("workspace/didChangeConfiguration", {
      settings: { cnnlens: { simulation: { memoryBudget: 0.1 } } },
    });
    const large = await client.request<{ refusal?: string }>("cnnlens/importOnnx", { uri: onnxUri });
    assert.match(
      large.refusal ?? "",
      /lenet5\.onnx: the file is .* KiB, more than the 102\.4 KiB the memory limit allows/,
    );
    await client.connection.sendNotification("workspace/didChangeConfiguration", { settings: { cnnlens: {} } });
    const badShape = await client.request<{ refusal?: string }>("cnnlens/importOnnx", {
      uri: onnxUri,
      inputShape: [3, -1],
    });
    assert.match(badShape.refusal ?? "", /lenet5\.onnx: the input shape must be one to three whole sizes/);
  });

  it("simulates the virtual document with the file's own weights, as onnxruntime runs the file (1e-4)", async () => {
    const imported = await client.request<Imported>("cnnlens/importOnnx", { uri: onnxUri });
    await client.open(document, imported.text);
    assert.deepEqual(
      (await client.diagnosticsFor(document)).filter((d) => d.severity === 1),
      [],
    );
    const result = await client.request<{ view?: View; error?: string }>("cnnlens/simulate", {
      uri: document,
      input: join(dir, "x.npy"),
    });
    assert.equal(result.error, undefined);
    const view = result.view!;
    assert.equal(view.randomWeights, false);
    assert.match(view.weights, /lenet5\.onnx \(the ONNX file's own weights\)/);
    const session = await ort.InferenceSession.create(bytes);
    const out = (await session.run({ input: new ort.Tensor("float32", x.data, x.shape) }))["output"]!;
    const expected = out.data as Float32Array;
    assertOutputMatches(view, expected);
    // Editors without the extension run the server's own command: the same weights, named in the text report.
    const text = await client.request<string>("workspace/executeCommand", {
      command: "cnnlens.server.simulate",
      arguments: [document],
    });
    assert.match(text, /weights: .*lenet5\.onnx \(the ONNX file's own weights\)/);
  });

  it("saves the .cnn text and its weights beside it; the saved pair analyses and simulates the same", async () => {
    const target = join(dir, "saved", "LeNet Saved.cnn");
    const refused = await client.request<{ error?: string }>("cnnlens/saveImported", {
      uri: document,
      target: pathToFileURL(target).toString(),
    });
    assert.match(
      refused.error ?? "",
      /cannot save .*LeNet Saved\.cnn: its folder .*saved does not exist; choose another place/,
    );
    assert.equal(existsSync(join(dir, "saved")), false);
    mkdirSync(join(dir, "saved"));
    // A folder where the weights go: refused before the text is written, not after it replaced a file.
    mkdirSync(join(dir, "saved", "LeNet Saved.safetensors"));
    const blocked = await client.request<{ error?: string }>("cnnlens/saveImported", {
      uri: document,
      target: pathToFileURL(target).toString(),
    });
    assert.match(
      blocked.error ?? "",
      /cannot save .*\.cnn: .*LeNet Saved\.safetensors exists and is not a regular file; choose another name/,
    );
    assert.deepEqual(readdirSync(join(dir, "saved")), ["LeNet Saved.safetensors"]);
    rmSync(join(dir, "saved", "LeNet Saved.safetensors"), { recursive: true });
    const saved = await client.request<{ cnn?: string; weights?: string; tensors?: number; error?: string }>(
      "cnnlens/saveImported",
      { uri: document, target: pathToFileURL(target).toString() },
    );
    assert.equal(saved.error, undefined);
    assert.equal(saved.cnn, target);
    assert.equal(saved.weights, join(dir, "saved", "LeNet Saved.safetensors"));
    assert.deepEqual(readdirSync(join(dir, "saved")).sort(), ["LeNet Saved.cnn", "LeNet Saved.safetensors"]);
    const text = readFileSync(target, "utf8");
    const imported = await client.request<Imported>("cnnlens/importOnnx", { uri: onnxUri, preview: true });
    assert.equal(text, imported.text);
    const savedUri = pathToFileURL(target).toString();
    await client.open(savedUri, text);
    assert.deepEqual(
      (await client.diagnosticsFor(savedUri)).filter((d) => d.severity === 1),
      [],
    );
    const run = (uri: string, weights?: string) =>
      client.request<{ view?: View; error?: string }>("cnnlens/simulate", {
        uri,
        input: join(dir, "x.npy"),
        ...(weights ? { weights } : {}),
      });
    const fromFile = await run(savedUri, saved.weights);
    const fromVirtual = await run(document);
    assert.equal(fromFile.error, undefined);
    const stats = (v: View) => v.layers.map((l) => [l.name, l.shape, l.mean, l.std, l.min, l.max]);
    assert.deepEqual(stats(fromFile.view!), stats(fromVirtual.view!));
    assert.deepEqual(fromFile.view!.top5, fromVirtual.view!.top5);
  });

  it("refuses to save a document it did not import, and a target that is not a file URI, writing nothing", async () => {
    const before = readdirSync(dir).sort();
    const unknown = await client.request<{ error?: string }>("cnnlens/saveImported", {
      uri: "file:///elsewhere/net.cnn",
      target: pathToFileURL(join(dir, "net.cnn")).toString(),
    });
    assert.match(unknown.error ?? "", /is not an imported model the server holds; open the \.onnx file as CNN again/);
    const missing = await client.request<{ error?: string }>("cnnlens/saveImported", {
      uri: "cnnlens-onnx:/nowhere/net.onnx.cnn",
      target: pathToFileURL(join(dir, "net.cnn")).toString(),
    });
    assert.match(missing.error ?? "", /cannot read \/nowhere\/net\.onnx: no such file/);
    const notFile = await client.request<{ error?: string }>("cnnlens/saveImported", {
      uri: document,
      target: "untitled:net.cnn",
    });
    assert.match(notFile.error ?? "", /the file to save must be a file: URI/);
    mkdirSync(join(dir, "taken.safetensors"));
    const taken = await client.request<{ error?: string }>("cnnlens/saveImported", {
      uri: document,
      target: pathToFileURL(join(dir, "taken.cnn")).toString(),
    });
    assert.match(taken.error ?? "", /taken\.safetensors exists and is not a regular file/);
    assert.deepEqual(readdirSync(dir).sort(), [...before, "taken.safetensors"].sort());
  });

  it("answers other requests while a large model imports, and a cancelled import with RequestCancelled", async () => {
    // 12,000 residual units: seconds of importing, so the cancel below always comes before the import ends.
    const unit = "  repeat 6000 { residual { conv(4, 3, padding: 1) -> relu } }\n";
    const deep = analyze(`model Deep {\n  input(4, 6, 6)\n${unit}${unit}}\n`).models[0]!;
    const deepPath = join(dir, "deep.onnx");
    writeFileSync(deepPath, buildOnnx(deep, randomWeights(deep, 0), { outputs: "final" }));
    const source = new CancellationTokenSource();
    let settled = false;
    const importing = client.connection
      .sendRequest("cnnlens/importOnnx", { uri: pathToFileURL(deepPath).toString() }, source.token)
      .finally(() => (settled = true));
    // The import runs in a worker thread: the server answers a summary of another document meanwhile.
    const small = "file:///while-importing.cnn";
    await client.open(small, readRepoFile("examples/lenet5.cnn"));
    const summary = await client.request<{ tables: { model: string }[] } | null>("cnnlens/summary", { uri: small });
    assert.equal(summary?.tables[0]?.model, "LeNet5");
    assert.equal(settled, false, "the import is still running while the summary is answered");
    source.cancel();
    const error = await importing.then(
      () => assert.fail("a cancelled import must not answer a model"),
      (e: ResponseError<unknown>) => e,
    );
    assert.equal(error.code, LSPErrorCodes.RequestCancelled);
    // Nothing of the cancelled import is kept, and the next import runs in a thread of its own.
    const again = await client.request<Imported | { refusal: string }>("cnnlens/importOnnx", { uri: onnxUri });
    assert.ok(!("refusal" in again), "the server imports again after a cancel");
  });

  it("imports the file again for a closed document to save, and for a reopened one to simulate", async () => {
    await client.connection.sendNotification("textDocument/didClose", { textDocument: { uri: document } });
    const late = join(dir, "late.cnn");
    const saved = await client.request<{ cnn?: string; error?: string }>("cnnlens/saveImported", {
      uri: document,
      target: pathToFileURL(late).toString(),
    });
    assert.equal(saved.cnn, late);
    assert.ok(existsSync(join(dir, "late.safetensors")));
    // An editor that reopens the document (after a server restart) without importing still gets the file's weights.
    const imported = await client.request<Imported>("cnnlens/importOnnx", { uri: onnxUri, preview: true });
    await client.open(document, imported.text);
    const result = await client.request<{ view?: View }>("cnnlens/simulate", { uri: document });
    assert.equal(result.view?.randomWeights, false);
    assert.match(result.view?.weights ?? "", /the ONNX file's own weights/);
  });
});

describe("cnnlens/importOnnx of a file with symbolic sizes and external weights", () => {
  const client = new TestClient();
  const dir = mkdtempSync(join(tmpdir(), "cnnlens-open-onnx-"));
  const onnxPath = join(dir, "tiny net.onnx");
  const onnxUri = pathToFileURL(onnxPath).toString();
  // Conv(4, 3×3, pad 1) → Relu on [N, 3, H, W], its weight kept in weights.bin beside the model.
  const weight = Float32Array.from({ length: 4 * 3 * 3 * 3 }, (_, i) => Math.sin(i) * 0.3);
  const external = {
    name: "conv.weight",
    dims: [4, 3, 3, 3],
    data_type: 1,
    data_location: 1,
    external_data: [{ key: "location", value: "weights.bin" }],
  };
  const graph = convGraph({
    initializer: [external, floats("conv.bias", [4])],
    input: [valueInfo("x", ["N", 3, "H", "W"])],
    output: [valueInfo("y", ["N", 4, "H", "W"])],
  });
  before(async () => {
    writeFileSync(onnxPath, modelBytes(graph));
    writeFileSync(join(dir, "weights.bin"), new Uint8Array(weight.buffer));
    await client.initialize();
  });
  after(async () => {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("asks for the input shape, then keeps the weights under a document that names it", async () => {
    const refused = await client.request<{ refusal?: string; needsInputShape?: boolean }>("cnnlens/importOnnx", {
      uri: onnxUri,
    });
    assert.match(
      refused.refusal ?? "",
      /tiny net\.onnx: .*give its sizes after the batch with --input-shape, in the file's order: /,
    );
    // The client offers "Give the Input Shape…" on this flag, not on the sentence's words.
    assert.equal(refused.needsInputShape, true);
    const imported = await client.request<Imported>("cnnlens/importOnnx", { uri: onnxUri, inputShape: [3, 8, 8] });
    assert.equal(imported.document, importedDocumentUri(onnxUri, [3, 8, 8]));
    assert.match(imported.document, /^cnnlens-onnx:\/.*\/tiny%20net\.onnx\.cnn\?shape=3,8,8$/);
    assert.deepEqual(imported.input, [3, 8, 8]);
    assert.deepEqual(imported.outputs[0]?.shape, [4, 8, 8]);
    assert.equal(imported.tensors, 2);
  });

  it("simulates with the external weights as onnxruntime does, also when reopened without importing", async () => {
    const document = importedDocumentUri(onnxUri, [3, 8, 8]);
    const imported = await client.request<Imported>("cnnlens/importOnnx", { uri: onnxUri, inputShape: [3, 8, 8] });
    const x = seededInput([1, 3, 8, 8]);
    writeFileSync(join(dir, "x.npy"), npyFile(x));
    const session = await ort.InferenceSession.create(onnxPath);
    const y = (await session.run({ x: new ort.Tensor("float32", x.data, x.shape) }))["y"]!.data as Float32Array;
    const check = async () => {
      const result = await client.request<{ view?: View; error?: string }>("cnnlens/simulate", {
        uri: document,
        input: join(dir, "x.npy"),
      });
      assert.equal(result.error, undefined);
      const last = result.view!.layers[result.view!.layers.length - 1]!;
      const mean = y.reduce((s, v) => s + v, 0) / y.length;
      for (const [got, want] of [
        [last.mean, mean],
        [last.min, Math.min(...y)],
        [last.max, Math.max(...y)],
      ] as const)
        assert.ok(Math.abs(got - want) <= 1e-4, `${got} against onnxruntime's ${want}`);
    };
    await client.open(document, imported.text);
    await check();
    // Closed, then opened again by an editor that does not import (a restarted server): the URI's shape is used.
    await client.connection.sendNotification("textDocument/didClose", { textDocument: { uri: document } });
    await client.open(document, imported.text);
    await check();
  });
});

/** The simulated output's statistics and top-5 against onnxruntime's output of the original file. */
function assertOutputMatches(view: View, expected: Float32Array): void {
  const last = view.layers[view.layers.length - 1]!;
  const scale = expected.reduce((m, v) => Math.max(m, Math.abs(v)), 1);
  const close = (a: number, b: number, what: string) =>
    assert.ok(Math.abs(a - b) <= 1e-4 * scale, `${what}: ${a} against onnxruntime's ${b}`);
  const mean = expected.reduce((s, v) => s + v, 0) / expected.length;
  close(last.mean, mean, "mean");
  close(last.min, Math.min(...expected), "min");
  close(last.max, Math.max(...expected), "max");
  // The top-5 is a softmax of the output: every value of the output takes part in it.
  const top = Math.max(...expected);
  const exp = [...expected].map((v) => Math.exp(v - top));
  const sum = exp.reduce((s, v) => s + v, 0);
  const ranked = exp.map((e, index) => ({ index, probability: e / sum })).sort((a, b) => b.probability - a.probability);
  assert.deepEqual(
    view.top5.map((c) => c.index),
    ranked.slice(0, 5).map((c) => c.index),
  );
  view.top5.forEach((c, i) => close(c.probability, ranked[i]!.probability, `class ${c.index}`));
}

/** A seeded input in [-1, 1) (the same numbers for both runs). */
function seededInput(shape: number[]): { shape: number[]; data: Float32Array } {
  let s = 12345;
  const data = Float32Array.from({ length: shape.reduce((p, d) => p * d, 1) }, () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 30 - 1;
  });
  return { shape, data };
}
