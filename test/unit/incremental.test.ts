// reanalyze(previous, previousText, text) must equal analyze(text) after any edit: every example, fixture and a
// generated long model is edited at random (typing names, arrows, labels, braces, comments, numbers; deleting
// ranges), four edits in a row, each analysed from the one before, and compared with a whole analysis.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { describe, it } from "node:test";
import { parse, reparse, shiftStatement, tokensOf, type FileAst } from "../../grammar/index.js";
import { analyze, reanalyze, statementsReused, wasResumed, type Analysis } from "../../server/src/analysis/index.js";
import type { SaveStep, Step } from "../../server/src/analysis/program.js";
import { Random } from "../../server/src/simulation/random.js";
import { generateLabels } from "../hostile/bombs.js";
import { readRepoFile, repoRoot } from "./helpers.js";

/** What a person types: names, arrows, labels, brackets, comments, numbers, whole lines and structures. */
const typed = [
  " ",
  "\n",
  "  ",
  "relu",
  " -> relu",
  "\n  relu",
  "x: ",
  "(",
  ")",
  "{",
  "}",
  "# a note\n",
  "#",
  "8",
  "0",
  ",",
  "conv(8, 3)",
  "\n  conv(4, 1) -> batchnorm\n",
  "model",
  "block: ",
  "->",
  ";",
  "add(",
  "a",
  ":",
  '"q": ',
  '"',
  "residual {\n  relu\n}",
  "output(x)",
  "\n  y: maxpool(2)\n  add(y)\n",
  "input(3, 8, 8)",
];

function editAt(text: string, random: Random, from: number): string {
  const at = from + Math.floor(random.uniform() * (text.length - from + 1));
  const choice = random.uniform();
  if (choice < 0.6) return text.slice(0, at) + typed[Math.floor(random.uniform() * typed.length)] + text.slice(at);
  const length = 1 + Math.floor(random.uniform() * (choice < 0.9 ? 3 : 40));
  if (choice < 0.95) return text.slice(0, at) + text.slice(at + length);
  // Replace a stretch with another piece of the file: a line moved, a call copied.
  const source = Math.floor(random.uniform() * Math.max(1, text.length - length));
  return text.slice(0, at) + text.slice(source, source + length) + text.slice(at + length);
}

/** Where edits land: mostly in the last definition (the fast path's case), sometimes anywhere. */
function editFrom(text: string, random: Random): number {
  if (random.uniform() < 0.15) return 0;
  const last = Math.max(text.lastIndexOf("\nmodel "), text.lastIndexOf("\nblock "), 0);
  return last;
}

function tokenList(ast: FileAst): string[] {
  return tokensOf(ast).map((t) => `${t.startOffset}:${t.image}`);
}

function assertSame(incremental: Analysis, whole: Analysis, context: string): void {
  const { ast: a, ...restA } = incremental;
  const { ast: b, ...restB } = whole;
  assert.deepStrictEqual(a, b, `${context}: the AST differs`);
  assert.deepStrictEqual(restA, restB, `${context}: the analysis differs`);
  assert.deepStrictEqual(tokenList(a), tokenList(b), `${context}: the tokens differ`);
  for (const model of incremental.models) assertLoadsFindTheirSaves(model.program ?? [], context);
}

/**
 * Equal records may still be wrong: a load finds its tensor by the very save step object it refers to (the
 * simulation and the exporters keep tensors by it), so every load and label merge must refer to a save step of
 * the same record, also where one walk took over the rest of another.
 */
function assertLoadsFindTheirSaves(program: Step[], context: string): void {
  const saves = new Set<SaveStep>();
  const reads: SaveStep[] = [];
  const visit = (steps: Step[]): void => {
    for (const step of steps) {
      if (step.step === "save") saves.add(step);
      else if (step.step === "load") reads.push(step.from);
      else if (step.step === "mergeLabels") reads.push(...step.labels);
      else if (step.step === "block" || step.step === "gate") visit(step.body);
      else if (step.step === "repeat") step.iterations.forEach(visit);
      else if (step.step === "residual") [step.main, step.shortcut].forEach(visit);
      else if (step.step === "branches" || step.step === "split") step.branches.forEach(visit);
    }
  };
  visit(program);
  for (const read of reads) assert.ok(saves.has(read), `${context}: a load of '${read.label}' refers to no save`);
}

const sources: [string, string][] = [
  ...readdirSync(`${repoRoot}/examples`)
    .filter((f) => f.endsWith(".cnn"))
    .map((f): [string, string] => [`examples/${f}`, readRepoFile(`examples/${f}`)]),
  ...readdirSync(`${repoRoot}/test/fixtures`)
    .filter((f) => f.endsWith(".cnn"))
    .map((f): [string, string] => [`test/fixtures/${f}`, readRepoFile(`test/fixtures/${f}`)]),
  ["generated 300 labels", generateLabels(300)],
];

describe("reanalyze", () => {
  it("equals a whole analysis after four random edits in a row, in every example and fixture", () => {
    let resumedCount = 0;
    let joinedCount = 0;
    let edits = 0;
    for (const [name, original] of sources) {
      const random = new Random(7, name);
      for (let run = 0; run < 6; run++) {
        let text = original;
        let analysis = analyze(text);
        for (let step = 0; step < 4; step++) {
          const next = editAt(text, random, editFrom(text, random));
          const incremental = reanalyze(analysis, text, next);
          assertSame(incremental, analyze(next), `${name}, run ${run}, edit ${step}: ${JSON.stringify(next)}`);
          if (wasResumed(incremental)) resumedCount++;
          if (statementsReused(incremental) > 0) joinedCount++;
          edits++;
          text = next;
          analysis = incremental;
        }
      }
    }
    // The comparison means something only if the fast path was taken: edits that leave a syntax error in the
    // model, or touch its first statements (most of a short example), take the whole analysis.
    assert.ok(resumedCount > edits / 20, `only ${resumedCount} of ${edits} edits resumed a walk`);
    // …and where some resumed walks met the earlier walk and took over its rest (the examples are mostly too short
    // for a checkpoint after the edit: the next test edits a long model).
    assert.ok(joinedCount > 0, `none of ${edits} edits took over an earlier walk`);
  });

  it("takes over the rest of the earlier walk where the states meet again, after edits of every kind", () => {
    let text = generateLabels(2_000);
    let analysis = analyze(text);
    const edit = (name: string, next: string, reusedAtLeast: number) => {
      const incremental = reanalyze(analysis, text, next);
      assertSame(incremental, analyze(next), name);
      assert.ok(wasResumed(incremental), `${name}: not resumed`);
      const reused = statementsReused(incremental);
      assert.ok(reused >= reusedAtLeast, `${name}: ${reused} statements taken over, not ${reusedAtLeast}`);
      if (reusedAtLeast === 0) assert.equal(reused, 0, `${name}: ${reused} statements taken over`);
      text = next;
      analysis = incremental;
    };
    const middle = text.indexOf("  a1000:");
    // White space and a comment: nothing changes but the positions after them.
    edit("a space in the middle", text.slice(0, middle) + " " + text.slice(middle), 900);
    edit("a comment line", text.replace("  a1200:", "  # a note\n  a1200:"), 700);
    // Another kind for a labelled layer (labelled layers are not counted in the automatic names): same state after.
    edit("a layer's kind", text.replace("a1502: relu", "a1502: elu"), 400);
    // A kernel three quarters down: every later receptive field differs, so every later statement is walked.
    edit("a kernel", text.replace("a1501: conv(8, 3, padding: 1)", "a1501: conv(8, 5, padding: 2)"), 0);
    edit("the kernel back", text.replace("a1501: conv(8, 5, padding: 2)", "a1501: conv(8, 3, padding: 1)"), 0);
    // A layer added and one removed: every later layer, node and name is numbered differently.
    edit("a layer added", text.replace("  a1003: relu\n", "  a1003: relu\n  relu\n"), 0);
    edit("a layer removed", text.replace("  relu\n", ""), 0);
    // A label that later lines use, renamed and named back: an error at its use, then none. Another name is
    // another state to the end (the later lines could use either name).
    edit("a used label renamed", text.replace("a1205: relu", "b1205: relu"), 0);
    edit("the label back", text.replace("b1205: relu", "a1205: relu"), 0);
    edit("white space after it", text.replace("  a1206:", "\n  a1206:"), 700);
    // A label the next lines merge, defined again with another tensor: the walk goes on until the states meet.
    edit("a label's tensor", text.replace("a1305: relu", "a1305: conv(8, 1)"), 600);
  });

  it("does not take over an earlier walk whose totals the edit pushes past 2^53 − 1", () => {
    // 511 1×1 convs of 2^44 MACs each are 2^53 − 2^44 MACs; a relu among them made the 512th conv, 2^53.
    const lines = Array.from({ length: 512 }, (_, i) => (i === 100 ? "  r: relu" : `  c${i}: conv(4096, 1)`));
    const text = `model Huge {\n  input(4096, 1024, 1024)\n${lines.join("\n")}\n}\n`;
    const before = analyze(text);
    assert.equal(before.models[0]!.overflow, undefined);
    const edited = text.replace("r: relu", "r: conv(4096, 1)");
    const after = reanalyze(before, text, edited);
    assertSame(after, analyze(edited), "the 512th conv");
    assert.ok(after.models[0]!.overflow, "the MACs past 2^53 − 1 are reported");
    assert.equal(statementsReused(after), 0);
  });

  it("takes over the earlier walk when the edit changed how many statements there are, not what they do", () => {
    const lines = Array.from({ length: 400 }, (_, i) => (i % 4 ? "  relu" : "  conv(8, 1) -> relu"));
    let text = `model Chains {\n  input(8, 8, 8)\n${lines.join("\n")}\n}\n`;
    const split = text.replace(/( {2}relu\n)( {2}conv\(8, 1\)) -> relu\n/g, (whole, before, conv, offset: number) =>
      offset > text.length / 2 && offset < text.length / 2 + 40 ? `${before}${conv}\n  relu\n` : whole,
    );
    assert.notEqual(split, text);
    const once = reanalyze(analyze(text), text, split);
    assertSame(once, analyze(split), "a chain split in two");
    assert.ok(statementsReused(once) > 150, `${statementsReused(once)} statements taken over`);
    text = split;
    const joined = text.replace(/( {2}conv\(8, 1\))\n {2}relu\n/, "$1 -> relu\n");
    const twice = reanalyze(once, text, joined);
    assertSame(twice, analyze(joined), "the chain joined again");
    assert.ok(statementsReused(twice) > 150, `${statementsReused(twice)} statements taken over`);
  });

  it("resumes the walk for an edit in the middle of a long model, and again from its own result", () => {
    const text = generateLabels(2_000);
    const middle = text.indexOf("  a1000:");
    const first = text.slice(0, middle) + "  extra: relu\n" + text.slice(middle);
    const once = reanalyze(analyze(text), text, first);
    assert.ok(wasResumed(once));
    assertSame(once, analyze(first), "one line added");
    const second = first.replace("a1502: relu", "a1502: relu6");
    const twice = reanalyze(once, first, second);
    assert.ok(wasResumed(twice));
    assertSame(twice, analyze(second), "a layer changed after it");
  });

  it("analyses the whole text when the edit is outside the last model, or the options changed", () => {
    const text = readRepoFile("examples/resnet18.cnn");
    const before = analyze(text);
    const framework = "framework keras\n" + text;
    assert.equal(wasResumed(reanalyze(before, text, framework)), false);
    const keras = reanalyze(before, text, text + " ", { defaultFramework: "keras" });
    assert.equal(wasResumed(keras), false);
    assertSame(keras, analyze(text + " ", { defaultFramework: "keras" }), "another default framework");
  });
});

describe("reparse", () => {
  it("gives undefined rather than a parse that could differ: a syntax error from the edit on", () => {
    const text = "model M {\n  input(3, 8, 8)\n  relu\n  relu\n  relu\n  relu\n  relu\n  relu\n  relu\n}\n";
    const before = parse(text);
    const broken = text.replace("relu\n  relu\n}", "relu(\n  relu\n}");
    assert.equal(reparse(before, text, broken), undefined);
    const fine = text.replace("relu\n  relu\n}", "relu\n  relu6\n}");
    const again = reparse(before, text, fine);
    assert.ok(again);
    assert.deepStrictEqual(again.ast, parse(fine).ast);
  });
});

/** The reference for shiftStatement: every object with numeric `start` and `end` is a span (ast.ts). */
function moveEverySpan(value: unknown, delta: number): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => moveEverySpan(v, delta));
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) copy[key] = moveEverySpan(field, delta);
  if (typeof copy["start"] === "number" && typeof copy["end"] === "number") {
    copy["start"] = (copy["start"] as number) + delta;
    copy["end"] = (copy["end"] as number) + delta;
  }
  return copy;
}

describe("shiftStatement", () => {
  it("moves every span of every statement once, in the examples and fixtures, blocks' bodies included", () => {
    let statements = 0;
    for (const [, text] of sources)
      for (const def of parse(text).ast.definitions) {
        if (def.kind === "framework") continue;
        for (const statement of def.body) {
          // A copy that keeps shared objects shared: a span object used twice would move twice.
          const moved = structuredClone(statement);
          shiftStatement(moved, 7);
          assert.deepStrictEqual(moved, moveEverySpan(statement, 7));
          statements++;
        }
      }
    assert.ok(statements > 300, `only ${statements} statements`);
  });
});
