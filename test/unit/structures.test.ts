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

describe("receptive fields through gate, mul and split", () => {
  const field = (body: string) => {
    const m = analyze(`model M {\n  input(8, 16, 16)\n  ${body}\n}`).models[0]!;
    return m.receptiveField;
  };
  it("a gate takes the larger field of its input and its body: global after a squeeze", () => {
    assert.equal(field("gate { adaptiveavgpool(1) -> conv(8, 1) -> sigmoid }")?.global, true);
    assert.deepEqual(field("gate { conv(1, 5, padding: 2) -> sigmoid }")?.size, [5, 5]);
  });
  it("mul takes the larger field of its branches", () => {
    assert.deepEqual(field("mul { branch { conv(8, 3, padding: 1) } branch { } }")?.size, [3, 3]);
  });
  it("split keeps the field, and its branches widen it as concat's do", () => {
    assert.deepEqual(field("split { branch { } branch { } }")?.size, [1, 1]);
    assert.deepEqual(field("split { branch { } branch { conv(4, 3, padding: 1) } }")?.size, [3, 3]);
  });
});

describe("the unused-result warning", () => {
  const warned = (lines: string[]) =>
    analyze(["model M {", "  input(3, 8, 8)", ...lines.map((l) => `  ${l}`), "}"].join("\n"))
      .diagnostics.filter((d) => d.code === "unused-result")
      .map((d) => d.span.start);
  it("is quiet for chains that are continued, used by label, or outputs", () => {
    assert.deepEqual(warned(["a: conv(4, 1)", "b: relu", "a -> relu", "concat(b)"]), []);
    assert.deepEqual(warned(["a: conv(4, 1)", "aux: relu", "a -> conv(2, 1)", "main: relu", "output(main, aux)"]), []);
  });
  it("warns where a chain's result is dropped, and for the last chain when output(…) names others", () => {
    assert.equal(warned(["a: conv(4, 1)", "relu", "a -> conv(2, 1)"]).length, 1);
    assert.equal(warned(["a: conv(4, 1)", "output(a)", "relu"]).length, 1);
  });
});
