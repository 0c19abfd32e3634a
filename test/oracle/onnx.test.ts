// The ONNX writer and builder: models that onnx.checker accepts, graph outputs, and refusals.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { buildOnnx, ONNX_OUTPUT } from "../../server/src/layers/onnx-model.js";
import { parameterSpecs } from "../../server/src/layers/index.js";
import { DataType, encodeModel } from "../../server/src/onnx/proto.js";
import { onnxRuntimeEngine } from "../../server/src/simulation/engine.js";
import { randomWeights } from "../../server/src/simulation/weights.js";
import { analyze, readRepoFile, repoRoot, wrap } from "../unit/helpers.js";

const PYTHON = "/usr/bin/python3";
const hasOnnx =
  existsSync(PYTHON) &&
  (() => {
    try {
      execFileSync(PYTHON, ["-c", "import onnx"], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  })();

const modelOf = (source: string) => analyze(source).models[0]!;

const sources = (): [string, string][] => [
  ...readdirSync(join(repoRoot, "examples"))
    .filter((f) => f.endsWith(".cnn"))
    .map((f): [string, string] => [f, readRepoFile(`examples/${f}`)]),
  ...readdirSync(join(repoRoot, "test/golden/simulation"))
    .filter((f) => f.endsWith(".cnn"))
    .map((f): [string, string] => [f, readRepoFile(`test/golden/simulation/${f}`)]),
  // Issue 12's layers channels last: PReLU's shared slopes, group and instance norms, the shuffle's reshapes.
  ["0006_modern_layers_keras.cnn", readRepoFile("test/export/cases/0006_modern_layers_keras.cnn")],
  ["negative-axis", wrap([3, 4, 4], ["conv(2, 3, padding: same)", "softmax(axis: -1)", "lrn(3)", "gelu"])],
];

test(
  "every example and golden net builds a model that onnx.checker accepts (full check, opset 17)",
  { skip: !hasOnnx && "needs /usr/bin/python3 with onnx" },
  () => {
    const dir = mkdtempSync(join(tmpdir(), "cnnlens-onnx-"));
    try {
      const files = sources().map(([name, text]) => {
        const model = modelOf(text);
        const path = join(dir, `${name}.onnx`);
        writeFileSync(path, buildOnnx(model, randomWeights(model, 0)));
        return path;
      });
      const script =
        "import onnx, sys\nfor p in sys.argv[1:]:\n    m = onnx.load(p)\n" +
        "    onnx.checker.check_model(m, full_check=True)\n" +
        "    assert m.opset_import[0].version == 17\nprint(len(sys.argv) - 1)";
      const out = execFileSync(PYTHON, ["-c", script, ...files], { encoding: "utf8" });
      assert.equal(Number(out.trim()), files.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test("with outputs 'all' every layer is a graph output named after it; with 'final' only the result", async () => {
  const model = modelOf(readRepoFile("examples/lenet5.cnn"));
  const weights = randomWeights(model, 0);
  const all = await onnxRuntimeEngine.load(buildOnnx(model, weights), {});
  assert.deepEqual([...all.outputNames].sort(), [...model.layers.map((l) => l.name), ONNX_OUTPUT].sort());
  await all.release();
  const final = await onnxRuntimeEngine.load(buildOnnx(model, weights, { outputs: "final", batch: 3 }), {});
  assert.deepEqual(final.outputNames, [ONNX_OUTPUT]);
  const out = await final.run("input", { shape: [3, 1, 28, 28], data: new Float32Array(3 * 784) });
  assert.deepEqual(out.get(ONNX_OUTPUT)!.shape, [3, 10]);
  await final.release();
});

test("the builder refuses a model with errors and a missing tensor, naming what is wrong", () => {
  const broken = modelOf(wrap([3, 8, 8], ["conv(4, 11)"]));
  assert.throws(() => buildOnnx(broken, new Map()), /has (errors|no known shape)/);
  const model = modelOf(wrap([3, 8, 8], ["conv(4, 3)"]));
  assert.throws(() => buildOnnx(model, new Map()), /no tensor 'conv1\.weight' for layer conv1 \(conv\)/);
});

test("parameter specs follow PyTorch's state_dict names and layouts", () => {
  const model = modelOf(
    wrap(
      [4, 8, 8],
      [
        "conv(6, 3, groups: 2, bias: false)",
        "convtranspose(8, (2, 3), groups: 2)",
        "batchnorm(affine: false)",
        "flatten",
        "dense(5)",
      ],
    ),
  );
  const specs = parameterSpecs(model).map((s) => `${s.name} ${s.shape.join("x")} fan_in ${s.fanIn}`);
  assert.deepEqual(specs, [
    "conv1.weight 6x2x3x3 fan_in 18",
    "convtranspose1.weight 6x4x2x3 fan_in 24",
    "convtranspose1.bias 8 fan_in 24",
    "batchnorm1.running_mean 8 fan_in 8",
    "batchnorm1.running_var 8 fan_in 8",
    "dense1.weight 5x448 fan_in 448",
    "dense1.bias 5 fan_in 448",
  ]);
});

test("the protobuf writer encodes negative int64 attributes as ten-byte varints", () => {
  const bytes = encodeModel({
    name: "t",
    initializers: [],
    nodes: [{ opType: "Softmax", inputs: ["x"], outputs: ["y"], attributes: { axis: -1 } }],
    inputs: [{ name: "x", elemType: DataType.FLOAT, dims: [1, 3] }],
    outputs: [{ name: "y", elemType: DataType.FLOAT, dims: { rank: 2 } }],
  });
  // -1 as int64: nine 0xff bytes and a final 0x01, right after the attribute's `i` tag (field 3, varint).
  const hex = Buffer.from(bytes).toString("hex");
  assert.ok(hex.includes("18ffffffffffffffffff01"), hex);
});
