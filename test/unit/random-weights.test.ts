// Random weights: every tensor drawn from its own stream, however the draws are scheduled (two streams run side
// by side in one loop, Random.fillUniformPair), so a seed gives the same weights as one stream at a time.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { analyze } from "../../server/src/analysis/index.js";
import { parameterSpecs } from "../../server/src/layers/index.js";
import { volume } from "../../server/src/onnx/tensors.js";
import { Random } from "../../server/src/simulation/random.js";
import { randomWeights } from "../../server/src/simulation/weights.js";
import { readRepoFile } from "./helpers.js";

describe("random weights", () => {
  it("draw two streams side by side exactly as one at a time, whichever is longer", () => {
    for (const [n, m] of [
      [0, 5],
      [7, 7],
      [1000, 3],
      [3, 1000],
    ] as const) {
      const [x, y] = Random.fillUniformPair(
        { random: new Random(3, "x"), n, low: -1, high: 1 },
        { random: new Random(3, "y"), n: m, low: 0, high: 0.5 },
      );
      assert.deepEqual(x, new Random(3, "x").fillUniform(n, -1, 1), `${n}, ${m}: the first`);
      assert.deepEqual(y, new Random(3, "y").fillUniform(m, 0, 0.5), `${n}, ${m}: the second`);
    }
  });

  it("give each PyTorch and Keras tensor its own stream's numbers", () => {
    for (const file of ["examples/resnet18.cnn", "examples/keras_smallnet.cnn"]) {
      const model = analyze(readRepoFile(file)).models[0]!;
      const weights = randomWeights(model, 11);
      let drawn = 0;
      for (const spec of parameterSpecs(model)) {
        const data = weights.get(spec.name)!.data;
        assert.equal(data.length, volume(spec.shape), spec.name);
        const constant = data.length > 1 && data.every((v) => v === data[0]);
        if (constant) continue;
        // The framework's default bound (kaiming_uniform's 1/√fan_in, glorot_uniform's √(6/(fan_in + fan_out))).
        const bound =
          model.framework === "keras" ? Math.sqrt(6 / (spec.fanIn + spec.fanOut)) : 1 / Math.sqrt(spec.fanIn);
        assert.deepEqual(data, new Random(11, spec.name).fillUniform(data.length, -bound, bound), spec.name);
        drawn++;
      }
      // ResNet-18's convs and dense layer, weights and biases; the Keras file's kernels (its biases start at 0).
      assert.ok(drawn >= 3, `${file}: ${drawn} drawn tensors`);
    }
  });
});
