// Every PyTorch example, three ways at once: the exported nn.Module runs in Debian PyTorch with its own
// random weights; the simulation loads that state_dict (as safetensors) and the same input; every layer's
// output agrees with PyTorch's to 1e-4 of the layer's largest value.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { exportPyTorch } from "../../server/src/export/pytorch.js";
import { simulate } from "../../server/src/simulation/simulate.js";
import { analyze, readJson, readRepoFile, repoRoot } from "../unit/helpers.js";

const PYTHON = "/usr/bin/python3";
const torchMissing =
  spawnSync(PYTHON, ["-c", "import torch, numpy"]).status !== 0 &&
  "Debian's PyTorch is missing: apt-get install -y python3-torch";
// Besides the examples, export cases of layers that have no example yet (issue 12's kinds: norms, PReLU, layer
// scale, shuffle, stochastic depth in blocks and repeats; LayerNorm2d, Permute, ResizeLike).
const examples = [
  ...Object.entries(readJson<Record<string, string>>("test/golden/examples/index.json")),
  ["modern-layers", "test/export/cases/0005_modern_layers.cnn"] as [string, string],
  ["case0008-segmenter", "test/export/cases/0008_layernorm_permute_resize.cnn"] as [string, string],
  ["case0007-convnext-block", "test/export/cases/0007_convnext_block.cnn"] as [string, string],
];

interface Result {
  id: string;
  error?: string;
  values: Record<string, { index: number[]; value: number[]; scale: number }>;
}

describe("simulation = PyTorch on every example, with the exported module's weights", { skip: torchMissing }, () => {
  const dir = mkdtempSync(join(tmpdir(), "cnnlens-numeric-"));
  const results = new Map<string, Result>();
  after(() => rmSync(dir, { recursive: true, force: true }));
  before(() => {
    const jobs = examples.map(([name, path]) => {
      const text = readRepoFile(path);
      const analysis = analyze(text);
      const m = analysis.models[0]!;
      const { code, errors } = exportPyTorch(analysis, text, { fileName: path });
      assert.deepEqual(errors, [], path);
      return {
        id: name,
        code,
        class: m.name,
        input: m.input,
        batch: 1,
        layers: m.layers.map((l) => l.name),
        save: join(dir, name),
      };
    });
    const run = spawnSync(PYTHON, [join(repoRoot, "test/export/run_pytorch.py")], {
      input: JSON.stringify(jobs),
      encoding: "utf8",
      maxBuffer: 1 << 28,
    });
    assert.equal(run.status, 0, run.stderr);
    for (const r of JSON.parse(run.stdout) as Result[]) results.set(r.id, r);
  });

  for (const [name, path] of examples) {
    it(name, async () => {
      const r = results.get(name)!;
      assert.equal(r.error, undefined, r.error);
      const analysis = analyze(readRepoFile(path));
      // VGG-16 peaks at about 2.2 GB (docs/simulation.md, "Memory"), above the default budget.
      const report = await simulate(analysis, undefined, {
        weights: join(dir, `${name}.safetensors`),
        input: join(dir, `${name}.npy`),
        keepTensors: true,
        repeats: 0,
        memoryLimit: 4 * 1024 ** 3,
      });
      let compared = 0;
      for (const layer of analysis.models[0]!.layers) {
        const expected = r.values[layer.name];
        if (!expected) continue; // a layer that is a function in the module (none in the examples)
        const ours = report.tensors!.get(layer.name)!.data;
        const tolerance = 1e-4 * Math.max(expected.scale, 1e-6);
        expected.index.forEach((at, i) => {
          const diff = Math.abs(ours[at]! - expected.value[i]!);
          assert.ok(
            diff <= tolerance,
            `${layer.name}[${at}]: ours ${ours[at]} vs PyTorch ${expected.value[i]} (allowed ${tolerance})`,
          );
        });
        compared++;
      }
      // A layer scale is an nn.Parameter, not a module with a hook: the layer after it shows its effect.
      const modules = analysis.models[0]!.layers.filter((l) => l.kind !== "scale");
      assert.ok(compared >= modules.length * 0.9, `${compared} layers compared`);
    });
  }
});
