// The parser: the whole syntax of the spec, and recovery that keeps the rest of the file.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { lex, parse, tokensOf, type BlockDef, type Expr, type ModelDef } from "../../grammar/index.js";
import { readRepoFile } from "./helpers.js";

describe("parse", () => {
  it("reads the spec's examples without errors", () => {
    for (const f of ["lenet5", "resnet50", "unet_small", "keras_smallnet", "googlenet", "densenet121"]) {
      assert.deepEqual(parse(readRepoFile(`examples/${f}.cnn`)).errors, [], f);
    }
  });
  it("builds the structure: blocks with defaults, labels, chains, merges, repeat, arithmetic", () => {
    const { ast, errors } = parse(`block B(w, s = 1) { residual { conv(w * 4 // 2, 3, stride: s) } shortcut auto }
model M { input(3, 8, 8)
  a: conv(4, (3, 5)) -> relu
  up: a -> upsample(2)
  concat { branch { identity } branch { conv(2, 1) } }
  add(a, up)
  repeat 2 { B(4, s: 2) }
}`);
    assert.deepEqual(errors, []);
    const block = ast.definitions[0] as BlockDef;
    assert.deepEqual(
      block.params.map((p) => [p.name.text, p.default?.kind]),
      [
        ["w", undefined],
        ["s", "int"],
      ],
    );
    const model = ast.definitions[1] as ModelDef;
    assert.deepEqual(
      model.body.map((s) => [s.label?.text, s.chain.map((c) => c.kind)]),
      [
        [undefined, ["layer"]],
        ["a", ["layer", "layer"]],
        ["up", ["layer", "layer"]],
        [undefined, ["mergeBranches"]],
        [undefined, ["mergeLabels"]],
        [undefined, ["repeat"]],
      ],
    );
  });
  it("reports several syntax errors and keeps the definitions after them", () => {
    const text =
      "model A { input(3) conv(4, }\nmodel B { input(3) dense(2) ) }\nblock C( { }\nmodel D { input(2) dense(1) }";
    const { ast, errors } = parse(text);
    assert.ok(errors.length >= 3, errors.map((e) => e.message).join("; "));
    assert.deepEqual(
      ast.definitions.map((d) => (d.kind === "framework" ? "" : d.name.text)),
      ["A", "B", "C", "D"],
    );
    for (const e of errors) assert.ok(e.span.end <= text.length && e.code === "syntax", `${e.code}: ${e.message}`);
  });
  it("reads number literals with an exponent as one number (spec §7: 1e-6, 2.5E3)", () => {
    const written = ["1e-6", "2.5E3", "1E+4", ".5e1", "3.e-2", "7e0"];
    for (const w of written) {
      const { code, errors } = lex(w);
      assert.deepEqual(errors, [], w);
      assert.deepEqual(
        code.map((t) => [t.tokenType.name, t.image]),
        [["Decimal", w]],
        `${w} is one token`,
      );
    }
    const { ast, errors } = parse(`model M { input(3, 4, 4) scale(init: 1e-6) -> groupnorm(1, eps: 2.5E3) }`);
    assert.deepEqual(errors, []);
    const chain = (ast.definitions[0] as ModelDef).body[1]!.chain as { args?: { value: Expr }[] }[];
    const values = chain.map((c) => c.args!.at(-1)!.value);
    assert.deepEqual(
      values.map((v) => (v.kind === "decimal" ? v.value : v.kind)),
      [1e-6, 2500],
    );
    // `1e` and `e5` are not numbers: a name after a whole number, and a name.
    assert.deepEqual(
      lex("1e e5").code.map((t) => t.tokenType.name),
      ["Integer", "Identifier", "Identifier"],
    );
  });
  it("reads gate, mul, split and several inputs and outputs", () => {
    const { ast, errors } = parse(`model M {
  image: input(3, 8, 8)
  mask: input(1, 8, 8)
  gate { adaptiveavgpool(1) -> conv(3, 1) -> sigmoid } -> mul(mask)
  split(sizes: (1, 2)) { branch { } branch { relu } }
  mul { branch { relu } branch { } }
  out: split { branch { relu } branch { } }
  output(out, image)
}`);
    assert.deepEqual(errors, []);
    const model = ast.definitions[0] as ModelDef;
    assert.deepEqual(
      model.body.map((s) => [
        s.label?.text,
        s.chain.map((c) => (c.kind === "mergeLabels" ? `${c.kind}:${c.op}` : c.kind)),
      ]),
      [
        ["image", ["layer"]],
        ["mask", ["layer"]],
        [undefined, ["gate", "mergeLabels:mul"]],
        [undefined, ["split"]],
        [undefined, ["mergeBranches"]],
        ["out", ["split"]],
        [undefined, ["layer"]],
      ],
    );
    const split = model.body[3]!.chain[0]!;
    assert.ok(split.kind === "split" && split.args?.length === 1 && split.branches.length === 2);
  });
  it("recovers inside gate and split and keeps the statements and definitions after them", () => {
    const text =
      "model A { input(3, 8, 8)\n gate { conv(3, }\n relu\n}\n" +
      "model B { input(4, 8, 8)\n split(sizes: (2, 2) { branch { } branch { relu } }\n relu\n}\n" +
      "model C { input(4, 8, 8)\n split { branch { relu } branch }\n relu\n}\nmodel D { input(2) dense(1) }";
    const { ast, errors } = parse(text);
    assert.ok(errors.length >= 3, errors.map((e) => e.message).join("; "));
    assert.deepEqual(
      ast.definitions.map((d) => (d.kind === "framework" ? "" : d.name.text)),
      ["A", "B", "C", "D"],
    );
    for (const e of errors) assert.ok(e.span.end <= text.length && e.code === "syntax", `${e.code}: ${e.message}`);
    const last = ast.definitions[3] as ModelDef;
    assert.deepEqual(last.body.length, 2);
  });
  it("words that begin with a keyword are names", () => {
    const { ast, errors } = parse("model models { input(3) additional: dense(2) }");
    assert.deepEqual(errors, []);
    assert.equal((ast.definitions[0] as ModelDef).name.text, "models");
  });
  it("comments are kept for the formatter", () => {
    assert.deepEqual(
      parse("# a\nmodel M { input(1) } # b").ast.comments.map((c) => c.text),
      ["# a", "# b"],
    );
  });
  it("the token stream the parser read stays with its AST, comments in place", () => {
    const text = "# a\nmodel M { # b\n  input(1) } # c";
    const { ast } = parse(text);
    const images = tokensOf(ast).map((t) => t.image);
    assert.deepEqual(images, ["# a", "model", "M", "{", "# b", "input", "(", "1", ")", "}", "# c"]);
    assert.deepEqual(
      lex(text).tokens.map((t) => t.image),
      images,
    );
    assert.deepEqual(tokensOf({ definitions: [], comments: [] }), []);
  });
});
