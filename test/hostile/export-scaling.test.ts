// Exporting a file of many models takes time linear in the models (a quadratic step made 20,000 hang).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { exportCode, type CodeTarget } from "../../server/src/export/code.js";
import { LineIndex, lineOfOffset } from "../../server/src/export/source-lines.js";
import { analyze } from "../unit/helpers.js";

/** A file of `n` small models, each with a block use, so that every kind of definition grows. */
function manyModels(n: number): string {
  const models = Array.from({ length: n }, (_, i) => `model M${i} {\n  input(3, 8, 8)\n  B${i % 50}(4) -> relu\n}`);
  const blocks = Array.from({ length: 50 }, (_, i) => `block B${i}(c) {\n  conv(c, 3, padding: 1)\n}`);
  return [...blocks, ...models].join("\n");
}

/** The fastest of three exports, in milliseconds (the least disturbed by other work on the machine). */
function exportTime(target: CodeTarget, text: string): number {
  const analysis = analyze(text);
  let best = Infinity;
  for (let run = 0; run < 3; run++) {
    const start = performance.now();
    const result = exportCode(target, analysis, text);
    best = Math.min(best, performance.now() - start);
    assert.deepEqual(result.errors, []);
  }
  return best;
}

describe("export scaling", () => {
  for (const target of ["pytorch", "keras"] as const) {
    it(`${target}: 4× the models take under 6× the time (measured: 2.7× now, 8× and 17× before)`, () => {
      exportTime(target, manyModels(200)); // warm-up: the first export compiles the writers
      const small = exportTime(target, manyModels(1000));
      const large = exportTime(target, manyModels(4000));
      assert.ok(large < 6 * small, `1,000 models: ${small.toFixed(0)} ms; 4,000: ${large.toFixed(0)} ms`);
    });
  }
  it("line numbers come from one index of the line starts, equal to counting", () => {
    const text = "a\nbb\n\nccc\r\nd";
    const index = new LineIndex(text);
    for (let offset = 0; offset <= text.length; offset++) {
      assert.equal(index.line(offset), lineOfOffset(text, offset), `offset ${offset}`);
    }
  });
});
