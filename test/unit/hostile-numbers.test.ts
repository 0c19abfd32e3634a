// Numbers that lie: sizes, counts and receptive fields past 2^53 − 1 become one diagnostic, never fake digits.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TextDocument } from "vscode-languageserver-textdocument";
import { run, type Io } from "../../bin/cli.js";
import { findOverflow, MAX_EXACT, shapeOverflow } from "../../server/src/analysis/size-limits.js";
import { AnalysisCache } from "../../server/src/lsp/documents.js";
import { hoverAt } from "../../server/src/lsp/hover.js";
import { fieldNumber } from "../../server/src/report/format.js";
import { toJson, type JsonModel } from "../../server/src/report/json.js";
import { analyze, readRepoFile, wrap } from "./helpers.js";

const corpus = (name: string) => `test/hostile/corpus/${name}.cnn`;

/** The diagnostics of a text as [code, severity, 1-based line, the text they underline]. */
function found(text: string): [string, string, number, string][] {
  const line = (offset: number) => text.slice(0, offset).split("\n").length;
  const under = (d: { span: { start: number; end: number } }) => text.slice(d.span.start, d.span.end);
  return analyze(text).diagnostics.map((d) => [d.code, d.severity, line(d.span.start), under(d)]);
}

async function cli(argv: string[]) {
  const out: string[] = [];
  const io: Io = {
    readFile: readRepoFile,
    writeFile: () => undefined,
    out: (t) => out.push(t),
    err: (t) => out.push(t),
  };
  const code = await run(argv, io);
  return { code, out: out.join("\n") };
}

/** Every number a JSON document holds, however deep. */
function numbersIn(value: unknown): number[] {
  if (typeof value === "number") return [value];
  if (value === null || typeof value !== "object") return [];
  return Object.values(value).flatMap(numbersIn);
}

describe("a size past 2^53 − 1 is one size-overflow error where it first happens", () => {
  // Each corpus file: the line and text underlined, and the quantity, total or not, and place in ModelInfo.overflow.
  const cases: [file: string, line: number, underlined: string, quantity: string, total: boolean, where: string][] = [
    ["concat-doubling-overflow", 5, "concat", "memory", false, "concat"],
    ["dense-params-overflow", 4, "dense(100000000)", "params", false, "dense1"],
    ["macs-overflow", 4, "conv(1000, 3)", "macs", false, "conv1"],
    ["total-macs-overflow", 4, "conv(1000, 1)", "macs", true, "repeat1.90.conv1"],
    ["input-overflow", 3, "input(3, 100000000, 100000000, batch: 1000)", "values", false, "input"],
    ["upsample-size-overflow", 4, "upsample(2)", "memory", false, "repeat1.50.upsample1"],
  ];
  for (const [file, line, underlined, quantity, total, where] of cases) {
    it(`${file}: ${quantity}${total ? " (model total)" : ""} at ${where}`, async () => {
      const text = readRepoFile(corpus(file));
      assert.deepEqual(found(text), [["size-overflow", "error", line, underlined]]);
      const model = analyze(text).models[0]!;
      const o = model.overflow;
      assert.deepEqual([o?.quantity, o?.total, o?.where], [quantity, total, where]);
      // The shapes after it are unknown, and nothing that was recorded is past the exact range.
      assert.equal(model.output, undefined);
      for (const l of model.layers) {
        const figures = [l.params.trainable, l.params.nonTrainable, l.macs, l.memory, ...(l.outputShape ?? [])];
        for (const n of figures) assert.ok(Number.isSafeInteger(n), `${l.name}: ${n}`);
      }
      for (const g of model.groups) assert.ok(Number.isSafeInteger(g.macs + g.params.trainable), g.name);
      const check = await cli(["check", corpus(file)]);
      assert.equal(check.code, 1);
      assert.match(check.out, /\[size-overflow\]/);
    });
  }

  it("names the quantity, the place and the fix in words", () => {
    const [d] = analyze(readRepoFile(corpus("dense-params-overflow"))).diagnostics;
    assert.equal(
      d!.message,
      "the parameter count of dense1 reaches about 1.00e16, past 2^53 − 1 (9007199254740991), " +
        "beyond which whole numbers are not exact: use fewer channels or units, or flatten a smaller tensor; " +
        "the shapes after it are unknown",
    );
    const [t] = analyze(readRepoFile(corpus("total-macs-overflow"))).diagnostics;
    assert.match(t!.message, /^the model's total MACs, with repeat1\.90\.conv1 added, reaches about 9\.\d\de15, /);
    assert.match(t!.message, /: use fewer or smaller layers; the shapes after it are unknown$/);
  });

  it("the concat doubling stops at the first concat past the range, not 10,000 times", () => {
    const model = analyze(readRepoFile(corpus("concat-doubling-overflow"))).models[0]!;
    // 3·2^k channels × 8 × 8 × 4 bytes passes 2^53 − 1 at k = 44; the concats before it are exact.
    const concat = model.groups.filter((g) => g.kind === "concat" && g.outputShape);
    assert.equal(concat.length, 43);
    assert.deepEqual(concat[concat.length - 1]!.outputShape, [3 * 2 ** 43, 8, 8]);
    assert.deepEqual(
      model.layers.map((l) => [l.name, l.inputShape]),
      [["relu1", undefined]],
    );
  });

  it("a single output size past the range is named as a size", () => {
    const text = wrap([1, 3], ["upsample(4000000000000000)", "relu"]);
    assert.deepEqual(found(text), [["size-overflow", "error", 4, "upsample(4000000000000000)"]]);
    assert.equal(analyze(text).models[0]!.overflow?.quantity, "size");
  });

  it("sizes inside a formula (padded input, dilated kernel, (W − 1)·S) are checked too", () => {
    const padded = wrap([1, 8], ["conv(1, 3, padding: 4503599627370496)", "relu"]);
    assert.deepEqual(found(padded), [["size-overflow", "error", 4, "conv(1, 3, padding: 4503599627370496)"]]);
    assert.match(analyze(padded).diagnostics[0]!.message, /^the padded input of conv reaches about 9\.01e15, past/);
    const dilated = wrap([1, 8, 8], ["maxpool(3, dilation: 9007199254740991)"]);
    assert.deepEqual(
      found(dilated).map((d) => d[0]),
      ["size-overflow"],
    );
    assert.match(analyze(dilated).diagnostics[0]!.message, /^the dilated kernel on H of maxpool reaches about 1\.8/);
    // The output would be 3, but only through (3 − 1)·4e15 − 2·4e15 + 3: those steps round.
    const transposed = wrap([1, 3], ["convtranspose(1, 3, stride: 4000000000000000, padding: 4000000000000000)"]);
    assert.deepEqual(
      found(transposed).map((d) => d[0]),
      ["size-overflow"],
    );
    assert.equal(analyze(transposed).models[0]!.layers[0]!.outputShape, undefined);
  });

  it("the limit is 2^53 − 1 exactly: one more is an overflow", () => {
    const none = { params: 0, macs: 0, memory: 0 };
    const one = { shape: [1], batch: 1 };
    const params = (trainable: number, nonTrainable = 0) => ({ ...one, params: { trainable, nonTrainable } });
    assert.equal(findOverflow({ ...one, macs: MAX_EXACT }, none), undefined);
    const macs = (total: boolean) => ({ quantity: "macs", total, value: 2 ** 53 });
    assert.deepEqual(findOverflow({ ...one, macs: MAX_EXACT + 1 }, none), macs(false));
    assert.deepEqual(findOverflow({ ...one, macs: 1 }, { ...none, macs: MAX_EXACT }), macs(true));
    assert.deepEqual(findOverflow(params(MAX_EXACT, 1), none), { quantity: "params", total: false, value: 2 ** 53 });
    // Parameters take 4 bytes each: a count the memory estimate cannot hold exactly is an overflow too.
    assert.equal(findOverflow(params(2 ** 50), none), undefined);
    assert.equal(findOverflow(params(2 ** 51), none)?.quantity, "memory");
    assert.deepEqual(shapeOverflow([Infinity, 8, 8], 1), { quantity: "size", total: false, value: Infinity });
    assert.equal(shapeOverflow([2 ** 20, 2 ** 30], 1), undefined);
  });
});

describe("reports never print an inexact total as digits", () => {
  it("summary --json: totals are null with the reason, and every number left is exact", async () => {
    const r = await cli(["summary", corpus("dense-params-overflow"), "--json"]);
    assert.equal(r.code, 1);
    const m = (JSON.parse(r.out) as { models: JsonModel[] }).models[0]!;
    assert.deepEqual(m.params, { total: null, trainable: null, nonTrainable: null });
    assert.equal(m.macs, null);
    assert.equal(m.flops, null);
    assert.deepEqual(m.memory, { input: 400000000, activations: null, params: null });
    assert.equal(m.overflow?.quantity, "params");
    assert.equal(m.overflow?.where, "dense1");
    assert.deepEqual(m.overflow?.range, { start: { line: 3, character: 2 }, end: { line: 3, character: 18 } });
    const dense1 = m.layers[0]!;
    const figures = [dense1.params, dense1.macs, dense1.memory, dense1.overflow, dense1.outputShape];
    assert.deepEqual(figures, [null, null, null, "params", null]);
    assert.ok(numbersIn(m).every((n) => Number.isSafeInteger(n) || !Number.isInteger(n)));
  });

  it("summary --json of a normal model keeps its fields and numbers, with no overflow key", () => {
    const text = readRepoFile("examples/resnet18.cnn");
    const m = toJson(analyze(text), text).models[0]!;
    assert.equal("overflow" in m, false);
    assert.equal(m.params.total, 11689512);
    assert.equal(m.flops, 2 * m.macs!);
    assert.ok(m.layers.every((l) => !("overflow" in l) && typeof l.params === "number"));
  });

  it("hovers on the model and on the overflowing layer say unknown, with the reason, and print no totals", () => {
    const text = readRepoFile(corpus("dense-params-overflow"));
    const doc = new AnalysisCache().get(TextDocument.create("file:///d.cnn", "cnn", 1, text));
    const hover = (needle: string) => (hoverAt(doc, text.indexOf(needle))!.contents as { value: string }).value;
    const model = hover("HugeDense");
    assert.match(model, /Totals unknown: the parameter count of dense1 reaches about 1\.00e16/);
    assert.doesNotMatch(model, /Parameters:|MACs:/);
    const layer = hover("dense(100000000)");
    assert.match(layer, /`100000000` → `\?`/);
    assert.match(layer, /Figures unknown: the parameter count of dense1/);
    assert.doesNotMatch(layer, /Parameters: 0/);
  });

  it("the text summary of the concat doubling shows no Infinity", async () => {
    const r = await cli(["summary", corpus("concat-doubling-overflow")]);
    assert.equal(r.code, 1);
    assert.doesNotMatch(r.out, /Infinity|NaN/);
    assert.match(r.out, /Output shape: \?/);
  });
});

describe("receptive fields are never printed as 1./0., Infinity or NaN", () => {
  it("tiny jumps and near-whole sizes keep their significant digits", async () => {
    const r = await cli(["summary", corpus("receptive-field-fraction")]);
    assert.equal(r.code, 0);
    assert.match(r.out, /^repeat1\.0\.convtranspose1 .* 2\/0\.0001$/m);
    assert.match(r.out, /^repeat1\.1\.convtranspose1 .* 2\.0001\/1e-8$/m);
    assert.doesNotMatch(r.out, /\d\.(\/|×|,|\s|$)/m);
  });

  it("fieldNumber: whole, three places, or significant digits when three places would look whole", () => {
    const values = [3, 0.5, 1 / 3, 2.0001, 1e-8, 2 + 1e-13, -0.25, Infinity, NaN];
    assert.deepEqual(values.map(fieldNumber), ["3", "0.5", "0.333", "2.0001", "1e-8", "≈2", "-0.25", "?", "?"]);
  });

  it("a stride product past 2^53 drops the field with one warning; the shapes stay", async () => {
    const text = readRepoFile(corpus("receptive-field-stride-overflow"));
    assert.deepEqual(found(text), [["size-overflow", "warning", 5, "conv(1, 3, stride: 2, padding: 1)"]]);
    const model = analyze(text).models[0]!;
    assert.deepEqual(model.output, [1, 1, 1]);
    assert.equal(model.receptiveField, undefined);
    assert.equal(model.overflow, undefined);
    const withField = model.layers.filter((l) => l.receptiveField);
    assert.equal(withField.length, 52);
    assert.deepEqual(withField[51]!.receptiveField!.jump, [2 ** 52, 2 ** 52]);
    const json = await cli(["summary", corpus("receptive-field-stride-overflow"), "--json"]);
    assert.equal(json.code, 0);
    assert.doesNotMatch(json.out, /null,\s*null|NaN|Infinity/);
    const summary = await cli(["summary", corpus("receptive-field-stride-overflow")]);
    assert.doesNotMatch(summary.out, /Infinity|NaN/);
  });
});
