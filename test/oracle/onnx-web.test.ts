// The exported ONNX bytes give the same outputs in onnxruntime-node and onnxruntime-web (WebAssembly),
// the engine VS Code for the Web and macOS x64 would use.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as ortNode from "onnxruntime-node";
import * as ortWeb from "onnxruntime-web";
import { exportOnnx } from "../../server/src/export/onnx-export.js";
import { randomInput } from "../../server/src/simulation/inputs.js";
import { analyze, readRepoFile } from "../unit/helpers.js";

async function run(
  ort: typeof ortNode | typeof ortWeb,
  bytes: Uint8Array,
  input: { shape: number[]; data: Float32Array },
): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const out = await session.run({ input: new ort.Tensor("float32", input.data, input.shape) });
    return out["output"]!.data as Float32Array;
  } finally {
    await session.release();
  }
}

describe("onnxruntime-node and onnxruntime-web agree", () => {
  for (const example of ["lenet5", "resnet18", "keras_smallnet"]) {
    it(example, async () => {
      const analysis = analyze(readRepoFile(`examples/${example}.cnn`));
      const model = analysis.models[0]!;
      const { bytes } = await exportOnnx(analysis, undefined, { seed: 5 });
      const input = randomInput({ sample: model.input!, framework: model.framework, batch: 1, seed: 5 });
      ortWeb.env.wasm.numThreads = 1;
      const [a, b] = [await run(ortNode, bytes, input), await run(ortWeb, bytes, input)];
      assert.equal(a.length, b.length);
      let scale = 0;
      let worst = 0;
      for (let i = 0; i < a.length; i++) {
        scale = Math.max(scale, Math.abs(a[i]!));
        worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
      }
      assert.ok(scale > 0, "a non-trivial output");
      assert.ok(worst <= 1e-4 * scale, `largest difference ${worst} against outputs up to ${scale}`);
    });
  }
});
