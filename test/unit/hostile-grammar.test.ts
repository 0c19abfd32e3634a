// Expressions too long to walk: the grammar cuts an expression after MAX_NESTING operators with one error.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MAX_NESTING, parse } from "../../grammar/index.js";
import { generateMinusRun } from "../hostile/bombs.js";
import { analyze } from "./helpers.js";

const model = (lines: string[]) => `model M {\n  input(3, 8, 8)\n${lines.map((l) => `  ${l}`).join("\n")}\n}\n`;

describe("expressions with very many operators", () => {
  it("a 50,000-term expression gives one error instead of overflowing the stack", () => {
    const analysis = analyze(generateMinusRun(50_000));
    const nesting = analysis.diagnostics.filter((d) => d.code === "nesting");
    assert.equal(nesting.length, 1);
    assert.equal(
      nesting[0]!.message,
      `an expression with more than ${MAX_NESTING} operators: the rest of it is ignored; ` +
        `split it into block parameters`,
    );
    assert.equal(analysis.models[0]?.layers.length, 1, "the layer is still analysed");
  });
  it(`accepts ${MAX_NESTING} operators in one argument, and any number spread over arguments and lines`, () => {
    assert.deepEqual(parse(model([`dropout(0.5${" * 1".repeat(MAX_NESTING)})`])).errors, []);
    assert.deepEqual(parse(model(Array.from({ length: 200 }, () => "dropout(0.1 * 2)"))).errors, []);
    assert.deepEqual(
      parse(
        model([
          `conv(${Array.from({ length: 100 }, () => "1 + 1")
            .slice(0, 2)
            .join(", ")}, ${"(1 + ".repeat(40)}1${")".repeat(40)})`,
        ]),
      ).errors,
      [],
    );
    assert.equal(parse(model([`dropout(0.5${" * 1".repeat(MAX_NESTING + 1)})`])).errors[0]?.code, "nesting");
  });
  it("keeps the brackets balanced when it cuts inside them", () => {
    const cut = parse(model([`conv(4, 1${" + (1 - 1)".repeat(MAX_NESTING)}, padding: 0)`, "relu"]));
    assert.deepEqual(
      cut.errors.map((e) => e.code),
      ["nesting"],
    );
  });
});
