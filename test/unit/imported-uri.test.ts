// The virtual documents' URIs (server/src/protocol.ts): an .onnx file and an input shape there and back, for names
// with spaces, escapes and URI punctuation; anything else names no file.
import assert from "node:assert/strict";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, it } from "node:test";
import { importedDocumentUri, onnxOfImported } from "../../server/src/protocol.js";

describe("importedDocumentUri and onnxOfImported", () => {
  it("go there and back for hostile file names, with and without a shape", () => {
    for (const name of ["net.onnx", "my net.onnx", "a#b?c.onnx", "100%.onnx", "é ü.onnx", "x.onnx.cnn.onnx"]) {
      const file = pathToFileURL(`/models/${name}`).toString();
      for (const shape of [undefined, [3, 224, 224]]) {
        const document = importedDocumentUri(file, shape);
        assert.match(document, /^cnnlens-onnx:\/models\/[^?#]*\.onnx\.cnn(\?shape=3,224,224)?$/, name);
        const back = onnxOfImported(document);
        assert.ok(back, document);
        assert.equal(fileURLToPath(back.uri), `/models/${name}`);
        assert.deepEqual(back.inputShape, shape);
      }
    }
  });

  it("reads a shape whose commas an editor escaped, and leaves out one that does not parse", () => {
    assert.deepEqual(onnxOfImported("cnnlens-onnx:/m/n.onnx.cnn?shape%3D3%2C8%2C8")?.inputShape, [3, 8, 8]);
    assert.deepEqual(onnxOfImported("cnnlens-onnx:/m/n.onnx.cnn?shape=3,x")?.inputShape, undefined);
    assert.deepEqual(onnxOfImported("cnnlens-onnx:/m/n.onnx.cnn?%E0%A4%A")?.uri, "file:///m/n.onnx");
  });

  it("names no file for other schemes and for paths without the .cnn ending", () => {
    for (const uri of [
      "file:///m/n.onnx.cnn",
      "cnnlens-onnx:/m/n.onnx",
      "cnnlens-onnx:relative.onnx.cnn",
      "untitled:x",
    ])
      assert.equal(onnxOfImported(uri), undefined, uri);
  });
});
