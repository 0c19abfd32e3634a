// Formatting never changes meaning and never blows up: every .cnn file of the repository, a seeded fuzz
// corpus and every line-ending style analyse the same before and after, formatting twice changes nothing,
// and the output stays within the bound formatText states (checked on a 23,000-brace bomb too).
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, it } from "node:test";
import { lex, MAX_NESTING, type Token } from "../../grammar/index.js";
import { analyze, type Analysis } from "../../server/src/analysis/index.js";
import { formatText, indentUnit, MAX_INDENT_WIDTH } from "../../server/src/format/format.js";
import { sameTokens } from "../../server/src/format/same-tokens.js";
import { generateBraceBomb, generateMinusRun, random, withLineEndings } from "../hostile/bombs.js";
import { repoRoot } from "../unit/helpers.js";

/** Every committed .cnn file: the examples, the fixtures and tests, and the hostile corpus. */
function repositoryFiles(): { name: string; text: string }[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".cnn")) found.push(path);
    }
  };
  walk(join(repoRoot, "examples"));
  walk(join(repoRoot, "test"));
  return found.sort().map((path) => ({ name: relative(repoRoot, path), text: readFileSync(path, "utf8") }));
}

const snippets = [
  "conv(",
  "64",
  ", 3",
  ")",
  " -> ",
  "relu",
  "{",
  "}",
  "residual {",
  "} shortcut auto",
  "concat(",
  "x:",
  "\n",
  "\r",
  "\r\n",
  "# note\n",
  "# no end",
  "repeat 2 {",
  "dense(10)",
  "- -1",
  "(((",
  ":",
  ",",
  "padding: same",
  "  ",
  "\t",
  ";",
  "1e400",
  "-",
];

/** Mutants of the examples, as the live-server fuzz test makes them (a fixed seed, so a failure replays). */
function fuzzCorpus(count: number): { name: string; text: string }[] {
  const next = random(20261202);
  const examples = repositoryFiles().filter((f) => f.name.startsWith("examples"));
  const out: { name: string; text: string }[] = [];
  for (let i = 0; i < count; i++) {
    const source = examples[i % examples.length]!;
    let text = source.text;
    const edits = 1 + Math.floor(next() * 6);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(next() * (text.length + 1));
      const kind = next();
      if (kind < 0.6) text = text.slice(0, at) + snippets[Math.floor(next() * snippets.length)]! + text.slice(at);
      else if (kind < 0.9) text = text.slice(0, at) + text.slice(at + Math.floor(next() * 12));
      else text = text.slice(0, at) + String.fromCharCode(32 + Math.floor(next() * 95)) + text.slice(at);
    }
    out.push({ name: `mutant ${i} of ${source.name}`, text });
  }
  return out;
}

/** The analysis without anything that depends on where things are: spans and messages (which may cite lines). */
function meaning(a: Analysis): unknown {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (value && typeof value === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        if (isSpan(v) || (Array.isArray(v) && v.every(isSpan) && v.length > 0)) continue;
        out[k] = strip(v);
      }
      return out;
    }
    return value;
  };
  const { diagnostics, ...rest } = a;
  return { ...(strip(rest) as object), diagnostics: diagnostics.map((d) => `${d.severity} ${d.code}`) };
}

function isSpan(v: unknown): boolean {
  return !!v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 2 && "start" in v && "end" in v;
}

function lineBreaks(text: string): { count: number; longest: number } {
  const all = text.match(/\r\n|\r|\n/g) ?? [];
  return { count: all.length, longest: all.some((b) => b.length === 2) ? 2 : 1 };
}

/** The bound formatText documents: 2·input + (line breaks + 1)·(MAX_NESTING·unit + 2·longest line break). */
function bound(text: string, unit: string): number {
  const b = lineBreaks(text);
  return 2 * text.length + (b.count + 1) * (MAX_NESTING * unit.length + 2 * b.longest);
}

/** Checks one text; returns whether it was formatted at all (a text left alone keeps its meaning trivially). */
function checkOne(name: string, text: string, unit = "  "): boolean {
  const formatted = formatText(text, unit);
  if (formatted === undefined) return false;
  assert.deepEqual(meaning(analyze(formatted)), meaning(analyze(text)), `${name}: formatting changed the analysis`);
  assert.equal(formatText(formatted, unit), formatted, `${name}: formatting twice changed the text`);
  assert.ok(
    formatted.length <= bound(text, unit),
    `${name}: ${formatted.length} characters exceed the bound ${bound(text, unit)}`,
  );
  return true;
}

const styles = ["\n", "\r\n", "\r", "mixed"] as const;

describe("formatting keeps the meaning", () => {
  const files = repositoryFiles();
  it("finds the repository's .cnn files", () => {
    assert.ok(
      files.some((f) => f.name === "examples/resnet50.cnn") &&
        files.some((f) => f.name.startsWith("test/hostile/corpus/")),
    );
    assert.ok(files.length >= 20, `only ${files.length} files`);
  });
  for (const style of styles) {
    it(`of every repository file with ${JSON.stringify(style)} line breaks, and is idempotent`, () => {
      let formatted = 0;
      for (const f of files) if (checkOne(f.name, withLineEndings(f.text, style))) formatted++;
      // Files that do not lex are left alone; nearly every committed file lexes.
      assert.ok(formatted >= files.length - 3, `only ${formatted} of ${files.length} files were formatted`);
    });
  }
  it("of 400 fuzzed mutants of the examples, in every line-ending style", () => {
    let formatted = 0;
    const corpus = fuzzCorpus(400);
    corpus.forEach((m, i) => {
      if (checkOne(m.name, withLineEndings(m.text, styles[i % styles.length]!))) formatted++;
    });
    assert.ok(formatted > corpus.length / 2, `only ${formatted} of ${corpus.length} mutants were formatted`);
  });
  it("with a tab or a wide indentation unit", () => {
    for (const f of files.filter((x) => x.name.startsWith("examples"))) {
      assert.ok(checkOne(`${f.name} (tab)`, f.text, "\t"));
      assert.ok(checkOne(`${f.name} (16 spaces)`, f.text, " ".repeat(16)));
    }
  });
});

describe("formatting specific hostile input", () => {
  it("ends comments at CR-only line breaks instead of joining the file behind one (the result parses)", () => {
    const text = readFileSync(join(repoRoot, "test/hostile/corpus/cr-line-breaks.cnn"), "utf8");
    const formatted = formatText(text)!;
    assert.equal(formatted.split("\r").length, text.split("\r").length, "every CR line break is kept");
    assert.equal(analyze(formatted).models[0]?.layers.length, 3);
    assert.deepEqual(analyze(formatted).diagnostics, []);
  });
  it("keeps the file's own line break (CRLF stays CRLF)", () => {
    const formatted = formatText("model M {\r\ninput(3, 8, 8)\r\n  conv(4,1)\r\n}")!;
    assert.equal(formatted, "model M {\r\n  input(3, 8, 8)\r\n  conv(4, 1)\r\n}\r\n");
  });
  it("writes signs without a space and subtractions with one, in time linear in the minus signs", () => {
    assert.equal(
      formatText("model M {\n  conv(4, 3-1*-1, padding:(1- -1)//2, stride: - - 1)\n}\n"),
      "model M {\n  conv(4, 3 - 1 * -1, padding: (1 - -1) // 2, stride: --1)\n}\n",
    );
    const run = generateMinusRun(50_000);
    const started = performance.now();
    assert.ok(checkOne("50,000 minus signs", run));
    assert.ok(performance.now() - started < 5000, "formatting 50,000 minus signs took more than 5 s");
  });
  it("leaves the 23,000-brace bomb alone, fast and within a small memory bound", () => {
    const bomb = generateBraceBomb(23_000);
    const before = process.memoryUsage();
    const started = performance.now();
    const formatted = formatText(bomb);
    const grown = process.memoryUsage().rss - before.rss;
    assert.equal(formatted, undefined, "a file nested deeper than the parser reads is left as it is");
    assert.ok(performance.now() - started < 2000);
    assert.ok(grown < 64 * 1024 ** 2, `formatting grew the process by ${Math.round(grown / 1024 ** 2)} MB`);
  });
  it("stays within the bound at the deepest nesting it formats", () => {
    const deepest =
      "model Deep {\n" + "residual {\n".repeat(MAX_NESTING - 1) + "relu\n".repeat(20_000) + "}\n".repeat(MAX_NESTING);
    const formatted = formatText(deepest, " ".repeat(MAX_INDENT_WIDTH))!;
    assert.ok(formatted !== undefined);
    assert.ok(formatted.length <= bound(deepest, " ".repeat(MAX_INDENT_WIDTH)));
    assert.equal(formatText("model M {\n" + "{\n".repeat(MAX_NESTING) + "}\n".repeat(MAX_NESTING + 1)), undefined);
  });
  it("clamps a client's absurd tab size", () => {
    assert.equal(indentUnit({ tabSize: 1e9, insertSpaces: true }), " ".repeat(MAX_INDENT_WIDTH));
    assert.equal(indentUnit({ tabSize: -3, insertSpaces: true }), " ");
    assert.equal(indentUnit({ tabSize: "x", insertSpaces: true }), "  ");
    assert.equal(indentUnit({ tabSize: 4, insertSpaces: false }), "\t");
  });
});

/** The guard's answer the slow way: both texts lexed whole and compared token by token. */
function sameTokensWhole(tokens: readonly Token[], formatted: string): boolean {
  const again = lex(formatted);
  if (again.errors.length > 0 || again.tokens.length !== tokens.length) return false;
  return tokens.every((t, i) => t.tokenType === again.tokens[i]!.tokenType && t.image === again.tokens[i]!.image);
}

/** Small changes a buggy formatter could make: a space dropped or added, a line break joined, a character changed. */
const tamperings = [" ", "", "\n", "\r", "\r\n", "#", "1", "a", "-", ">", "\u00a0", '"'];

describe("the formatter's guard lexes only the changed lines", () => {
  it("agrees with lexing both texts whole, on every formatted repository file and 3,000 tamperings of them", () => {
    const next = random(20261203);
    const texts = repositoryFiles().flatMap((f) => styles.map((style) => withLineEndings(f.text, style)));
    let rejected = 0;
    let accepted = 0;
    for (let i = 0; i < 3000; i++) {
      const text = texts[i % texts.length]!;
      const lexed = lex(text);
      if (lexed.errors.length > 0) continue;
      const formatted = formatText(text, "  ", lexed);
      if (formatted === undefined) continue;
      // Formatting is itself a change the guard must accept; then one tampering at a random place, often at a
      // line's edge, where a lex of the changed lines alone would go wrong first.
      assert.equal(sameTokens(lexed.tokens, text, formatted), true, `formatting ${i} was refused`);
      const at = Math.floor(next() * (formatted.length + 1));
      const cut = Math.floor(next() * 3);
      const tampered =
        formatted.slice(0, at) + tamperings[Math.floor(next() * tamperings.length)]! + formatted.slice(at + cut);
      const whole = sameTokensWhole(lexed.tokens, tampered);
      assert.equal(
        sameTokens(lexed.tokens, text, tampered),
        whole,
        `tampering ${i} at ${at}: ${JSON.stringify(tampered.slice(at - 20, at + 20))}`,
      );
      if (whole) accepted++;
      else rejected++;
    }
    // Both answers occur: a test whose tamperings all change the tokens, or none, would show little.
    assert.ok(rejected > 500 && accepted > 200, `${rejected} refused, ${accepted} accepted`);
  });
  it("refuses a joined pair of tokens on the first or last line and across a line break", () => {
    const text = "model M {\n  input(3, 8, 8)\n  relu\n  x: conv(4, 1)\n}\n";
    const tokens = lex(text).tokens;
    assert.equal(sameTokens(tokens, text, text.replace("x: conv", "x: conv4")), false);
    assert.equal(sameTokens(tokens, text, text.replace("model M", "modelM")), false);
    assert.equal(sameTokens(tokens, text, text.replace("}\n", "}x\n")), false);
    assert.equal(sameTokens(tokens, text, text.replace("relu\n  x", "relux")), false);
    assert.equal(sameTokens(tokens, text, text.replace("relu\n  x", "relu x")), true);
  });
});
