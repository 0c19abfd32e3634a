// reanalyze(previous, previousText, text) must equal analyze(text) after any edit: every example, fixture and a
// generated long model is edited at random (typing names, arrows, labels, braces, comments, numbers; deleting
// ranges), four edits in a row, each analysed from the one before, and compared with a whole analysis.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { describe, it } from "node:test";
import { moveStatement, parse, reparse, tokensOf, type FileAst } from "../../grammar/index.js";
import { analyze, reanalyze, wasResumed, type Analysis } from "../../server/src/analysis/index.js";
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
          edits++;
          text = next;
          analysis = incremental;
        }
      }
    }
    // The comparison means something only if the fast path was taken: edits that leave a syntax error in the
    // model, or touch its first statements (most of a short example), take the whole analysis.
    assert.ok(resumedCount > edits / 20, `only ${resumedCount} of ${edits} edits resumed a walk`);
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

/** The reference for moveStatement: every object with numeric `start` and `end` is a span (ast.ts). */
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

describe("moveStatement", () => {
  it("moves every span of every statement in the examples and fixtures, blocks' bodies included", () => {
    let statements = 0;
    for (const [, text] of sources)
      for (const def of parse(text).ast.definitions) {
        if (def.kind === "framework") continue;
        for (const statement of def.body) {
          assert.deepStrictEqual(moveStatement(statement, 7), moveEverySpan(statement, 7));
          statements++;
        }
      }
    assert.ok(statements > 300, `only ${statements} statements`);
  });
});
