// gate, mul, split, several inputs and outputs against PyTorch (golden data from scripts/golden/structures.py).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parameterSpecs } from "../../server/src/layers/index.js";
import { analyze, errors } from "./helpers.js";
import { structureCases, structureSource } from "./structure-cases.js";

/** PyTorch's refusal, read from its own message, and the diagnostic code that says the same. */
const codeForTorchError: [RegExp, string][] = [
  [/must match the size of tensor/, "broadcast-mismatch"],
  [/split_with_sizes expects split_sizes to sum exactly/, "split-mismatch"],
];

describe("structures agree with PyTorch", () => {
  it("has cases for each structure and refusals", () => {
    for (const prefix of ["gate-", "mul-", "split-", "two-"])
      assert.ok(structureCases.filter((c) => c.id.startsWith(prefix)).length >= 2, prefix);
    assert.ok(structureCases.filter((c) => "error" in c.expect).length >= 4, "refusals");
  });
  for (const c of structureCases) {
    it(c.id, () => {
      const analysis = analyze(structureSource(c));
      const model = analysis.models[0]!;
      if ("error" in c.expect) {
        const torchError = c.expect.error;
        const code = codeForTorchError.find(([pattern]) => pattern.test(torchError))?.[1];
        assert.ok(code, `no diagnostic code is known for PyTorch's "${torchError}"`);
        assert.deepEqual(
          errors(analysis).map((e) => e.code),
          [code],
          `PyTorch says "${torchError}"`,
        );
        return;
      }
      assert.deepEqual(errors(analysis), []);
      const warnings = analysis.diagnostics.filter((d) => d.severity === "warning");
      assert.deepEqual(warnings, [], "no warnings");
      assert.deepEqual(
        model.outputs.map((o) => o.shape),
        c.expect.outputs,
        "every output's shape, in order",
      );
      assert.deepEqual(model.output, c.expect.outputs[0], "output is the first output's shape");
      assert.equal(model.params.total, c.expect.params, "parameters");
      const keys = parameterSpecs(model).map((s) => s.name);
      assert.deepEqual([...keys].sort(), [...c.expect.keys].sort(), "state_dict keys");
    });
  }
});
