// Keeps the editor files in step with the language:
//  - the TextMate grammar's list of layer names equals the layer registry's kinds and aliases (plus `input`);
//  - the grammar's keywords equal the lexer's reserved words;
//  - every snippet, with each placeholder at its default, analyses without an error.
// Run from the repository root: `node test/grammar/check-grammar-sync.mjs` checks, `--write` regenerates the list.
import { readFileSync, writeFileSync } from "node:fs";
import * as esbuild from "esbuild";

const GRAMMAR = "syntaxes/cnn.tmLanguage.json";
const SNIPPETS = "snippets/cnn.json";

/** Bundles the TypeScript sources in memory, so the check needs no prior compile step. */
async function loadSources() {
  const entry = [
    'export { layerNames } from "./server/src/analysis/layers/index.ts";',
    'export { analyze } from "./server/src/analysis/index.ts";',
    'export { keywordNames } from "./grammar/index.ts";',
  ].join("\n");
  const result = await esbuild.build({
    stdin: { contents: entry, resolveDir: process.cwd(), loader: "ts", sourcefile: "grammar-sync-entry.ts" },
    bundle: true,
    write: false,
    format: "esm",
    platform: "node",
    target: "node20",
    logLevel: "silent",
  });
  return import("data:text/javascript;base64," + Buffer.from(result.outputFiles[0].text).toString("base64"));
}

/** `input` and `output` are read by the model, not by the layer registry, but they are written like layers. */
function layerNamesPattern(names) {
  const all = [...new Set([...names, "input", "output"].map((n) => n.toLowerCase()))].sort();
  return `\\b(?i:${all.join("|")})\\b`;
}

/**
 * A snippet body with each tab stop replaced by its default (the placeholder text or the first choice);
 * a mirror `$n` takes the default of `${n:...}`, and a tab stop without one becomes empty.
 */
function expandSnippet(body) {
  let text = Array.isArray(body) ? body.join("\n") : body;
  const defaults = new Map();
  for (let i = 0; i < 10; i++) {
    text = text
      .replace(/\$\{(\d+)\|([^,|}]*)[^}]*\|\}/g, (_, n, value) => (defaults.set(n, value), value))
      .replace(/\$\{(\d+):((?:[^{}$]|\$(?!\{))*)\}/g, (_, n, value) => (defaults.set(n, value), value));
  }
  return text.replace(/\$\{(\d+)\}|\$(\d+)/g, (_, a, b) => defaults.get(a ?? b) ?? "");
}

const src = await loadSources();
const failures = [];
const write = process.argv.includes("--write");

const grammar = JSON.parse(readFileSync(GRAMMAR, "utf8"));
const expected = layerNamesPattern(src.layerNames());
if (grammar.repository["layer-names"].match !== expected) {
  if (write) {
    grammar.repository["layer-names"].match = expected;
    writeFileSync(GRAMMAR, JSON.stringify(grammar, null, 2) + "\n");
    console.log(`${GRAMMAR}: layer-names regenerated`);
  } else {
    failures.push(
      `${GRAMMAR}: layer-names is out of date with server/src/analysis/layers: ` +
        `run node test/grammar/check-grammar-sync.mjs --write`,
    );
  }
}

const grammarText = JSON.stringify(grammar);
for (const word of src.keywordNames) {
  if (!new RegExp(`[|(:]${word}[|)]`).test(grammarText))
    failures.push(`${GRAMMAR}: keyword '${word}' is not highlighted`);
}

const snippets = JSON.parse(readFileSync(SNIPPETS, "utf8"));
for (const [name, snippet] of Object.entries(snippets)) {
  if (!snippet.prefix || !snippet.body || !snippet.description)
    failures.push(`${SNIPPETS}: '${name}' needs a prefix, a body and a description`);
  const code = expandSnippet(snippet.body);
  const standalone = /^\s*(?:framework|model|block)\b/.test(code);
  const text = standalone ? code : `model SnippetCheck {\n  input(64, 32, 32)\n${code}\n}\n`;
  const errors = src.analyze(text).diagnostics.filter((d) => d.severity === "error");
  for (const e of errors) failures.push(`${SNIPPETS}: '${name}' expands to code with an error: ${e.message}\n${text}`);
}

if (failures.length) {
  for (const f of failures) console.error(`FAIL ${f}`);
  process.exit(1);
}
console.log(`grammar layer names, keywords and ${Object.keys(snippets).length} snippets are in step with the language`);
