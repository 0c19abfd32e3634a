// Inlay hints: the output shape at the end of every line that computes something, one hint per line.
import type { InlayHint, Range } from "vscode-languageserver";
import { InlayHintKind } from "vscode-languageserver";
import type { Span, Statement } from "../../../grammar/index.js";
import type { Shape } from "../analysis/index.js";
import { compact } from "../report/format.js";
import type { Analysed } from "./documents.js";
import { toPosition } from "./convert.js";
import { shapeRange } from "./shape-range.js";
import { formatShape } from "../analysis/tensor.js";

export interface InlayHintSettings {
  shapes: boolean;
  params: boolean;
}

interface Entry {
  /** The start of its text and its kind in one number (KINDS_PER_OFFSET): what instances of it share. */
  key: number;
  end: number;
  /** The shape of its first instance; `more` holds the others' (a line inside a block has one per use). */
  shape: Shape | undefined;
  more?: (Shape | undefined)[];
  /** One parameter count per instance (only with the params setting); none for a structure, whose layers count. */
  params?: number[];
}

/**
 * What ends on one line: its first entry, and the others (made only when there are others: most lines have one,
 * and on a 50,000-line file each list made for one item was megabytes of garbage).
 */
interface LineEntry {
  /** What the line produces: the last thing that ends on it (the end of a chain). */
  output: Entry;
  first: Entry;
  others?: Entry[];
  /** The entries by key, made only for a line with many of them (a long chain written on one line). */
  byKey?: Map<number, Entry>;
}

/** Entries on one line searched one by one; a line with more gets a map (it stays linear in the line). */
const LINE_SEARCH_LIMIT = 16;

/** The entry of `key` on `line`, if it has one. */
function entryOf(line: LineEntry, key: number): Entry | undefined {
  if (line.first.key === key) return line.first;
  if (line.byKey) return line.byKey.get(key);
  for (const e of line.others ?? []) if (e.key === key) return e;
  return undefined;
}

function addEntry(line: LineEntry, entry: Entry): void {
  if (!line.others) line.others = [entry];
  else line.others.push(entry);
  if (line.byKey) line.byKey.set(entry.key, entry);
  else if (line.others.length > LINE_SEARCH_LIMIT) line.byKey = new Map(entriesOf(line).map((e) => [e.key, e]));
}

function entriesOf(line: LineEntry): Entry[] {
  return line.others ? [line.first, ...line.others] : [line.first];
}

/** Every instance's shape of an entry. */
function shapesOf(entry: Entry): (Shape | undefined)[] {
  return entry.more ? [entry.shape, ...entry.more] : [entry.shape];
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
  // Without the params setting no list of counts is made: most of the garbage of a whole file's hints.
  const counting = settings.params;
  const add = (span: Span, what: string, shape: Shape | undefined, count: number | undefined, group = false) => {
    const line = doc.index.line(span.end);
    if (line < firstLine || line > lastLine) return;
    const params = counting ? count : undefined;
    // Instances of one piece of text (a block used three times) share one entry; layers that share a text
    // (`shortcut auto`'s conv and batchnorm) are told apart by their kind. Found among the entries of their line,
    // not in a map of the whole file's: on a file of 50,000 layers the map was most of the garbage.
    const key = span.start * KINDS_PER_OFFSET + kindCode(what);
    const current = byLine[line - firstLine];
    const entry = current && entryOf(current, key);
    if (entry) {
      if (entry.more) entry.more.push(shape);
      else entry.more = [shape];
      if (params !== undefined) (entry.params ??= []).push(params);
    } else {
      // Lists made with their first item: an empty list given one item by push() reserves room for seventeen.
      const made: Entry = { key, end: span.end, shape };
      if (params !== undefined) made.params = [params];
      if (!current) byLine[line - firstLine] = { output: made, first: made };
      else {
        // A structure that ends where its last layer does (a residual's `shortcut auto`) produces the line.
        if (current.output.end < span.end || (group && current.output.end === span.end)) current.output = made;
        addEntry(current, made);
      }
    }
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
  // One label per shape object: an activation shares its input's shape, so 50,000 lines have 5,500 to write.
  const shapeLabels = new Map<Shape, string>();
  const shapeLabel = (shape: Shape) => {
    let label = shapeLabels.get(shape);
    if (label === undefined) shapeLabels.set(shape, (label = `→ ${formatShape(shape)}`));
    return label;
  };
  for (const line of byLine) {
    if (!line) continue;
    const output = line.output;
    if (!output.shape) continue;
    const shapes = settings.shapes
      ? output.more
        ? `→ ${shapeRange(shapesOf(output))}`
        : shapeLabel(output.shape)
      : "";
    const params = counting ? lineParams(entriesOf(line)) : "";
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
