// Keras files against Keras (TF.js layers): single layers and the Keras examples, from scripts/golden/keras_cases.mjs.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { analyze, errors, FIRST_LAYER_LINE, lineOf, readJson, readRepoFile, wrap } from "./helpers.js";

interface Counts {
  trainable: number;
  nonTrainable: number;
}
type Built = ({ outputShape: number[] } & Counts) | { error: string };
interface KerasCase {
  id: string;
  input: number[];
  source: string;
  tfjs: string | null;
  expect: Built | { unavailable: string };
  /** Where TF.js follows an older Keras: Keras 3's result, which the test asserts, and why. */
  keras3?: { expect: Built; reason: string };
}
interface KerasExample {
  file: string;
  layers: ({ name: string; tfjs: string; outputShape: number[] } & Counts)[];
}

const { cases } = readJson<{ cases: KerasCase[] }>("test/golden/keras/edge-cases.json");
const { examples } = readJson<{ examples: KerasExample[] }>("test/golden/keras/examples.json");

describe("single layers in keras files agree with Keras (TF.js layers)", () => {
  it("has the cases the issue asks for", () => {
    const built = cases.filter((c) => !("unavailable" in c.expect));
    assert.ok(built.length >= 60, `${built.length} cases built in TF.js`);
    assert.ok(built.filter((c) => "error" in c.expect).length >= 5, "refusals");
  });
  for (const c of cases) {
    const title = `${c.id}: ${c.source}  (${c.tfjs ?? "not in TF.js"})`;
    if ("unavailable" in c.expect) {
      it(title, { skip: c.expect.unavailable }, () => undefined);
      continue;
    }
    const expect = c.keras3?.expect ?? c.expect;
    it(c.keras3 ? `${title}; Keras 3, not TF.js: ${c.keras3.reason}` : title, () => {
      const text = wrap(c.input, [c.source], "keras");
      const analysis = analyze(text);
      const layer = analysis.models[0]!.layers[0]!;
      if ("error" in expect) {
        const found = errors(analysis);
        assert.ok(found.length > 0, `Keras (TF.js) refuses it ("${expect.error}") but the analysis found no error`);
        for (const e of found)
          assert.equal(lineOf(text, e.span.start), FIRST_LAYER_LINE, `error on the layer's line: ${e.message}`);
        assert.equal(layer.params.trainable + layer.params.nonTrainable, 0, "no parameters for a layer Keras refuses");
        return;
      }
      assert.deepEqual(errors(analysis), []);
      assert.deepEqual(layer.outputShape, expect.outputShape, "output shape");
      assert.deepEqual(
        layer.params,
        { trainable: expect.trainable, nonTrainable: expect.nonTrainable },
        "trainable and non-trainable parameters",
      );
    });
  }
});

describe("the Keras examples agree with Keras (TF.js layers), layer by layer", () => {
  for (const ex of examples) {
    it(ex.file, () => {
      const analysis = analyze(readRepoFile(ex.file));
      assert.deepEqual(errors(analysis), []);
      const layers = analysis.models[0]!.layers;
      assert.deepEqual(
        layers.map((l) => l.name),
        ex.layers.map((l) => l.name),
        "the same layers in the same order",
      );
      for (const [i, want] of ex.layers.entries()) {
        const got = layers[i]!;
        assert.deepEqual(got.outputShape, want.outputShape, `${want.name} (${want.tfjs}): output shape`);
        assert.deepEqual(
          got.params,
          { trainable: want.trainable, nonTrainable: want.nonTrainable },
          `${want.name} (${want.tfjs}): parameters`,
        );
      }
    });
  }
});
