// Golden fixtures: each test/fixtures/NNNN_name.cnn against its expected analysis dump; UPDATE_GOLDEN=1 rewrites them.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { analyze, Codes } from "../../server/src/analysis/index.js";
import { dumpAnalysis } from "./analysis-dump.js";
import { repoRoot } from "./helpers.js";

const folder = join(repoRoot, "test", "fixtures");
const updating = process.env["UPDATE_GOLDEN"] === "1";
const sources = readdirSync(folder)
  .filter((f) => f.endsWith(".cnn"))
  .sort();
const expectedOf = (source: string) => source.replace(/\.cnn$/, ".expected.json");
const rewritten: string[] = [];
const REWRITE = "UPDATE_GOLDEN=1 node --test out/test/unit/fixtures.test.js";

describe("golden fixtures", () => {
  after(() => {
    if (!updating) return;
    const which = rewritten.length ? `: ${rewritten.join(", ")}` : "";
    console.log(`UPDATE_GOLDEN=1: rewrote ${rewritten.length} of ${sources.length} dumps${which}`);
  });

  for (const source of sources) {
    it(source, () => {
      const text = readFileSync(join(folder, source), "utf8");
      const dump = dumpAnalysis(text, analyze(text));
      const path = join(folder, expectedOf(source));
      const expected = existsSync(path) ? readFileSync(path, "utf8") : undefined;
      if (updating) {
        if (dump !== expected) {
          writeFileSync(path, dump);
          rewritten.push(expectedOf(source));
        }
        return;
      }
      assert.ok(expected !== undefined, `${expectedOf(source)} is missing: run ${REWRITE}`);
      assert.equal(dump, expected, `${source} differs from its dump: review; if it is right, run ${REWRITE}`);
    });
  }
});

describe("the fixture folder", () => {
  it("names each fixture NNNN_name.cnn with a unique number and opens it with a comment on what it shows", () => {
    const numbers = new Set<string>();
    for (const source of sources) {
      assert.match(source, /^\d{4}_[a-z0-9]+([_-][a-z0-9]+)*\.cnn$/, source);
      const number = source.slice(0, 4);
      assert.ok(!numbers.has(number), `${number} is used twice`);
      numbers.add(number);
      assert.match(readFileSync(join(folder, source), "utf8"), /^# \S/, `${source} starts with a '# …' line`);
    }
    assert.ok(sources.length >= 30, `${sources.length} fixtures`);
  });

  it("holds no dump without its .cnn file", () => {
    const dumps = readdirSync(folder).filter((f) => f.endsWith(".expected.json"));
    const orphans = dumps.filter((f) => !sources.includes(f.replace(/\.expected\.json$/, ".cnn")));
    assert.deepEqual(orphans, []);
  });

  it("gives every diagnostic code in at least one fixture's expected diagnostics", () => {
    const seen = new Set<string>();
    for (const source of sources) {
      const path = join(folder, expectedOf(source));
      if (!existsSync(path)) continue;
      const dump = JSON.parse(readFileSync(path, "utf8")) as { diagnostics: { code: string }[] };
      for (const d of dump.diagnostics) seen.add(d.code);
    }
    const missing = Object.keys(Codes).filter((code) => !seen.has(code));
    assert.deepEqual(missing, [], `no fixture shows ${missing.join(", ")}: add a fixture with that mistake`);
  });
});
