// Inlay hints: the output shape at the end of every line that computes something, one hint per line.
import type { InlayHint, Range } from "vscode-languageserver";
import { InlayHintKind } from "vscode-languageserver";
import type { Span, Statement } from "../../../grammar/index.js";
import type { Shape } from "../analysis/index.js";
import { formatShape } from "../analysis/tensor.js";
import { compact } from "../report/format.js";
import type { Analysed } from "./documents.js";
import { toPosition } from "./convert.js";

export interface InlayHintSettings {
  shapes: boolean;
  params: boolean;
}

interface LineEntry {
  end: number;
  /** One shape per instance of this text (a line inside a block has one per use). */
  shapes: (Shape | undefined)[];
  params: number;
}

/** Hints for the lines of `range`: `→ 64×112×112`, and `· 9.41 k params` when that setting is on. */
export function inlayHints(doc: Analysed, range: Range, settings: InlayHintSettings): InlayHint[] {
  if (!settings.shapes && !settings.params) return [];
  const byLine = new Map<number, LineEntry>();
  const bySpan = new Map<number, LineEntry>();
  const add = (span: Span, shape: Shape | undefined, params: number) => {
    const line = toPosition(doc.index, span.end).line;
    if (line < range.start.line || line > range.end.line) return;
    // Instances of one piece of text (a block used three times) share one entry.
    let entry = bySpan.get(span.start);
    if (!entry) {
      entry = { end: span.end, shapes: [], params };
      bySpan.set(span.start, entry);
      const current = byLine.get(line);
      // The last thing that ends on a line is what the line produces (the end of a chain).
      if (!current || current.end < span.end) byLine.set(line, entry);
      else if (current.end === span.end) return;
    }
    entry.shapes.push(shape);
  };
  // Found once, not once per model: a file of thousands of models must not make the hints quadratic.
  const firstStatements = new Map<number, Statement | undefined>();
  for (const d of doc.analysis.ast.definitions)
    if (d.kind === "model") firstStatements.set(d.name.span.start, d.body[0]);
  for (const m of doc.analysis.models) {
    // The input line shows the sample's shape too, so every line of a model reads the same way.
    const first = firstStatements.get(m.nameSpan.start);
    if (first && m.input) add(first.span, m.input, 0);
    for (const other of m.inputs.slice(1)) if (other.shape) add(other.span, other.shape, 0);
    for (const l of m.layers) add(l.span, l.outputShape, l.params.trainable + l.params.nonTrainable);
    for (const g of m.groups) add(g.span, g.outputShape, g.params.trainable + g.params.nonTrainable);
  }
  const hints: InlayHint[] = [];
  for (const entry of byLine.values()) {
    const first = entry.shapes[0];
    if (!first) continue;
    const differs = entry.shapes.some((s) => formatShape(s) !== formatShape(first));
    const parts: string[] = [];
    if (settings.shapes)
      parts.push(`→ ${formatShape(first)}${differs ? ` (first of ${entry.shapes.length} uses)` : ""}`);
    if (settings.params && entry.params > 0) parts.push(`${compact(entry.params)} params`);
    if (parts.length === 0) continue;
    hints.push({
      position: toPosition(doc.index, entry.end),
      label: parts.join(" · "),
      kind: InlayHintKind.Type,
      paddingLeft: true,
    });
  }
  return hints.sort((a, b) => a.position.line - b.position.line || a.position.character - b.position.character);
}
