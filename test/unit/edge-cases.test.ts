// Single-layer edge cases against PyTorch (golden data from scripts/golden/edge_cases.py).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { analyze, errors, FIRST_LAYER_LINE, lineOf, readJson, wrap } from "./helpers.js";

interface EdgeCase {
  id: string;
  input: number[];
  source: string;
  torch: string;
  expect: { outputShape: number[]; params: number; macs: number } | { error: string };
}

const { cases } = readJson<{ cases: EdgeCase[] }>("test/golden/edge-cases.json");

/** PyTorch's refusal, read from its own message, and the diagnostic code that says the same. */
const codeForTorchError: [RegExp, string][] = [
  [/Kernel size can't be greater than actual input size/, "kernel-too-large"],
  [/must be divisible by (num_)?groups/, "groups-mismatch"],
  [/Mismatch of parameter numbers and input channel size/, "argument-value"],
  [/Expected more than 1 (value per channel|spatial element)/, "single-value"],
  [/channel_shuffle expects input with > 2 dims/, "input-rank"],
  [/padding='same' is not supported for strided/, "same-stride"],
  [/pad should be at most half of kernel size/, "pool-padding"],
  [/Output size is too small/, "output-size"],
  [/output padding must be smaller than either stride or dilation/, "output-padding"],
  [/smaller than kernel size/, "kernel-too-large"],
  [/mode needs \dD input|Only 3D, 4D and 5D input Tensors supported/, "mode-rank"],
];

describe("single layers agree with PyTorch", () => {
  it("has the cases the issue asks for", () => {
    assert.ok(cases.length >= 60, `${cases.length} cases`);
    assert.ok(cases.filter((c) => "error" in c.expect).length >= 10, "error cases");
  });
  for (const c of cases) {
    it(`${c.id}: ${c.source}  (${c.torch})`, () => {
      const text = wrap(c.input, [c.source]);
      const analysis = analyze(text);
      const layer = analysis.models[0]!.layers[0]!;
      if ("error" in c.expect) {
        const found = errors(analysis);
        assert.ok(found.length > 0, `PyTorch says "${c.expect.error}" but the analysis found no error`);
        for (const e of found)
          assert.equal(lineOf(text, e.span.start), FIRST_LAYER_LINE, `error on the layer's line: ${e.message}`);
        const torchError = c.expect.error;
        const code = codeForTorchError.find(([pattern]) => pattern.test(torchError))?.[1];
        assert.ok(code, `no diagnostic code is known for PyTorch's "${torchError}": add it to codeForTorchError`);
        assert.deepEqual(
          found.map((e) => e.code),
          [code],
          "the diagnostic that says what PyTorch says",
        );
        // Some mistakes keep the shape for the layers after them (recovery), but no weights are invented.
        assert.equal(
          layer.params.trainable + layer.params.nonTrainable,
          0,
          "no parameters for a layer PyTorch refuses",
        );
        return;
      }
      assert.deepEqual(errors(analysis), []);
      // A chain (ConvNeXt's block) is compared as a whole: its output, total parameters and MACs.
      const layers = analysis.models[0]!.layers;
      const sum = (of: (l: (typeof layers)[number]) => number) => layers.reduce((n, l) => n + of(l), 0);
      assert.deepEqual(layers[layers.length - 1]!.outputShape, c.expect.outputShape, "output shape");
      assert.equal(
        sum((l) => l.params.trainable + l.params.nonTrainable),
        c.expect.params,
        "parameters",
      );
      assert.equal(
        sum((l) => l.macs),
        c.expect.macs,
        "MACs",
      );
    });
  }
});
