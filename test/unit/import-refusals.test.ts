// What `cnnlens import` refuses: a sentence naming the node and the operator (or the file's problem), exit code 2,
// and no file written.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { run } from "../../bin/cli.js";
import { importOnnx } from "../../server/src/import/import-onnx.js";
import { convGraph, floats, int, ints, modelBytes, node, valueInfo } from "./import-onnx-builder.js";

const dir = mkdtempSync(join(tmpdir(), "cnnlens-import-refusals-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `cnnlens import` on `bytes` with -o and --weights; returns the exit code, stderr and whether files exist. */
async function cliImport(name: string, bytes: Uint8Array, extra: string[] = []) {
  const path = join(dir, `${name}.onnx`);
  writeFileSync(path, bytes);
  const out = join(dir, `${name}.cnn`);
  const weights = join(dir, `${name}.safetensors`);
  const err: string[] = [];
  const code = await run(["import", path, "-o", out, "--weights", weights, ...extra], {
    readFile: (p) => readFileSync(p, "utf8"),
    writeFile: (p, d) => writeFileSync(p, d),
    out: () => {},
    err: (t) => void err.push(t),
  });
  return { code, err: err.join("\n"), written: existsSync(out) || existsSync(weights) };
}

/** Asserts a refusal: exit 2, the message, nothing written. */
async function refused(name: string, bytes: Uint8Array, message: RegExp, extra: string[] = []) {
  const r = await cliImport(name, bytes, extra);
  assert.equal(r.code, 2, r.err);
  assert.match(r.err, message);
  assert.match(r.err, /^cnnlens: /);
  assert.equal(r.written, false);
}

describe("cnnlens import refuses", () => {
  it("accepts the small graph the refusals start from (the control case)", async () => {
    const r = await cliImport("control", modelBytes(convGraph()));
    assert.equal(r.code, 0, r.err);
    assert.equal(r.written, true);
    assert.match(
      readFileSync(join(dir, "control.cnn"), "utf8"),
      /input\(3, 8, 8\)\n {2}conv\(4, 3, padding: 1\) -> relu\n/,
    );
  });

  it("an operator the language cannot express, naming the node and the operator", async () => {
    const graph = convGraph({ node: [...(convGraph().node as object[]), node("Erf", ["y"], ["z"], [], "erf_7")] });
    graph.output = [valueInfo("z", [1, 4, 8, 8])];
    await refused(
      "erf",
      modelBytes(graph),
      /node 'erf_7' \(Erf\): the operator Erf has no counterpart in the \.cnn language/,
    );
  });

  it("a dynamic input shape without --input-shape, and imports it with one", async () => {
    const graph = convGraph({ input: [valueInfo("x", ["N", 3, "H", "W"])] });
    await refused(
      "dynamic",
      modelBytes(graph),
      new RegExp(
        String.raw`input 'x' has the dynamic shape \[N, 3, H, W\]; give its sizes after the batch with ` +
          String.raw`--input-shape, in the file's order: 3,H,W \(for example 3,224,224\)`,
      ),
    );
    // The order is the file's: channels last in a Keras model's export; a symbolic size keeps its name when it
    // is a plain word, and a long or odd one is not repeated.
    const last = convGraph({ input: [valueInfo("x", ["N", "height", "W", 3])] });
    assert.match(
      (importOnnx(modelBytes(last)) as { refusal: string }).refusal,
      /in the file's order: height,W,3 \(for example 224,224,3\)/,
    );
    const odd = convGraph({ input: [valueInfo("x", ["N", 3, "x".repeat(500), "a\nb"])] });
    assert.match((importOnnx(modelBytes(odd)) as { refusal: string }).refusal, /order: 3,size2,size3 \(/);
    // The function says so in a field too, which an editor reads to ask for the sizes.
    assert.equal((importOnnx(modelBytes(graph)) as { needsInputShape?: boolean }).needsInputShape, true);
    const wrong = importOnnx(modelBytes(graph), { inputShape: [4, 16, 16] }) as { needsInputShape?: boolean };
    assert.equal(wrong.needsInputShape, undefined);
    const r = await cliImport("dynamic-given", modelBytes(graph), ["--input-shape", "3,16,16"]);
    assert.equal(r.code, 0, r.err);
    assert.match(readFileSync(join(dir, "dynamic-given.cnn"), "utf8"), /input\(3, 16, 16\)/);
    await refused(
      "dynamic-wrong",
      modelBytes(graph),
      /--input-shape gives 4 for axis 1 of 'x', which the file fixes at 3/,
      ["--input-shape", "4,16,16"],
    );
  });

  it("several graph inputs it cannot model: sizes left symbolic, an input that is not float32", async () => {
    const two = convGraph({ input: [valueInfo("x", [1, 3, 8, 8]), valueInfo("mask", [1, 1, "H", "W"])] });
    await refused("inputs", modelBytes(two), /the input 'mask' has the dynamic shape \[1, 1, H, W\]/);
    await refused(
      "inputs-shape",
      modelBytes(two),
      /--input-shape gives the sizes of a model's only input, but this graph has 2 inputs \('x', 'mask'\)/,
      ["--input-shape", "1,8,8"],
    );
    const tokens = {
      name: "ids",
      type: { tensor_type: { elem_type: 7, shape: { dim: [{ dim_value: 1 }, { dim_value: 16 }] } } },
    };
    const ints = convGraph({ input: [valueInfo("x", [1, 3, 8, 8]), tokens] });
    await refused("int-input", modelBytes(ints), /the graph input 'ids' has element type 7, not float32/);
  });

  it("an --input-shape that is not a list of sizes", async () => {
    await refused("shape-text", modelBytes(convGraph()), /--input-shape needs whole sizes separated by commas/, [
      "--input-shape",
      "3,x,8",
    ]);
  });

  it("a truncated file", async () => {
    const bytes = modelBytes(convGraph());
    await refused(
      "truncated",
      bytes.subarray(0, bytes.length - 40),
      /truncated\.onnx is not a complete ONNX model .*truncated/,
    );
  });

  it("a tensor that claims 2 GB, before allocating it", async () => {
    const big = { name: "conv.weight", dims: [65536, 8192, 1, 1], data_type: 1, raw_data: new Uint8Array(16) };
    const graph = convGraph({ initializer: [big, floats("conv.bias", [4])] });
    await refused(
      "huge",
      modelBytes(graph),
      /tensor 'conv\.weight' claims 2147483648 bytes \(\[65536, 8192, 1, 1\] float32\), more than 2 GB/,
    );
  });

  it("a graph with a cycle", async () => {
    const graph = convGraph({
      node: [
        node("Add", ["x", "d"], ["a"], [], "add_a"),
        node("Relu", ["a"], ["d"], [], "relu_d"),
        node("Relu", ["a"], ["y"]),
      ],
      initializer: [],
      output: [valueInfo("y", [1, 3, 8, 8])],
    });
    await refused("cycle", modelBytes(graph), /the graph has a cycle through node 'add_a' \(Add\)/);
  });

  it("spatial slices whose cells are not an adaptive pool's (they overlap where PyTorch's would not)", async () => {
    const bound = (name: string, v: number) => ({ name, dims: [1], data_type: 7, int64_data: [v] });
    const graph = convGraph({
      node: [
        node("Slice", ["x", "s0", "e0", "axis"], ["c0"], [], "slice_0"),
        node("ReduceMean", ["c0"], ["m0"], [ints("axes", [2])]),
        node("Slice", ["x", "s1", "e1", "axis"], ["c1"], [], "slice_1"),
        node("ReduceMean", ["c1"], ["m1"], [ints("axes", [2])]),
        node("Concat", ["m0", "m1"], ["y"], [int("axis", 2)]),
      ],
      // PyTorch's two cells over 8 rows are [0, 4) and [4, 8); these are [0, 5) and [3, 8).
      initializer: [bound("s0", 0), bound("e0", 5), bound("s1", 3), bound("e1", 8), bound("axis", 2)],
      output: [valueInfo("y", [1, 3, 2, 8])],
    });
    await refused(
      "uneven-cells",
      modelBytes(graph),
      /node 'slice_0' \(Slice\): it slices axis 2; the language has no crop, only a split of the channels/,
    );
  });

  it("a Gelu with the tanh approximation, and a PRelu with a slope per position", async () => {
    const graph = (op: object, extra: object[] = []) =>
      convGraph({
        node: [...(convGraph().node as object[]), op],
        initializer: [...(convGraph().initializer as object[]), ...extra],
        output: [valueInfo("z", [1, 4, 8, 8])],
      });
    const tanh = { name: "approximate", type: 3, s: new TextEncoder().encode("tanh") };
    await refused(
      "gelu-tanh",
      modelBytes(graph(node("Gelu", ["y"], ["z"], [tanh], "gelu_1")), 20),
      /node 'gelu_1' \(Gelu\): its approximate 'tanh' is not the language's gelu/,
    );
    await refused(
      "prelu-positions",
      modelBytes(graph(node("PRelu", ["y", "slope"], ["z"], [], "prelu_1"), [floats("slope", [4, 8, 8])])),
      /node 'prelu_1' \(PRelu\): its slope has shape \[4, 8, 8\]; the language's prelu has one slope or one per/,
    );
  });

  it("a missing external-data file", async () => {
    const external = {
      name: "conv.weight",
      dims: [4, 3, 3, 3],
      data_type: 1,
      data_location: 1,
      external_data: [{ key: "location", value: "weights.bin" }],
    };
    const graph = convGraph({ initializer: [external, floats("conv.bias", [4])] });
    await refused(
      "external",
      modelBytes(graph),
      /tensor 'conv\.weight' keeps its data in the external file 'weights\.bin', which is missing/,
    );
  });

  it("a file that is not ONNX at all", async () => {
    await refused(
      "text",
      new TextEncoder().encode("model M { input(3, 8, 8) }"),
      /is not a complete ONNX model|holds no graph/,
    );
  });
});

describe("cnnlens import writing its two files", () => {
  it("writes neither when one of them cannot be written (the text's folder is missing)", async () => {
    const path = join(dir, "pair.onnx");
    writeFileSync(path, modelBytes(convGraph()));
    const weights = join(dir, "pair.safetensors");
    const err: string[] = [];
    const code = await run(["import", path, "-o", join(dir, "missing", "pair.cnn"), "--weights", weights], {
      readFile: (p) => readFileSync(p, "utf8"),
      writeFile: (p, d) => writeFileSync(p, d),
      out: () => {},
      err: (t) => void err.push(t),
    });
    assert.equal(code, 2);
    assert.match(
      err.join("\n"),
      /^cnnlens: cannot write .*pair\.cnn: its folder .*missing does not exist; nothing was written/,
    );
    assert.equal(existsSync(weights), false);
  });
});

describe("cnnlens import without -o", () => {
  it("prints the text and writes nothing", async () => {
    const path = join(dir, "stdout.onnx");
    writeFileSync(path, modelBytes(convGraph()));
    const out: string[] = [];
    const written: string[] = [];
    const code = await run(["import", path], {
      readFile: (p) => readFileSync(p, "utf8"),
      writeFile: (p) => void written.push(p),
      out: (t) => void out.push(t),
      err: () => {},
    });
    assert.equal(code, 0);
    assert.deepEqual(written, []);
    assert.match(out.join("\n"), /^# Imported from stdout\.onnx \(ONNX opset 17\) by cnnlens import\nmodel tiny \{/);
  });
});

describe("importOnnx", () => {
  it("answers 2,000 randomly damaged files with a model or a refusal about the file, never an internal error", () => {
    const base = modelBytes(convGraph());
    let seed = 1;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let k = 0; k < 2000; k++) {
      const bytes = Uint8Array.from(base);
      for (let f = 0; f <= Math.floor(random() * 3); f++) bytes[Math.floor(random() * bytes.length)] = random() * 256;
      const result = importOnnx(bytes);
      if ("refusal" in result) assert.doesNotMatch(result.refusal, /cnnlens import failed/);
    }
  });

  it("returns a refusal, never throws, for every prefix of a valid file", () => {
    const bytes = modelBytes(convGraph());
    for (let end = 0; end < bytes.length; end += 7) {
      const result = importOnnx(bytes.subarray(0, end));
      assert.ok("refusal" in result || "text" in result);
    }
  });
});
