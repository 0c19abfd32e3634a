// Names from an ONNX file reach the .cnn text only through LabelNames: whatever they hold, the written file
// analyses without errors, every label is distinct, and no label can be read as a layer or an automatic name.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { importOnnx } from "../../server/src/import/import-onnx.js";
import { LabelNames } from "../../server/src/import/names.js";
import { analyze, errors } from "./helpers.js";
import { convGraph, modelBytes, node, valueInfo } from "./import-onnx-builder.js";

const HOSTILE = [
  'a"b',
  "line\nbreak",
  "layer1.0.relu",
  "layer1_0_relu",
  "relu",
  "conv3",
  "input",
  "",
  "#3",
  "ü-ñ",
  "repeat1",
  "x } model Evil { input(1)",
  "tab\there",
  "back\\slash",
];

describe("import names", () => {
  it("makes distinct labels that the language reads, from any name", () => {
    const names = new LabelNames();
    const labels = HOSTILE.map((h) => names.label(h));
    assert.equal(new Set(labels.map((l) => l.toLowerCase())).size, labels.length);
    for (const l of labels) assert.match(l, /^([A-Za-z_][A-Za-z0-9_]*|"[^".\s\\"]+")$/);
    assert.ok(!labels.includes("relu") && !labels.includes("conv3") && !labels.includes("repeat1"));
  });

  it("writes a file that analyses without errors when every node and tensor name is hostile", () => {
    const outputs = HOSTILE.map((h, i) => `${h}#out${i}`);
    const bytes = modelBytes({
      name: 'evil" model',
      node: HOSTILE.map((h, i) => node(i % 2 ? "Relu" : "Sigmoid", ["in put"], [outputs[i]!], [], h)),
      initializer: [],
      input: [valueInfo("in put", [1, 2, 4, 4])],
      output: outputs.map((o) => valueInfo(o, [1, 2, 4, 4])),
    });
    const result = importOnnx(bytes, { fileName: "evil\nmodel Other { input(1) }\n.onnx" });
    if ("refusal" in result) assert.fail(result.refusal);
    const analysis = analyze(result.text);
    assert.deepEqual(errors(analysis), []);
    assert.equal(analysis.models.length, 1);
    assert.equal(analysis.models[0]!.outputs.length, HOSTILE.length);
  });

  it("names the model after a file called like a keyword (model.onnx, the default) with a word that is not one", () => {
    for (const fileName of [undefined, "block.onnx", "Model.onnx"]) {
      const bytes = modelBytes({
        name: "torch_jit",
        node: [node("Relu", ["x"], ["y"])],
        input: [valueInfo("x", [1, 2, 4, 4])],
        output: [valueInfo("y", [1, 2, 4, 4])],
      });
      const result = importOnnx(bytes, fileName ? { fileName } : {});
      if ("refusal" in result) assert.fail(result.refusal);
      assert.deepEqual(errors(analyze(result.text)), [], result.text);
    }
    assert.equal((importOnnx(modelBytes(convGraph({ name: "model" }))) as { model: string }).model, "model_");
  });
});
