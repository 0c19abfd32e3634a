// The mangling of names.ts: injective, never a taken name, and every name the writers use is taken.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  isTaken,
  KERAS_LAYER,
  mangle,
  PYTHON_GLOBAL,
  PYTHON_VARIABLE,
  specialisedName,
  TORCH_ATTRIBUTE,
  variableTarget,
  type NameTarget,
} from "../../server/src/codegen/names.js";
import { PYTHON_BUILTINS, PYTHON_KEYWORDS, TORCH_MODULE_ATTRIBUTES } from "../../server/src/codegen/reserved-names.js";

const seeds = [
  ...PYTHON_KEYWORDS,
  ...PYTHON_BUILTINS,
  ...TORCH_MODULE_ATTRIBUTES,
  "x",
  "conv1",
  "B_use1",
  "identity2",
  "step3",
  "input_layer",
  "add_1",
  "conv1_pad",
  "__x",
  "_x",
  "a",
  "Stage_use12",
  "i7",
];
// Every seed with up to three underscores more or less at the end: the near-duplicates a scheme must keep apart.
const pool = [
  ...new Set(
    seeds.flatMap((s) => {
      const base = s.replace(/_+$/, "");
      return [0, 1, 2, 3, 4].map((n) => base + "_".repeat(n)).filter((n) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(n));
    }),
  ),
];

const targets: [string, NameTarget][] = [
  ["variable", PYTHON_VARIABLE],
  ["global", PYTHON_GLOBAL],
  ["attribute", TORCH_ATTRIBUTE],
  ["keras", KERAS_LAYER],
  ["variable with a block's names", variableTarget(["range_", "B", "conv1"])],
];

describe("name mangling", () => {
  for (const [what, target] of targets) {
    it(`${what}: injective on ${pool.length} near-duplicate names, and never gives a taken name`, () => {
      const seen = new Map<string, string>();
      for (const name of pool) {
        const out = mangle(name, target);
        assert.equal(seen.get(out), undefined, `${name} and ${seen.get(out)} both become ${out}`);
        seen.set(out, name);
        assert.ok(!isTaken(out, target), `${name} becomes the taken ${out}`);
        assert.ok(!out.startsWith("__") || out.endsWith("__"), `${out} would be private-mangled in a class`);
      }
    });
  }
  it("the names the writers use are taken", () => {
    for (const n of [
      "self",
      "x",
      "inputs",
      "name",
      "in_channels",
      "identity",
      "identity2",
      "branch1",
      "step",
      "step2",
      "i",
      "j",
      "k",
      "i3",
      "torch",
      "nn",
      "F",
      "OrderedDict",
      "keras",
      "layers",
      "KerasDense",
      "range",
      "float",
      "super",
    ]) {
      assert.ok(isTaken(n, PYTHON_VARIABLE), n);
    }
    for (const n of TORCH_MODULE_ATTRIBUTES) assert.ok(isTaken(n, TORCH_ATTRIBUTE), n);
    for (const n of ["input_layer", "add", "add_1", "concatenate_3", "conv1_pad", "x_crop"]) {
      assert.ok(isTaken(n, KERAS_LAYER), n);
    }
    for (const b of ["B", "__init__", "Stage_use1"]) assert.ok(isTaken(specialisedName(b, 2), PYTHON_GLOBAL), b);
  });
  it("reads as the name where nothing is taken, with underscores where something is", () => {
    assert.deepEqual(
      ["conv1", "x", "x_", "range", "forward", "_modules"].map((n) => mangle(n, PYTHON_VARIABLE)),
      ["conv1", "x_", "x__", "range_", "forward", "_modules"],
    );
    assert.deepEqual(
      ["forward", "training", "_modules", "__class__", "x"].map((n) => mangle(n, TORCH_ATTRIBUTE)),
      ["forward_", "training_", "_modules_", "__class_____", "x"],
    );
  });
});
