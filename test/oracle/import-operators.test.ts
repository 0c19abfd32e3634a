// One small ONNX graph per operator mapping: the import analyses without errors, and the simulation of the written
// file with the imported weights equals onnxruntime on the graph to 1e-4.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as ort from "onnxruntime-node";
import { importOnnx } from "../../server/src/import/import-onnx.js";
import { simulate } from "../../server/src/simulation/simulate.js";
import { analyze, errors } from "../unit/helpers.js";
import { float, floats, int, ints, modelBytes, node, valueInfo } from "../unit/import-onnx-builder.js";

interface Case {
  name: string;
  input: number[];
  nodes: object[];
  initializers?: object[];
  /** The written text must hold this. */
  text: RegExp;
  opset?: number;
}

const CASES: Case[] = [
  {
    name: "LeakyRelu, Elu and Tanh",
    input: [1, 3, 6, 6],
    nodes: [
      node("LeakyRelu", ["x"], ["a"], [float("alpha", 0.2)]),
      node("Elu", ["a"], ["b"], [float("alpha", 0.5)]),
      node("Tanh", ["b"], ["y"]),
    ],
    text: /leakyrelu\(slope: 0\.2\) -> elu\(alpha: 0\.5\) -> tanh/,
  },
  {
    name: "Pad before a Conv folds into its padding; Clip(0, 6) is relu6",
    input: [1, 3, 8, 8],
    nodes: [
      node("Pad", ["x", "pads"], ["p"]),
      node("Conv", ["p", "w"], ["c"], [ints("strides", [2, 2])]),
      node("Clip", ["c", "lo", "hi"], ["y"]),
    ],
    initializers: [
      { name: "pads", dims: [8], data_type: 7, int64_data: [0, 0, 1, 1, 0, 0, 1, 1] },
      floats("w", [4, 3, 3, 3]),
      floats("lo", [], [0]),
      floats("hi", [], [6]),
    ],
    text: /conv\(4, 3, stride: 2, padding: 1, bias: false\) -> relu6/,
  },
  {
    name: "SAME_UPPER auto_pad, average pool without the padding counted",
    input: [1, 2, 7, 7],
    nodes: [
      node("Conv", ["x", "w", "b"], ["c"], [{ name: "auto_pad", type: 3, s: new TextEncoder().encode("SAME_UPPER") }]),
      node(
        "AveragePool",
        ["c"],
        ["y"],
        [ints("kernel_shape", [3, 3]), ints("pads", [1, 1, 1, 1]), ints("strides", [2, 2])],
      ),
    ],
    initializers: [floats("w", [2, 2, 3, 3]), floats("b", [2])],
    text: /conv\(2, 3, padding: 1\)\n {2}avgpool\(3, stride: 2, padding: 1, count_include_pad: false\)/,
  },
  {
    name: "uneven padding (TensorFlow's same with a stride) is a zeropad before the conv; an uneven Pad a zeropad",
    input: [1, 2, 8, 8],
    nodes: [
      node("Conv", ["x", "w"], ["c"], [ints("pads", [0, 1, 1, 2]), ints("strides", [2, 2])]),
      node("Pad", ["c", "pads"], ["y"]),
    ],
    initializers: [
      floats("w", [3, 2, 3, 3]),
      { name: "pads", dims: [8], data_type: 7, int64_data: [0, 0, 2, 0, 0, 0, 1, 3] },
    ],
    text: /zeropad\(\(\(0, 1\), \(1, 2\)\)\)\n {2}conv\(3, 3, stride: 2, bias: false\)\n {2}zeropad/,
  },
  {
    name: "Gemm without transB, MatMul + Add, Softmax",
    input: [1, 2, 3, 3],
    nodes: [
      node("Flatten", ["x"], ["f"], [int("axis", 1)]),
      node("Gemm", ["f", "w1", "b1"], ["g"]),
      node("MatMul", ["g", "w2"], ["m"]),
      node("Add", ["m", "b2"], ["a"]),
      node("Softmax", ["a"], ["y"], [int("axis", 1)]),
    ],
    initializers: [floats("w1", [18, 5]), floats("b1", [5]), floats("w2", [5, 4]), floats("b2", [4])],
    text: /flatten\n {2}dense\(5\)\n {2}dense\(4\) -> softmax/,
  },
  {
    name: "ConvTranspose, Resize by sizes (linear), BatchNormalization with its epsilon",
    input: [1, 3, 5, 5],
    nodes: [
      node(
        "ConvTranspose",
        ["x", "w"],
        ["t"],
        [ints("strides", [2, 2]), ints("pads", [1, 1, 1, 1]), ints("output_padding", [1, 1])],
      ),
      node("Resize", ["t", "", "", "sizes"], ["r"], [{ name: "mode", type: 3, s: new TextEncoder().encode("linear") }]),
      node("BatchNormalization", ["r", "g", "bb", "m", "v"], ["y"], [float("epsilon", 1e-3)]),
    ],
    initializers: [
      floats("w", [3, 2, 3, 3]),
      { name: "sizes", dims: [4], data_type: 7, int64_data: [1, 2, 13, 7] },
      floats("g", [2], [1.5, 0.5]),
      floats("bb", [2], [0.1, -0.2]),
      floats("m", [2], [0.3, -0.1]),
      floats("v", [2], [0.9, 1.7]),
    ],
    text: /convtranspose\(2, 3, stride: 2, padding: 1, output_padding: 1, bias: false\)\n {2}resize\(size: \(13, 7\)\)/,
  },
  {
    name: "Resize by scales (nearest), LayerNormalization on a flat tensor, Pad elsewhere as zeropad",
    input: [1, 2, 3, 3],
    nodes: [
      node("Pad", ["x", "pads"], ["p"]),
      node(
        "Resize",
        ["p", "", "scales"],
        ["r"],
        [
          { name: "mode", type: 3, s: new TextEncoder().encode("nearest") },
          { name: "coordinate_transformation_mode", type: 3, s: new TextEncoder().encode("asymmetric") },
          { name: "nearest_mode", type: 3, s: new TextEncoder().encode("floor") },
        ],
      ),
      node("Flatten", ["r"], ["f"]),
      node("LayerNormalization", ["f", "ln.weight", "ln.bias"], ["y"], [int("axis", -1)]),
    ],
    initializers: [
      { name: "pads", dims: [8], data_type: 7, int64_data: [0, 0, 1, 1, 0, 0, 1, 1] },
      floats("scales", [4], [1, 1, 2, 2]),
      floats("ln.weight", [200]),
      floats("ln.bias", [200]),
    ],
    text: /zeropad\(1\) -> upsample\(2\)\n {2}flatten -> layernorm/,
  },
  {
    name: "two outputs, a label read later, Mul(x, Sigmoid(x)) as silu",
    input: [1, 2, 4, 4],
    nodes: [
      node("Sigmoid", ["x"], ["s"]),
      node("Mul", ["x", "s"], ["a"]),
      node("Conv", ["a", "w"], ["c"]),
      node("Add", ["c", "a"], ["y"]),
      node("Relu", ["a"], ["z"]),
    ],
    initializers: [floats("w", [2, 2, 1, 1])],
    text: /silu\n[\s\S]*output\(/,
  },
  {
    name: "Slice and ReduceMean per cell, joined per axis: adaptiveavgpool whose output does not divide its input",
    input: [1, 2, 7, 5],
    ...adaptiveCells("ReduceMean", "x", "y", [7, 5], [3, 2]),
    text: /^ {2}adaptiveavgpool\(\(3, 2\)\)$/m,
  },
  {
    name: "Slice and ReduceMax per cell on one axis (the other already has its size): adaptivemaxpool",
    input: [1, 3, 10, 4],
    ...adaptiveCells("ReduceMax", "x", "y", [10, 4], [3, 4]),
    text: /^ {2}adaptivemaxpool\(\(3, 4\)\)$/m,
  },
  {
    name: "Gelu (opset 20), PRelu with one slope and with a slope per channel",
    input: [1, 3, 4, 4],
    nodes: [
      node("Gelu", ["x"], ["g"]),
      node("PRelu", ["g", "one"], ["p"]),
      node("Conv", ["p", "w"], ["c"]),
      node("PRelu", ["c", "slopes"], ["y"]),
    ],
    initializers: [
      floats("one", [1], [0.2]),
      floats("w", [4, 3, 1, 1]),
      floats("slopes", [4, 1, 1], [0.1, -0.3, 0.5, 2]),
    ],
    opset: 20,
    text: /^ {2}gelu -> prelu\n {2}conv\(4, 1, bias: false\) -> prelu\(num_parameters: 4\)$/m,
  },
  {
    name: "InstanceNormalization with its own scale and shift, and with the identity ones (no affine)",
    input: [1, 3, 5, 5],
    nodes: [
      node("InstanceNormalization", ["x", "in.weight", "in.bias"], ["a"], [float("epsilon", 1e-3)]),
      node("InstanceNormalization", ["a", "ones", "zeros"], ["y"]),
    ],
    initializers: [
      floats("in.weight", [3], [1.5, 0.5, -1]),
      floats("in.bias", [3], [0.1, 0, -0.2]),
      floats("ones", [3], [1, 1, 1]),
      floats("zeros", [3], [0, 0, 0]),
    ],
    text: /^ {2}instancenorm\(affine: true, eps: 1e-3\) -> instancenorm$/m,
  },
  {
    name: "GroupNorm as PyTorch exports it (Reshape, InstanceNormalization, Reshape to Shape(x), Mul, Add)",
    input: [1, 6, 3, 3],
    nodes: [
      node("Reshape", ["x", "groups"], ["r"]),
      // PyTorch makes the groups' γ 1 and β 0 with Constant nodes after the first Reshape.
      node(
        "Constant",
        [],
        ["ones"],
        [{ name: "value", type: 4, t: { dims: [3], data_type: 1, float_data: [1, 1, 1] } }],
      ),
      node(
        "Constant",
        [],
        ["zeros"],
        [{ name: "value", type: 4, t: { dims: [3], data_type: 1, float_data: [0, 0, 0] } }],
      ),
      node("InstanceNormalization", ["r", "ones", "zeros"], ["n"], [float("epsilon", 1e-3)]),
      node("Shape", ["x"], ["s"]),
      node("Reshape", ["n", "s"], ["b"]),
      node("Unsqueeze", ["gn.weight", "axes"], ["gamma"]),
      node("Mul", ["b", "gamma"], ["m"]),
      node("Unsqueeze", ["gn.bias", "axes"], ["beta"]),
      node("Add", ["m", "beta"], ["y"]),
    ],
    initializers: [
      { name: "groups", dims: [3], data_type: 7, int64_data: [0, 3, -1] },
      { name: "axes", dims: [2], data_type: 7, int64_data: [1, 2] },
      floats("gn.weight", [6], [1, 2, 0.5, -1, 1.5, 0.25]),
      floats("gn.bias", [6], [0, 0.1, -0.1, 0.2, 0.3, -0.4]),
    ],
    text: /^ {2}groupnorm\(3, eps: 1e-3\)$/m,
  },
];

/**
 * PyTorch's adaptive pool from `sizes` to `outs` as cnnlens' export lowers it (onnx/pool.ts), written out by hand:
 * per axis whose size changes, cell j is a Slice of [⌊j·W/n⌋, ⌈(j+1)·W/n⌉) and a Reduce, and a Concat joins them.
 */
function adaptiveCells(
  reduce: string,
  input: string,
  output: string,
  sizes: number[],
  outs: number[],
): { nodes: object[]; initializers: object[] } {
  const nodes: object[] = [];
  const initializers: object[] = [];
  const int64 = (name: string, v: number) => initializers.push({ name, dims: [1], data_type: 7, int64_data: [v] });
  const changed = sizes.flatMap((w, i) => (w === outs[i] ? [] : [i]));
  let x = input;
  changed.forEach((i, k) => {
    const [w, n, axis] = [sizes[i]!, outs[i]!, i + 2];
    const cells: string[] = [];
    for (let j = 0; j < n; j++) {
      const at = `a${axis}c${j}`;
      int64(`${at}s`, Math.floor((j * w) / n));
      int64(`${at}e`, Math.ceil(((j + 1) * w) / n));
      int64(`${at}x`, axis);
      nodes.push(node("Slice", [x, `${at}s`, `${at}e`, `${at}x`], [`${at}sl`]));
      nodes.push(node(reduce, [`${at}sl`], [`${at}r`], [ints("axes", [axis]), int("keepdims", 1)]));
      cells.push(`${at}r`);
    }
    const joined = k === changed.length - 1 ? output : `a${axis}`;
    nodes.push(node("Concat", cells, [joined], [int("axis", axis)]));
    x = joined;
  });
  return { nodes, initializers };
}

for (const c of CASES) {
  test(`import: ${c.name}`, async () => {
    const outputs = c.name.startsWith("two outputs") ? ["y", "z"] : ["y"];
    const bytes = modelBytes(
      {
        name: "case",
        node: c.nodes,
        initializer: c.initializers ?? [],
        input: [valueInfo("x", c.input)],
        output: outputs.map((o) => valueInfo(o, [])),
      },
      c.opset ?? 17,
    );
    const result = importOnnx(bytes);
    if ("refusal" in result) assert.fail(result.refusal);
    assert.match(result.text, c.text);
    const analysis = analyze(result.text);
    assert.deepEqual(errors(analysis), []);
    const count = c.input.reduce((p, d) => p * d, 1);
    const x = { shape: c.input, data: Float32Array.from({ length: count }, (_, i) => Math.sin(i * 1.7) * 2) };
    const session = await ort.InferenceSession.create(bytes);
    const expected = await session.run({ x: new ort.Tensor("float32", x.data, x.shape) });
    const report = await simulate(analysis, undefined, { weights: result.weights, input: x, repeats: 0 });
    outputs.forEach((o, i) => {
      const want = expected[o]!.data as Float32Array;
      const got = report.outputs[i]!.tensor.data;
      assert.equal(got.length, want.length);
      got.forEach((v, j) =>
        assert.ok(Math.abs(v - want[j]!) <= 1e-4 * Math.max(1, Math.abs(want[j]!)), `${o}[${j}]: ${v} vs ${want[j]}`),
      );
    });
  });
}

test("import: two graph inputs become labelled inputs, and both reach the simulation", async () => {
  const bytes = modelBytes({
    name: "two",
    node: [node("Conv", ["image", "w"], ["c"]), node("Mul", ["c", "mask"], ["y"])],
    initializer: [floats("w", [2, 3, 1, 1])],
    input: [valueInfo("image", [1, 3, 4, 4]), valueInfo("mask", [1, 1, 4, 4])],
    output: [valueInfo("y", [1, 2, 4, 4])],
  });
  const result = importOnnx(bytes);
  if ("refusal" in result) assert.fail(result.refusal);
  assert.match(
    result.text,
    /image: input\(3, 4, 4\)\n {2}mask: input\(1, 4, 4\)\n {2}conv\(2, 1, bias: false\) -> mul\(mask\)/,
  );
  const image = { shape: [1, 3, 4, 4], data: Float32Array.from({ length: 48 }, (_, i) => Math.cos(i)) };
  const mask = { shape: [1, 1, 4, 4], data: Float32Array.from({ length: 16 }, (_, i) => i % 3) };
  const session = await ort.InferenceSession.create(bytes);
  const expected = await session.run({
    image: new ort.Tensor("float32", image.data, image.shape),
    mask: new ort.Tensor("float32", mask.data, mask.shape),
  });
  const report = await simulate(analyze(result.text), undefined, {
    weights: result.weights,
    input: image,
    otherInputs: new Map([["mask", mask]]),
    repeats: 0,
  });
  const want = expected["y"]!.data as Float32Array;
  report.output.data.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) <= 1e-5, `${v} vs ${want[i]}`));
});
