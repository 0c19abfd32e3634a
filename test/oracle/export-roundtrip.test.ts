// The PyTorch export run by PyTorch itself: every layer's shape, the parameters and the state_dict keys.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import type { ModelInfo, Shape } from "../../server/src/analysis/index.js";
import { exportPyTorch } from "../../server/src/export/pytorch.js";
import { analyze, readRepoFile, repoRoot } from "../unit/helpers.js";

// Debian's python3 with python3-torch (1.13), not whatever python3 comes first on PATH.
const PYTHON = "/usr/bin/python3";

const torchMissing = ((): string | undefined => {
  const r = spawnSync(PYTHON, ["-c", "import torch"], { encoding: "utf8" });
  if (r.status === 0) return undefined;
  return (
    `Debian's PyTorch is missing (${PYTHON} -c "import torch" failed: ` +
    `${(r.stderr || String(r.error)).trim().split("\n").pop()}` +
    `); install python3-torch to run the round trip`
  );
})();

interface Job {
  id: string;
  code: string;
  class: string;
  input: Shape;
  /** Every input's shape, for a model with several. */
  inputs: Shape[];
  batch: number;
  layers: string[];
}

interface Result {
  id: string;
  error?: string;
  calls: Record<string, Shape[]>;
  missing: string[];
  params: number;
  keys: string[];
  output: Shape;
}

const files = [
  ...readdirSync(join(repoRoot, "examples"))
    .filter((f) => f.endsWith(".cnn"))
    .map((f) => `examples/${f}`),
  ...readdirSync(join(repoRoot, "test/export/cases"))
    .filter((f) => f.endsWith(".cnn"))
    .map((f) => `test/export/cases/${f}`),
].sort();

/** PyTorch's layout: a Keras file's channels-last shapes with the channels moved first. */
function torchLayout(shape: Shape, framework: string): Shape {
  return framework === "keras" && shape.length >= 2 ? [shape[shape.length - 1]!, ...shape.slice(0, -1)] : shape;
}

/**
 * The state_dict keys the analysis implies: weight (and bias) of convs and dense layers; weight, bias,
 * running_mean and running_var of batchnorm, plus num_batches_tracked, a counter PyTorch adds to every
 * BatchNorm (a buffer that is no parameter and that Keras has no counterpart of).
 */
function expectedKeys(model: ModelInfo): string[] {
  const keys: string[] = [];
  for (const l of model.layers) {
    if (l.kind === "conv" || l.kind === "convtranspose" || l.kind === "dense" || l.kind === "layernorm")
      keys.push(`${l.name}.weight`, ...(l.args["bias"] === false ? [] : [`${l.name}.bias`]));
    if (l.kind === "prelu") keys.push(`${l.name}.weight`);
    const affine = l.kind === "groupnorm" ? l.args["affine"] !== false : l.kind === "instancenorm" && l.args["affine"];
    if (affine) keys.push(`${l.name}.weight`, `${l.name}.bias`);
    // ConvNeXt's layer scale is an nn.Parameter named by the layer itself.
    if (l.kind === "scale") keys.push(l.name);
    if (l.kind === "batchnorm") {
      keys.push(
        ...(l.args["affine"] === false ? [] : [`${l.name}.weight`, `${l.name}.bias`]),
        `${l.name}.running_mean`,
        `${l.name}.running_var`,
        `${l.name}.num_batches_tracked`,
      );
    }
  }
  return keys.sort();
}

describe("PyTorch round trip: the generated code run by PyTorch", { skip: torchMissing }, () => {
  const jobs: Job[] = [];
  const models = new Map<string, ModelInfo>();
  for (const file of files) {
    const text = readRepoFile(file);
    const analysis = analyze(text);
    const { code, errors } = exportPyTorch(analysis, text, { fileName: file });
    assert.deepEqual(errors, [], file);
    for (const m of analysis.models) {
      const id = `${file}#${m.name}`;
      models.set(id, m);
      jobs.push({
        id,
        code,
        class: m.name,
        input: torchLayout(m.input!, m.framework),
        inputs: m.inputs.map((one) => torchLayout(one.shape!, m.framework)),
        batch: m.batch,
        layers: m.layers.map((l) => l.name),
      });
    }
  }
  const results = new Map<string, Result>();
  before(() => {
    // One process for every model: importing torch once keeps the whole suite to a few seconds.
    const run = spawnSync(PYTHON, [join(repoRoot, "test/export/run_pytorch.py")], {
      input: JSON.stringify(jobs),
      encoding: "utf8",
      maxBuffer: 1 << 28,
    });
    assert.equal(run.status, 0, run.stderr);
    for (const r of JSON.parse(run.stdout) as Result[]) results.set(r.id, r);
  });

  for (const job of jobs) {
    it(job.id, () => {
      const r = results.get(job.id)!;
      const m = models.get(job.id)!;
      assert.equal(r.error, undefined, r.error);
      // A layer scale is a parameter, not a module (its key is its name, as in torchvision's ConvNeXt).
      const parameters = m.layers.filter((l) => l.kind === "scale").map((l) => l.name);
      assert.deepEqual(r.missing, parameters, "every other layer is a module at the path of its name");
      for (const l of m.layers.filter((l) => l.kind !== "scale")) {
        assert.deepEqual(
          r.calls[l.name],
          // A permuted tensor is held as the file holds it, not moved to PyTorch's layout.
          [l.outputOrder ? l.outputShape! : torchLayout(l.outputShape!, m.framework)],
          `${l.name}: called once, with the analysis' output shape`,
        );
      }
      assert.deepEqual(r.output, torchLayout(m.output!, m.framework), "model output");
      // PyTorch counts parameters only; a Keras file's batchnorm statistics are buffers in PyTorch.
      assert.equal(r.params, m.framework === "keras" ? m.params.trainable : m.params.total, "parameter total");
      assert.deepEqual(r.keys.slice().sort(), expectedKeys(m), "state_dict keys");
    });
  }
});
