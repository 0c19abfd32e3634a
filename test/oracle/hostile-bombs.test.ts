// Issue 10: bombs run in a child process, which must end quickly, with the sentence, and a small peak RSS.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, describe, it } from "node:test";
import { BASELINE_ALLOWANCE } from "../../server/src/simulation/memory-budget.js";
import { writeBombs } from "../hostile/bombs-files.js";
import { readRepoFile, repoRoot, wrap } from "../unit/helpers.js";

const dir = mkdtempSync(join(tmpdir(), "cnnlens-bombs-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const bombs = writeBombs(dir);
const MIB = 1024 ** 2;
/** A refusal must come before any big allocation: node itself takes about 50 MiB. */
const REFUSAL_PEAK = 200 * MIB;
const TIME_LIMIT_MS = 20_000;

const compiled = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const CHILD = `
const { readFileSync } = await import("node:fs");
const { analyze } = await import(${JSON.stringify(compiled("server/src/analysis/index.js"))});
const { simulate } = await import(${JSON.stringify(compiled("server/src/simulation/simulate.js"))});
const [source, options] = process.argv.slice(1);
const hwm = () => Number(/VmHWM:\\s+(\\d+)/.exec(readFileSync("/proc/self/status", "utf8"))[1]) * 1024;
try {
  const report = await simulate(analyze(source), undefined, { repeats: 1, ...JSON.parse(options) });
  console.log(JSON.stringify({ estimate: report.memory.peak, peak: hwm() }));
} catch (err) {
  console.log(JSON.stringify({ name: err.name, message: err.message, peak: hwm() }));
}
`;

interface ChildResult {
  name?: string;
  message?: string;
  estimate?: number;
  peak: number;
  ms: number;
}

/** Simulates `source` with `options` in a fresh node process; kills it after the time limit. */
function simulateInChild(source: string, options: object): ChildResult {
  const start = performance.now();
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", CHILD, source, JSON.stringify(options)], {
    encoding: "utf8",
    timeout: TIME_LIMIT_MS * 2,
  });
  const ms = performance.now() - start;
  assert.equal(
    child.status,
    0,
    `the child ended with ${child.status ?? child.signal} after ${ms.toFixed(0)} ms: ${child.stderr}`,
  );
  return { ...(JSON.parse(child.stdout.trim().split("\n").pop()!) as Omit<ChildResult, "ms">), ms };
}

const PICTURE_MODEL = wrap([3, 8, 8], ["conv(4, 3)"]);

describe("bombs end quickly, with the sentence, in bounded memory", () => {
  const cases: [string, object, RegExp][] = [
    [
      "a 138-byte PNG claiming 20000×20000",
      { input: join(repoRoot, "test/hostile/corpus/png-claims-20000x20000.png") },
      /png-claims-20000x20000\.png: the picture is 20000×20000 pixels; decoding it would take about 14\.9 GiB/,
    ],
    [
      "a 1×100,000,000 grayscale PNG",
      { input: bombs.tallPng },
      /tall\.png: the picture is 1×100000000 pixels; decoding it would take about 22\.4 GiB/,
    ],
    [
      "an interlaced PNG whose data inflates to 64 MiB",
      { input: bombs.inflateBombPng },
      new RegExp(
        String.raw`interlaced-bomb\.png: is not a readable PNG image: ` +
          String.raw`its compressed data inflates to more than the \d+ bytes a 512×512 picture holds`,
      ),
    ],
    [
      "a 1.8 GB .npy (its batch is refused from the header)",
      { input: bombs.bigNpy },
      /^simulating Case with batch 2400000 needs about [\d.]+ MiB at its peak/,
    ],
    [
      "a link to /dev/zero as weights",
      { weights: bombs.devZero },
      /^cannot read .*zero\.safetensors: is not a regular file \(it is a device\)/,
    ],
    [
      "a FIFO as the input",
      { input: bombs.fifo },
      /^cannot read .*fifo\.npy: is not a regular file \(it is a FIFO \(named pipe\)\)/,
    ],
  ];
  for (const [name, options, message] of cases) {
    it(name, (t) => {
      const r = simulateInChild(PICTURE_MODEL, options);
      t.diagnostic(`${r.ms.toFixed(0)} ms, peak RSS ${(r.peak / MIB).toFixed(0)} MiB: ${r.message}`);
      assert.match(r.message ?? "(no error)", message);
      assert.ok(r.ms < TIME_LIMIT_MS, `${r.ms.toFixed(0)} ms`);
      assert.ok(r.peak < REFUSAL_PEAK, `peak RSS ${(r.peak / MIB).toFixed(0)} MiB`);
    });
  }
  it("a model the budget admits stays within the estimate plus the stated allowance (ResNet-18, batch 2)", (t) => {
    const r = simulateInChild(readRepoFile("examples/resnet18.cnn"), { batch: 2 });
    t.diagnostic(`peak RSS ${(r.peak / MIB).toFixed(0)} MiB, estimate ${(r.estimate! / MIB).toFixed(0)} MiB`);
    assert.equal(r.message, undefined);
    assert.ok(
      r.peak <= r.estimate! + BASELINE_ALLOWANCE,
      `peak ${(r.peak / MIB).toFixed(0)} MiB, estimate ${(r.estimate! / MIB).toFixed(0)} MiB`,
    );
  });
});
