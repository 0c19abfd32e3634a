// gate, mul, split, several inputs and outputs, three ways on the same weights and inputs: the reference
// nn.Module of scripts/golden/structures.py (torchvision's SqueezeExcitation among them), the simulation on
// ONNX Runtime, and the exported PyTorch module (loaded with the reference's state_dict, strict). Every output
// agrees to 1e-4 of its largest value; the exported ONNX file passes onnx.checker.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { exportOnnx } from "../../server/src/export/onnx-export.js";
import { exportPyTorch } from "../../server/src/export/pytorch.js";
import { simulate } from "../../server/src/simulation/simulate.js";
import type { FloatTensor } from "../../server/src/onnx/tensors.js";
import { analyze, repoRoot } from "../unit/helpers.js";
import { structureCases, structureSource } from "../unit/structure-cases.js";

const PYTHON = "/usr/bin/python3";
const torchMissing =
  spawnSync(PYTHON, ["-c", "import torch, torchvision, onnx"]).status !== 0 &&
  "Debian's PyTorch (with torchvision and onnx) is missing: apt-get install -y python3-torch python3-torchvision";

interface Flat {
  shape: number[];
  data: number[];
}
interface Result {
  id: string;
  error?: string;
  inputs: Flat[];
  reference: Flat[];
  exported: Flat[];
}

const runnable = structureCases.filter((c) => !("error" in c.expect));

function close(ours: ArrayLike<number>, theirs: Flat, what: string): void {
  assert.equal(ours.length, theirs.data.length, `${what}: value count`);
  const scale = Math.max(...theirs.data.map(Math.abs), 1e-6);
  for (let i = 0; i < ours.length; i++) {
    const diff = Math.abs(ours[i]! - theirs.data[i]!);
    assert.ok(diff <= 1e-4 * scale, `${what}[${i}]: ${ours[i]} vs PyTorch ${theirs.data[i]}`);
  }
}

describe("structures: simulation = PyTorch = exported PyTorch", { skip: torchMissing }, () => {
  const dir = mkdtempSync(join(tmpdir(), "cnnlens-structures-"));
  const results = new Map<string, Result>();
  after(() => rmSync(dir, { recursive: true, force: true }));
  before(() => {
    const jobs = runnable.map((c) => {
      const text = structureSource(c);
      const { code, errors } = exportPyTorch(analyze(text), text, { fileName: `${c.id}.cnn` });
      assert.deepEqual(errors, [], c.id);
      return {
        id: c.id,
        torch: c.torch,
        code,
        class: "M",
        inputs: c.inputs.map((i) => i.shape),
        save: join(dir, c.id),
      };
    });
    const run = spawnSync(PYTHON, [join(repoRoot, "test/export/run_structures.py")], {
      input: JSON.stringify(jobs),
      encoding: "utf8",
      maxBuffer: 1 << 28,
    });
    assert.equal(run.status, 0, run.stderr);
    for (const r of JSON.parse(run.stdout) as Result[]) results.set(r.id, r);
  });

  for (const c of runnable) {
    it(c.id, async () => {
      const r = results.get(c.id)!;
      assert.equal(r.error, undefined, r.error);
      const analysis = analyze(structureSource(c));
      const tensor = (f: Flat): FloatTensor => ({ shape: f.shape, data: Float32Array.from(f.data) });
      const others = new Map(c.inputs.slice(1).map((one, i) => [one.label!, tensor(r.inputs[i + 1]!)]));
      const report = await simulate(analysis, undefined, {
        weights: join(dir, `${c.id}.safetensors`),
        input: tensor(r.inputs[0]!),
        otherInputs: others,
        repeats: 0,
      });
      assert.equal(report.outputs.length, r.reference.length, "output count");
      report.outputs.forEach((o, i) => {
        assert.deepEqual(o.tensor.shape, r.reference[i]!.shape, `output ${o.name}: shape`);
        close(o.tensor.data, r.reference[i]!, `simulated ${o.name}`);
        close(Float32Array.from(r.exported[i]!.data), r.reference[i]!, `exported PyTorch ${o.name}`);
      });
    });
  }

  const onnxTitle =
    "exports each as ONNX that onnx.checker accepts, a graph input and output per model input and output";
  it(onnxTitle, async () => {
    const files = await Promise.all(
      runnable.map(async (c) => {
        const { bytes } = await exportOnnx(analyze(structureSource(c)), undefined, {});
        const path = join(dir, `${c.id}.onnx`);
        writeFileSync(path, bytes);
        return { path, inputs: c.inputs.length, outputs: (c.expect as { outputs: unknown[] }).outputs.length };
      }),
    );
    const script =
      "import json, sys, onnx\n" +
      "for f in json.load(sys.stdin):\n" +
      "    m = onnx.load(f['path'])\n" +
      "    onnx.checker.check_model(m, full_check=True)\n" +
      "    assert len(m.graph.input) == f['inputs'] and len(m.graph.output) == f['outputs'], f\n";
    const run = spawnSync(PYTHON, ["-c", script], { input: JSON.stringify(files), encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
  });
});
