// The CLI's JSON is written a few lines at a time: the text must equal JSON.stringify(value, null, 2).
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { writeJsonLines } from "../../bin/json-lines.js";
import { toJson } from "../../server/src/report/json.js";
import { analyze, readRepoFile, repoRoot } from "./helpers.js";

function written(value: unknown): string {
  const lines: string[] = [];
  writeJsonLines(value, (text) => lines.push(text));
  return lines.join("\n");
}

describe("JSON written in lines", () => {
  it("equals JSON.stringify(…, null, 2) for every example's summary document", () => {
    for (const f of readdirSync(join(repoRoot, "examples")).filter((n) => n.endsWith(".cnn"))) {
      const text = readRepoFile(`examples/${f}`);
      const doc = toJson(analyze(text), text);
      assert.equal(written(doc), JSON.stringify(doc, null, 2), f);
    }
  });

  it("leaves out what JSON.stringify leaves out, and writes what it writes for odd values", () => {
    const odd = {
      empty: { list: [], object: {}, nested: [[], {}] },
      gone: undefined,
      fn: () => 1,
      list: [undefined, () => 2, Number.NaN, -0, Infinity, "line\nbreak", { deep: { deeper: { deepest: [1, 2] } } }],
      text: 'quote " and \\ backslash',
    };
    assert.equal(written(odd), JSON.stringify(odd, null, 2));
    for (const v of [null, 3, "s", [], {}]) assert.equal(written(v), JSON.stringify(v, null, 2));
  });

  it("writes a large document in many calls, none of them holding it whole", () => {
    const doc = { models: [{ layers: Array.from({ length: 20_000 }, (_, i) => ({ name: `relu${i}`, shape: [8] })) }] };
    const calls: string[] = [];
    writeJsonLines(doc, (text) => calls.push(text));
    const whole = JSON.stringify(doc, null, 2);
    assert.equal(calls.join("\n"), whole);
    assert.ok(calls.length > 10 && Math.max(...calls.map((c) => c.length)) < whole.length / 10);
  });
});
