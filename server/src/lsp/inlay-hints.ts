// Inlay hints: the output shape at the end of every line that computes something, one hint per line.
import type { InlayHint, Range } from "vscode-languageserver";
import { InlayHintKind } from "vscode-languageserver";
import type { Span, Statement } from "../../../grammar/index.js";
import type { Shape } from "../analysis/index.js";
import { compact } from "../report/format.js";
import type { Analysed } from "./documents.js";
import { toPosition } from "./convert.js";
import { shapeRange } from "./shape-range.js";

export interface InlayHintSettings {
  shapes: boolean;
  params: boolean;
}

interface Entry {
  end: number;
  /** One shape per instance of this text (a line inside a block has one per use). */
  shapes: (Shape | undefined)[];
  /** One parameter count per instance (only with the params setting); none for a structure, whose layers count. */
  params?: number[];
}

interface LineEntry {
  /** What the line produces: the last thing that ends on it (the end of a chain). */
  output: Entry;
  /** Every layer and block use that ends on the line, for the parameters of the whole line (params setting). */
  counted?: Entry[];
}

/**
 * Hints for the lines of `range`: `→ 64×112×112`, and `· 9.41 k params` (every layer of the line) when that
 * setting is on. A line inside a block used with different arguments shows the range over its uses
 * (`→ 64–512×7–56×7–56`).
 */
export function inlayHints(doc: Analysed, range: Range, settings: InlayHintSettings): InlayHint[] {
  if (!settings.shapes && !settings.params) return [];
  // Lines by number in an array, not a map: the whole file of a 50,000-line model has an entry on every line.
  const firstLine = Math.max(0, range.start.line);
  const lastLine = Math.min(range.end.line, doc.index.lineCount - 1);
  const byLine: (LineEntry | undefined)[] = new Array(Math.max(0, lastLine - firstLine + 1));
  const bySpan = new Map<number, Entry>();
  // Without the params setting no list of counts is made: most of the garbage of a whole file's hints.
  const counting = settings.params;
  const add = (span: Span, what: string, shape: Shape | undefined, count: number | undefined, group = false) => {
    const line = doc.index.line(span.end);
    if (line < firstLine || line > lastLine) return;
    const params = counting ? count : undefined;
    // Instances of one piece of text (a block used three times) share one entry; layers that share a text
    // (`shortcut auto`'s conv and batchnorm) are told apart by their kind. A number, not a string, per layer:
    // on a file of 50,000 layers the keys were most of the garbage.
    const key = span.start * KINDS_PER_OFFSET + kindCode(what);
    let entry = bySpan.get(key);
    if (!entry) {
      entry = { end: span.end, shapes: [] };
      bySpan.set(key, entry);
      const current = byLine[line - firstLine];
      if (!current)
        byLine[line - firstLine] = params === undefined ? { output: entry } : { output: entry, counted: [entry] };
      else {
        // A structure that ends where its last layer does (a residual's `shortcut auto`) produces the line.
        if (current.output.end < span.end || (group && current.output.end === span.end)) current.output = entry;
        if (params !== undefined) (current.counted ??= []).push(entry);
      }
    }
    entry.shapes.push(shape);
    if (params !== undefined) (entry.params ??= []).push(params);
  };
  // Found once, not once per model: a file of thousands of models must not make the hints quadratic.
  const firstStatements = new Map<number, Statement | undefined>();
  for (const d of doc.analysis.ast.definitions)
    if (d.kind === "model") firstStatements.set(d.name.span.start, d.body[0]);
  const total = (p: { trainable: number; nonTrainable: number }) => p.trainable + p.nonTrainable;
  for (const m of doc.analysis.models) {
    // The input line shows the sample's shape too, so every line of a model reads the same way.
    const first = firstStatements.get(m.nameSpan.start);
    if (first && m.input) add(first.span, "input", m.input, 0);
    for (const other of m.inputs.slice(1)) if (other.shape) add(other.span, "input", other.shape, 0);
    for (const l of m.layers) add(l.span, l.kind, l.outputShape, total(l.params));
    // A block use's layers are in the block's text: its parameters count on its line. A structure's layers
    // are in its own text and count there.
    for (const g of m.groups)
      add(g.span, `group ${g.kind}`, g.outputShape, g.kind === "block" ? total(g.params) : undefined, true);
  }
  const hints: InlayHint[] = [];
  for (const line of byLine) {
    if (!line) continue;
    const { output, counted } = line;
    if (!output.shapes[0]) continue;
    const shapes = settings.shapes ? `→ ${shapeRange(output.shapes)}` : "";
    const params = counted ? lineParams(counted) : "";
    const label = shapes && params ? `${shapes} · ${params} params` : shapes || (params && `${params} params`);
    if (!label) continue;
    hints.push({
      position: toPosition(doc.index, output.end),
      label,
      kind: InlayHintKind.Type,
      paddingLeft: true,
    });
  }
  // One hint per line, taken in line order: already sorted.
  return hints;
}

/** More than the kinds of layers, groups and inputs there are: each gets a code below it. */
const KINDS_PER_OFFSET = 256;
const kindCodes = new Map<string, number>();

/** A small number per kind name (`conv`, `group block`, `input`), the same for the life of the server. */
function kindCode(what: string): number {
  let code = kindCodes.get(what);
  if (code === undefined) {
    code = kindCodes.size % KINDS_PER_OFFSET;
    kindCodes.set(what, code);
  }
  return code;
}

/** The parameters of a line's layers and block uses, added up; a range when its uses differ; "" for none. */
function lineParams(counted: Entry[]): string {
  let low = 0;
  let high = 0;
  for (const e of counted) {
    if (!e.params) continue;
    low += countExtreme(e.params, -1);
    high += countExtreme(e.params, 1);
  }
  if (high === 0) return "";
  return low === high ? compact(high) : `${compact(low)}–${compact(high)}`;
}

/** The largest (sign 1) or smallest (sign −1) count, without spreading a list that may be long. */
function countExtreme(xs: number[], sign: 1 | -1): number {
  let best = xs[0]!;
  for (const x of xs) if (sign * x > sign * best) best = x;
  return best;
}
