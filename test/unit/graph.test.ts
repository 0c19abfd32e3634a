// The dataflow graph that the simulation and the exporters build on.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ModelInfo } from "../../server/src/analysis/index.js";
import { analyze } from "./helpers.js";

function show(m: ModelInfo): string[] {
  return m.graph.map((n) =>
    n.op === "layer"
      ? `${m.layers[n.layer]!.name}<-${n.input}`
      : n.op === "input"
        ? "input"
        : n.op === "split"
          ? `split${n.index}<-${n.input}`
          : `${n.op}(${n.inputs.join(",")})`,
  );
}

describe("dataflow graph", () => {
  it("residual with a projection: main path, projection from the input, then add", () => {
    const m = analyze("model M { input(4, 8, 8) residual { conv(8, 3, stride: 2, padding: 1) } shortcut auto relu }")
      .models[0]!;
    assert.deepEqual(show(m), ["input", "conv1<-0", "conv2<-0", "batchnorm1<-2", "add(1,3)", "relu1<-4"]);
    assert.equal(m.outputNode, 5);
  });
  it("labels, label chains and concat", () => {
    const m = analyze("model M { input(2, 8, 8)\n a: conv(4, 1)\n b: a -> relu\n concat(a, b) }").models[0]!;
    assert.deepEqual(show(m), ["input", "a<-0", "b<-1", "concat(2,1,2)"]);
  });
  it("branches start from the same tensor", () => {
    const m = analyze("model M { input(2, 8, 8) add { branch { conv(2, 1) } branch { identity } } }").models[0]!;
    assert.deepEqual(show(m), ["input", "conv1<-0", "identity1<-0", "add(1,2)"]);
  });
});

describe("dataflow of the new structures", () => {
  it("split: one node per part, the branches on their parts, then concat", () => {
    const m = analyze("model M { input(4, 8, 8) split { branch { } branch { relu } } }").models[0]!;
    assert.deepEqual(show(m), ["input", "split0<-0", "split1<-0", "relu1<-2", "concat(1,3)"]);
  });
  it("gate: the body from the input, then mul of the input and the body", () => {
    const m = analyze("model M { input(4, 8, 8) gate { adaptiveavgpool(1) -> sigmoid } }").models[0]!;
    assert.deepEqual(show(m), ["input", "adaptiveavgpool1<-0", "sigmoid1<-1", "mul(0,2)"]);
  });
  it("several inputs and outputs: an input node each, the outputs' nodes in order", () => {
    const m = analyze("model M { a: input(4, 8, 8)\n b: input(4, 8, 8)\n x: relu\n y: b -> relu\n output(y, x) }")
      .models[0]!;
    assert.deepEqual(show(m), ["input", "input", "x<-0", "y<-1"]);
    assert.deepEqual(
      m.outputs.map((o) => [o.name, o.node]),
      [
        ["y", 3],
        ["x", 2],
      ],
    );
    assert.equal(m.outputNode, 3);
  });
});
