// Every LSP feature is linear (or n·log n) in the document: on generated files 4× larger, each one's CPU time
// grows well under the 16× that quadratic work would take. A missed bound names the feature and the input.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { Diagnostic as LspDiagnostic, Range } from "vscode-languageserver";
import { analyze, modelErrors } from "../../server/src/analysis/index.js";
import { formatText } from "../../server/src/format/format.js";
import { codeActions } from "../../server/src/lsp/code-actions.js";
import { codeLenses } from "../../server/src/lsp/code-lens.js";
import { completions } from "../../server/src/lsp/completion.js";
import { toLspDiagnostic } from "../../server/src/lsp/convert.js";
import type { Analysed } from "../../server/src/lsp/documents.js";
import { foldingRanges } from "../../server/src/lsp/folding.js";
import { hoverAt } from "../../server/src/lsp/hover.js";
import { inlayHints } from "../../server/src/lsp/inlay-hints.js";
import { modelAt } from "../../server/src/lsp/locate.js";
import { definition, prepareRename, references, rename } from "../../server/src/lsp/navigation.js";
import { documentSymbols } from "../../server/src/lsp/outline.js";
import { semanticTokens } from "../../server/src/lsp/semantic-tokens.js";
import { signatureHelp } from "../../server/src/lsp/signature-help.js";
import { toJson } from "../../server/src/report/json.js";
import { summaryTable } from "../../server/src/report/table.js";
import { LineIndex } from "../../server/src/text/line-index.js";
import { generateBlocks, generateLabels, generateModels } from "../hostile/bombs.js";

interface Doc extends Analysed {
  diagnostics: LspDiagnostic[];
}

function analysed(text: string): Doc {
  const analysis = analyze(text);
  const index = new LineIndex(text);
  const doc = { uri: "file:///scale.cnn", version: 1, text, analysis, index };
  return { ...doc, diagnostics: analysis.diagnostics.map((d) => toLspDiagnostic(d, index, doc.uri)) };
}

/** Offsets spread evenly through the text: per-position requests are timed at many places at once. */
const spread = (doc: Doc, count = 20) =>
  Array.from({ length: count }, (_, i) => Math.floor(((i + 0.5) * doc.text.length) / count));
const whole: Range = { start: { line: 0, character: 0 }, end: { line: 10_000_000, character: 0 } };
const lastLabelUse = (doc: Doc) => Math.max(0, doc.text.lastIndexOf("add(") + 4);

const features: Record<string, (doc: Doc) => unknown> = {
  "analysis (the cache's work)": (doc) => analyze(doc.text),
  hover: (doc) => spread(doc).map((o) => hoverAt(doc, o)),
  "inlay hints": (doc) => inlayHints(doc, whole, { shapes: true, params: true }),
  completion: (doc) => spread(doc, 10).map((o) => completions(doc, o, { snippets: true, markdownDocs: true })),
  "signature help": (doc) => spread(doc).map((o) => signatureHelp(doc, o)),
  "document symbols": (doc) => documentSymbols(doc),
  definition: (doc) => spread(doc).map((o) => definition(doc, o)),
  references: (doc) => references(doc, lastLabelUse(doc), true),
  "prepare rename": (doc) => spread(doc).map((o) => prepareRename(doc, o)),
  rename: (doc) => rename(doc, lastLabelUse(doc), "renamed"),
  folding: (doc) => foldingRanges(doc),
  "semantic tokens": (doc) => semanticTokens(doc),
  formatting: (doc) => formatText(doc.text),
  "code actions": (doc) => codeActions(doc, doc.diagnostics),
  "code lens": (doc) => codeLenses(doc),
  "model at (status bar)": (doc) => spread(doc).map((o) => modelAt(doc.analysis, o)),
  "model errors": (doc) => doc.analysis.models.map((m) => modelErrors(doc.analysis, m)),
  summary: (doc) => [toJson(doc.analysis, doc.text), ...doc.analysis.models.map((m) => summaryTable(m))],
};

// A collection before each timing keeps one input's garbage out of the other's measurement.
setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

/** CPU milliseconds of `runs` calls, the least of some tries (CPU time, so other processes matter less). */
function cpuTime(f: () => unknown, runs: number, tries = 3): number {
  let best = Infinity;
  for (let t = 0; t < tries; t++) {
    collectGarbage();
    const started = process.cpuUsage();
    for (let i = 0; i < runs; i++) f();
    const used = process.cpuUsage(started);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}

const GROWTH = 8;
/**
 * Linear work grows 8×, n·log n about 10×, quadratic 64×. The margin is wide because a bigger heap costs more
 * garbage collection and CPU cache misses per item (measured: up to 22× on a machine shared with others).
 */
const LIMIT = 32;

const inputs: [string, (n: number) => string, number][] = [
  ["labels", generateLabels, 2_000],
  ["models with errors", generateModels, 400],
  ["blocks", generateBlocks, 400],
];

describe("every LSP feature scales linearly", () => {
  for (const [input, generate, n] of inputs) {
    it(`on ${input} (${n.toLocaleString("en-US")} and ${(GROWTH * n).toLocaleString("en-US")})`, (t) => {
      const small = analysed(generate(n));
      const big = analysed(generate(GROWTH * n));
      const slow: string[] = [];
      for (const [name, feature] of Object.entries(features)) {
        feature(small); // warm-up: V8 optimises after the first calls
        // Enough calls that the small input takes 10 ms, so that the ratio is not noise.
        let runs = 1;
        while (runs < 1024 && cpuTime(() => feature(small), runs, 1) < 10) runs *= 2;
        const measure = () =>
          cpuTime(() => feature(big), runs) /
          Math.max(
            0.001,
            cpuTime(() => feature(small), runs),
          );
        // A ratio over the limit is measured again, up to three times: a burst of load elsewhere, or a full
        // collection of the bigger heap landing in one measurement (inlay hints once measured 37.6× in CI, 15×
        // in the run before), is not quadratic work, which is over the limit every time.
        let ratio = measure();
        for (let again = 0; again < 3 && ratio > LIMIT; again++) ratio = Math.min(ratio, measure());
        if (ratio > LIMIT) slow.push(`${name}: ${ratio.toFixed(1)}× for ${GROWTH}× the input`);
        t.diagnostic(`${name}: ${ratio.toFixed(1)}×`);
      }
      assert.deepEqual(slow, [], `super-linear on ${input}`);
    });
  }
});
