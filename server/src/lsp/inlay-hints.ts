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
  /** One parameter count per instance; empty for a structure, whose layers count on their own. */
  params: number[];
}

interface LineEntry {
  /** What the line produces: the last thing that ends on it (the end of a chain). */
  output: Entry;
  /** Every layer and block use that ends on the line, for the parameters of the whole line. */
  counted: Entry[];
}

/**
 * Hints for the lines of `range`: `→ 64×112×112`, and `· 9.41 k params` (every layer of the line) when that
 * setting is on. A line inside a block used with different arguments shows the range over its uses
 * (`→ 64–512×7–56×7–56`).
 */
export function inlayHints(doc: Analysed, range: Range, settings: InlayHintSettings): InlayHint[] {
  if (!settings.shapes && !settings.params) return [];
  const byLine = new Map<number, LineEntry>();
  const bySpan = new Map<number, Entry>();
  const add = (span: Span, what: string, shape: Shape | undefined, params: number | undefined, group = false) => {
    const line = doc.index.line(span.end);
    if (line < range.start.line || line > range.end.line) return;
    // Instances of one piece of text (a block used three times) share one entry; layers that share a text
    // (`shortcut auto`'s conv and batchnorm) are told apart by their kind. A number, not a string, per layer:
    // on a file of 50,000 layers the keys were most of the garbage.
    const key = span.start * KINDS_PER_OFFSET + kindCode(what);
    let entry = bySpan.get(key);
    if (!entry) {
      entry = { end: span.end, shapes: [], params: [] };
      bySpan.set(key, entry);
      const current = byLine.get(line);
      if (!current) byLine.set(line, { output: entry, counted: params === undefined ? [] : [entry] });
      else {
        // A structure that ends where its last layer does (a residual's `shortcut auto`) produces the line.
        if (current.output.end < span.end || (group && current.output.end === span.end)) current.output = entry;
        if (params !== undefined) current.counted.push(entry);
      }
    }
    entry.shapes.push(shape);
    if (params !== undefined) entry.params.push(params);
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
  for (const { output, counted } of byLine.values()) {
    if (!output.shapes[0]) continue;
    const parts: string[] = [];
    if (settings.shapes) parts.push(`→ ${shapeRange(output.shapes)}`);
    if (settings.params) {
      const params = lineParams(counted);
      if (params) parts.push(`${params} params`);
    }
    if (parts.length === 0) continue;
    hints.push({
      position: toPosition(doc.index, output.end),
      label: parts.join(" · "),
      kind: InlayHintKind.Type,
      paddingLeft: true,
    });
  }
  // Lines come in the order their first layer was walked: sorted already unless a block's text comes after its
  // use, and the check is a tenth of the sort on 50,000 hints.
  return inOrder(hints) ? hints : hints.sort(byPosition);
}

const byPosition = (a: InlayHint, b: InlayHint) =>
  a.position.line - b.position.line || a.position.character - b.position.character;

function inOrder(hints: InlayHint[]): boolean {
  for (let i = 1; i < hints.length; i++) if (byPosition(hints[i - 1]!, hints[i]!) > 0) return false;
  return true;
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
    if (e.params.length === 0) continue;
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
