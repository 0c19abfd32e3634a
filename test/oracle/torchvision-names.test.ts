// ResNet-18 written with torchvision's names (examples/resnet18_torchvision.cnn) against torchvision itself:
// the PyTorch export has exactly torchvision's state_dict keys, torchvision's weights load into it with
// strict=True, and into the simulation by name through scripts/torchvision_weights.py; outputs agree to 1e-4.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { analyze } from "../../server/src/analysis/index.js";
import { exportPyTorch } from "../../server/src/export/pytorch.js";
import { simulate } from "../../server/src/simulation/simulate.js";
import { readRepoFile, repoRoot } from "../unit/helpers.js";
import { PYTHON, torchMissing } from "./python-oracle.js";

const EXAMPLE = "examples/resnet18_torchvision.cnn";

// torchvision's resnet18 with its own seeded random initialisation (weights=None) and the export, side by side.
const COMPARE = `
import importlib.util, json, sys
import numpy as np, torch, torchvision
spec = importlib.util.spec_from_file_location("exported", sys.argv[1])
exported = importlib.util.module_from_spec(spec); spec.loader.exec_module(exported)
torch.manual_seed(0)
theirs = torchvision.models.resnet18(weights=None).eval()
ours = exported.ResNet18().eval()
ours.load_state_dict(theirs.state_dict(), strict=True)
x = torch.from_numpy(np.random.default_rng(1).standard_normal((1, 3, 224, 224)).astype(np.float32))
np.save(sys.argv[2], x.numpy())
with torch.no_grad():
    a, b = theirs(x), ours(x)
print(json.dumps({"theirs": list(theirs.state_dict().keys()), "ours": list(ours.state_dict().keys()),
                  "export_diff": float((a - b).abs().max()), "output": a.flatten().tolist()}))
`;

test(
  "ResNet-18 with torchvision's names: state_dict keys, strict load, simulation by name",
  { skip: torchMissing },
  async () => {
    const text = readRepoFile(EXAMPLE);
    const analysis = analyze(text);
    assert.deepEqual(
      analysis.diagnostics.filter((d) => d.severity === "error"),
      [],
    );
    const dir = mkdtempSync(join(tmpdir(), "cnnlens-tv-names-"));
    try {
      const exported = exportPyTorch(analysis, text);
      assert.ok(exported.code, JSON.stringify(exported));
      writeFileSync(join(dir, "resnet18.py"), exported.code);
      const run = spawnSync(PYTHON, ["-c", COMPARE, join(dir, "resnet18.py"), join(dir, "x.npy")], {
        encoding: "utf8",
        maxBuffer: 64 << 20,
      });
      assert.equal(run.status, 0, run.stderr);
      const result = JSON.parse(run.stdout) as {
        theirs: string[];
        ours: string[];
        export_diff: number;
        output: number[];
      };
      assert.deepEqual(result.ours, result.theirs, "the export's state_dict keys are torchvision's, in order");
      assert.ok(result.export_diff <= 1e-4, `export vs torchvision: ${result.export_diff}`);

      const weights = join(dir, "resnet18.safetensors");
      const script = join(repoRoot, "scripts", "torchvision_weights.py");
      const convert = spawnSync(PYTHON, [script, "resnet18", join(repoRoot, EXAMPLE), weights], { encoding: "utf8" });
      assert.equal(convert.status, 0, convert.stderr);
      const report = await simulate(analysis, "ResNet18", { weights, input: join(dir, "x.npy"), repeats: 0 });
      const simulated = [...report.output.data];
      assert.equal(simulated.length, result.output.length);
      const worst = Math.max(...simulated.map((v, i) => Math.abs(v - result.output[i]!)));
      assert.ok(worst <= 1e-4, `simulation vs torchvision: ${worst}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test(
  "the weights script names a .cnn file's mismatch instead of pairing layers by order",
  { skip: torchMissing },
  () => {
    const dir = mkdtempSync(join(tmpdir(), "cnnlens-tv-names-"));
    try {
      const script = join(repoRoot, "scripts", "torchvision_weights.py");
      const out = join(dir, "w.safetensors");
      const run = spawnSync(PYTHON, [script, "resnet18", join(repoRoot, "examples/resnet18.cnn"), out], {
        encoding: "utf8",
      });
      assert.notEqual(run.status, 0);
      assert.match(run.stderr, /'bn1\.weight': \S*examples\/resnet18\.cnn has no layer named 'bn1'/);
      assert.throws(() => readFileSync(out));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
