// Every layer kind has every face: a shape rule, an ONNX lowering, PyTorch and Keras code (or a named
// refusal), and a golden case from PyTorch. The compiler checks that the faces exist; this test runs them.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  findLayerKind,
  LAYER_KIND_NAMES,
  layerKinds,
  layerKindsByName,
  type LayerKindName,
} from "../../server/src/analysis/layers/index.js";
import type { Analysis } from "../../server/src/analysis/types.js";
import { exportKeras } from "../../server/src/export/keras.js";
import { exportPyTorch } from "../../server/src/export/pytorch.js";
import { layerUnits, NON_NEGATIVE, parameterSpecs, SAME_SHAPE, unitOf } from "../../server/src/layers/index.js";
import { buildOnnx } from "../../server/src/layers/onnx-model.js";
import { volume } from "../../server/src/onnx/tensors.js";
import { randomWeights } from "../../server/src/simulation/weights.js";
import { analyze, errors, readJson, repoRoot, wrap } from "./helpers.js";

interface EdgeCase {
  id: string;
  input: number[];
  source: string;
  expect: { outputShape: number[]; params: number } | { error: string };
}

type Accepted = EdgeCase & { expect: { outputShape: number[]; params: number } };

interface ExampleGolden {
  layers: { kind: string }[];
}

const { cases } = readJson<{ cases: EdgeCase[] }>("test/golden/edge-cases.json");
const goldenDir = join(repoRoot, "test", "golden", "examples");
const exampleKinds = new Set(
  readdirSync(goldenDir)
    .filter((f) => f.endsWith(".json") && f !== "index.json")
    .flatMap((f) => readJson<ExampleGolden>(`test/golden/examples/${f}`).layers.map((l) => l.kind)),
);

/** The PyTorch golden cases of one kind that PyTorch accepts: a single layer, named by any of its spellings. */
function goldenCases(kind: LayerKindName): Accepted[] {
  const accepted = cases.filter((c): c is Accepted => !("error" in c.expect));
  return accepted.filter((c) => findLayerKind(/^\w+/.exec(c.source)![0])?.kind === kind);
}

function analysed(c: EdgeCase): Analysis {
  const analysis = analyze(wrap(c.input, [c.source]));
  assert.deepEqual(
    errors(analysis).map((e) => e.message),
    [],
    `${c.id} analyses without errors`,
  );
  return analysis;
}

/**
 * The unit's face for a backend (its class as data, its code, or a named refusal) runs: every case of the kind
 * either exports, or is refused with the unit's named reason; at least one exports.
 */
function checkCode(kind: LayerKindName, backend: "pytorch" | "keras") {
  const write = backend === "pytorch" ? exportPyTorch : exportKeras;
  const face = unitOf(kind)[backend];
  assert.ok(typeof face === "function" || "cls" in face || "refuses" in face, `${kind} has a ${backend} face`);
  const named = typeof face === "object" && "refuses" in face ? face.refuses : undefined;
  const results = goldenCases(kind).map((c) => ({ c, result: write(analysed(c), wrap(c.input, [c.source])) }));
  if (named) {
    for (const { c, result } of results) {
      assert.ok(
        result.errors.some((e) => e.includes(named)),
        `${c.id}: refused as "${named}"`,
      );
    }
    return;
  }
  const written = results.filter(({ result }) => result.errors.length === 0);
  const why = results.map(({ result }) => result.errors.join("; ")).join(" | ");
  assert.ok(written.length > 0, `no golden case of ${kind} exports to ${backend}: ${why}`);
  for (const { result } of written) assert.match(result.code, /class Case|def |Model/, "code was written");
}

describe("every layer kind has every face", () => {
  it("names each analysis face and unit by its kind, once, in the documentation's order", () => {
    assert.deepEqual(
      layerKinds.map((k) => k.kind),
      [...LAYER_KIND_NAMES],
    );
    assert.deepEqual(Object.keys(layerUnits).sort(), [...LAYER_KIND_NAMES].sort());
    for (const name of LAYER_KIND_NAMES) {
      assert.equal(layerKindsByName[name].kind, name);
      assert.equal(unitOf(name).analysis, layerKindsByName[name], `${name}: the unit holds the analysis face`);
      assert.equal(findLayerKind(name.toUpperCase())?.kind, name, `${name} is found by name, case-insensitively`);
    }
  });

  it("keeps the properties the exporters read (shape-keeping kinds, never-negative outputs)", () => {
    // These change the exported code (`shortcut auto`'s stride, Keras' zero padding before a max pool).
    const sameShape = [
      "batchnorm",
      "dropout",
      "elu",
      "gelu",
      "identity",
      "leakyrelu",
      "lrn",
      "relu",
      "relu6",
      "sigmoid",
      "softmax",
      "tanh",
    ];
    for (const k of sameShape) assert.ok(SAME_SHAPE.has(k), `${k} keeps its input's shape`);
    for (const k of ["relu", "relu6", "sigmoid", "softmax"]) assert.ok(NON_NEGATIVE.has(k), `${k} is never negative`);
    for (const k of ["conv", "dense", "maxpool", "flatten", "leakyrelu", "elu", "gelu", "tanh"]) {
      assert.ok(!NON_NEGATIVE.has(k), `${k} may be negative`);
    }
    for (const kind of SAME_SHAPE) {
      for (const c of goldenCases(kind as LayerKindName)) assert.deepEqual(c.expect.outputShape, c.input, c.id);
    }
  });

  for (const kind of LAYER_KIND_NAMES) {
    describe(kind, () => {
      it("has a golden case from PyTorch (test/golden/edge-cases.json or test/golden/examples)", () => {
        const found = goldenCases(kind).length > 0 || exampleKinds.has(kind);
        assert.ok(found, `add a case for ${kind} to scripts/golden/edge_cases.py`);
      });

      it("has a shape rule that gives PyTorch's output shape", () => {
        for (const c of goldenCases(kind)) {
          // A chain's case (ConvNeXt's block) starts with the kind; its output is the chain's last layer's.
          const layers = analysed(c).models[0]!.layers;
          assert.equal(layers[0]!.kind, kind);
          assert.deepEqual(layers[layers.length - 1]!.outputShape, c.expect.outputShape, c.id);
        }
      });

      it("owns PyTorch's parameters as state_dict tensors, and lowers to ONNX with them", () => {
        const built = goldenCases(kind).map((c) => {
          const model = analysed(c).models[0]!;
          const learnable = parameterSpecs(model).filter((s) => s.role === "weight" || s.role === "bias");
          const count = learnable.reduce((n, s) => n + volume(s.shape), 0);
          assert.equal(count, c.expect.params, `${c.id}: PyTorch's parameters`);
          return buildOnnx(model, randomWeights(model, 0), { outputs: "final" }).length;
        });
        assert.ok(built.length > 0 && built.every((n) => n > 0), `${kind}: a golden case builds to ONNX`);
      });

      it("has PyTorch code or a named refusal", () => checkCode(kind, "pytorch"));
      it("has Keras code or a named refusal", () => checkCode(kind, "keras"));
    });
  }
});
