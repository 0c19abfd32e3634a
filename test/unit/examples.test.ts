// Every example network against torchvision (golden data from scripts/golden/examples.py).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { analyze, readJson, readRepoFile, errors } from "./helpers.js";

interface GoldenLayer {
  module: string;
  kind: string;
  inputShape: number[];
  outputShape: number[];
  params: number;
  macs: number;
}
interface GoldenModel {
  model: string;
  input: number[];
  output: number[];
  /** Every output, in order (GoogLeNet's aux heads: logits, aux2, aux1). */
  outputs: number[][];
  params: { total: number; trainable: number };
  macs: number;
  layers: GoldenLayer[];
}

const index = readJson<Record<string, string>>("test/golden/examples/index.json");

// torchvision calls flatten, some activations and final pools as functions, so hooks see only modules;
// every kind below is a module in every torchvision model, and so is compared one to one, in order.
const compared = new Set(["conv", "convtranspose", "batchnorm", "layernorm", "dense", "maxpool", "avgpool"]);

describe("examples equal torchvision", () => {
  for (const [name, path] of Object.entries(index)) {
    it(name, () => {
      const golden = readJson<GoldenModel>(`test/golden/examples/${name}.json`);
      const analysis = analyze(readRepoFile(path));
      assert.deepEqual(errors(analysis), [], "no errors");
      const model = analysis.models[0]!;
      assert.deepEqual(model.input, golden.input);
      assert.deepEqual(model.output, golden.output);
      assert.deepEqual(
        model.outputs.map((o) => o.shape),
        golden.outputs,
        "every output",
      );
      assert.equal(model.params.total, golden.params.total, "total parameters");
      assert.equal(model.params.trainable, golden.params.trainable, "trainable parameters");
      assert.equal(model.macs, golden.macs, "MACs");
      const ours = model.layers.filter((l) => compared.has(l.kind));
      const theirs = golden.layers.filter((l) => compared.has(l.kind));
      assert.equal(ours.length, theirs.length, "number of conv/pool/batchnorm/dense layers");
      theirs.forEach((g, i) => {
        const l = ours[i]!;
        const where = `${l.name} vs torch ${g.module}`;
        assert.equal(l.kind, g.kind, where);
        assert.deepEqual(l.inputShape, g.inputShape, `${where}: input shape`);
        assert.deepEqual(l.outputShape, g.outputShape, `${where}: output shape`);
        assert.equal(l.params.trainable + l.params.nonTrainable, g.params, `${where}: parameters`);
        assert.equal(l.macs, g.macs, `${where}: MACs`);
        // A file written with torchvision's names has torchvision's module names too.
        if (name.endsWith("_torchvision")) assert.equal(l.name, g.module, `${where}: name`);
      });
    });
  }
});
