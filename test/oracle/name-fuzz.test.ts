// Fuzz: random models named with Python's, PyTorch's, Keras' and the writers' own names, exported and run.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Analysis, Shape } from "../../server/src/analysis/index.js";
import { exportKeras } from "../../server/src/export/keras.js";
import { pyGlobal } from "../../server/src/codegen/names.js";
import { exportPyTorch } from "../../server/src/export/pytorch.js";
import { analyze } from "../unit/helpers.js";
import { random, randomModel } from "./name-fuzz-models.js";
import {
  differsFromSimulation,
  kerasShapes,
  runPythonAsync,
  torchMissing,
  torchPath,
  type KerasJob,
  type KerasResult,
  type TorchJob,
  type TorchResult,
} from "./python-oracle.js";

const CASES = Number(process.env["FUZZ_CASES"] ?? 2000);
const FIXED_SEED = 20261202;
// A seed that changes every day, printed so that a failure can be run again with FUZZ_SEED=<seed>.
const ROTATING = Number(process.env["FUZZ_SEED"] ?? Math.floor(Date.now() / 86_400_000));
const SAMPLE_EVERY = 50;

interface Case {
  id: string;
  text: string;
  analysis: Analysis;
  torch?: TorchJob;
  keras?: KerasJob;
  output?: Shape;
}

function makeCases(seed: number, count: number): Case[] {
  const next = random(seed);
  return Array.from({ length: count }, (_, n) => {
    const text = randomModel(next);
    return { id: `seed ${seed} case ${n}`, text, analysis: analyze(text) };
  });
}

const title = `export fuzz with hostile names (seeds ${FIXED_SEED} and ${ROTATING}; rerun one with FUZZ_SEED=…)`;

describe(title, { skip: torchMissing }, () => {
  const dir = mkdtempSync(join(tmpdir(), "cnnlens-fuzz-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const half = Math.ceil(CASES / 2);
  const cases = [...makeCases(FIXED_SEED, half), ...makeCases(ROTATING, CASES - half)];
  let torch = new Map<string, TorchResult>();
  let keras = new Map<string, KerasResult>();
  const refused: Case[] = [];

  before(async () => {
    cases.forEach((c, n) => {
      const errors = c.analysis.diagnostics.filter((d) => d.severity === "error");
      if (errors.length) {
        refused.push(c);
        return;
      }
      const m = c.analysis.models[0]!;
      const t = exportPyTorch(c.analysis, c.text);
      const k = exportKeras(c.analysis, c.text);
      assert.deepEqual([...t.errors, ...k.errors], [], `${c.id}\n${c.text}`);
      const save = n % SAMPLE_EVERY === 0 ? { save: join(dir, `case${n}`) } : {};
      const layers = m.layers.map((l) => torchPath(l.name));
      c.torch = { id: c.id, code: t.code, class: pyGlobal(m.name), input: m.input!, batch: 1, layers, ...save };
      c.keras = { id: c.id, code: k.code, function: pyGlobal(m.name), shapes: kerasShapes(c.analysis, m.name) };
      c.output = m.output!;
    });
    const torchJobs = cases.flatMap((c) => (c.torch ? [c.torch] : []));
    const kerasJobs = cases.flatMap((c) => (c.keras ? [c.keras] : []));
    // Two PyTorch processes (one per core) and one for the Keras stand-in, each importing its framework once.
    const mid = Math.ceil(torchJobs.length / 2);
    const [a, b, k] = await Promise.all([
      runPythonAsync<TorchJob, TorchResult>("run_pytorch.py", torchJobs.slice(0, mid), dir),
      runPythonAsync<TorchJob, TorchResult>("run_pytorch.py", torchJobs.slice(mid), dir),
      runPythonAsync<KerasJob, KerasResult>("run_keras_stub.py", kerasJobs, dir),
    ]);
    torch = new Map([...a, ...b]);
    keras = k;
  });

  it(`${CASES} cases: mostly exported; a refused one is only ever a name the analysis reports`, () => {
    for (const c of refused) {
      const codes = new Set(c.analysis.diagnostics.filter((d) => d.severity === "error").map((d) => d.code));
      assert.deepEqual([...codes], ["name-collision"], `${c.id}\n${c.text}`);
    }
    assert.ok(refused.length < CASES / 4, `${refused.length} of ${CASES} refused`);
  });

  it("every exported PyTorch file runs: each layer its own module, the model's output shape", () => {
    for (const c of cases.filter((x) => x.torch)) {
      const r = torch.get(c.id)!;
      assert.equal(r.error, undefined, `${c.id}\n${c.text}\n${r.error}`);
      assert.deepEqual(r.missing, [], c.id);
      assert.equal(new Set(c.torch!.layers).size, c.torch!.layers.length, `${c.id}: two layers share a module path`);
      assert.deepEqual(r.output, c.output, c.id);
    }
  });

  it("every exported Keras file builds, with unique layer names and the model's output shape", () => {
    for (const c of cases.filter((x) => x.keras)) {
      const r = keras.get(c.id)!;
      assert.equal(r.error, undefined, `${c.id}\n${c.text}\n${r.error}`);
      const o = c.output!;
      assert.deepEqual(r.output, [...o.slice(1), o[0]!], c.id);
    }
  });

  it(`one case in ${SAMPLE_EVERY}: PyTorch computes what the simulation computes`, async () => {
    let compared = 0;
    for (const c of cases.filter((x) => x.torch?.save)) {
      const model = c.analysis.models[0]!.name;
      const problem = await differsFromSimulation(c.analysis, model, c.torch!.save!, torch.get(c.id)!);
      assert.equal(problem, undefined, `${c.id}\n${c.text}`);
      compared++;
    }
    assert.ok(compared >= CASES / SAMPLE_EVERY / 2, `${compared} compared`);
  });
});
