// The only place that turns analysis offsets into LSP positions and ranges (and back).
import type { Diagnostic as LspDiagnostic, Position, Range } from "vscode-languageserver";
import { DiagnosticSeverity, DiagnosticTag } from "vscode-languageserver";
import type { Span } from "../../../grammar/index.js";
import type { Diagnostic, Severity } from "../analysis/index.js";
import type { LineIndex } from "../text/line-index.js";

export function toPosition(index: LineIndex, offset: number): Position {
  return index.position(offset);
}

export function toRange(index: LineIndex, span: Span): Range {
  return { start: toPosition(index, span.start), end: toPosition(index, span.end) };
}

export function toOffset(index: LineIndex, position: Position): number {
  return index.offset(position);
}

const severities: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** Which optional diagnostic fields the client takes (`publishDiagnostics.relatedInformation`, `tagSupport`). */
export interface DiagnosticOptions {
  related: boolean;
  tags: boolean;
}

/** An analysis diagnostic as LSP sends it, with related places and the quick-fix data kept. */
export function toLspDiagnostic(
  d: Diagnostic,
  index: LineIndex,
  uri: string,
  options: DiagnosticOptions = { related: true, tags: true },
): LspDiagnostic {
  const out: LspDiagnostic = {
    range: toRange(index, d.span),
    severity: severities[d.severity],
    code: d.code,
    source: "cnn",
    message: d.message,
  };
  if (d.related && options.related) {
    const place = (span: Span) => ({ uri, range: toRange(index, span) });
    out.relatedInformation = d.related.map((r) => ({ location: place(r.span), message: r.message }));
  }
  // A dropped row is not wrong code, only a fact worth seeing: fade it rather than squiggle it.
  if (d.code === "inexact-division" && options.tags) out.tags = [DiagnosticTag.Unnecessary];
  if (d.data) out.data = d.data;
  return out;
}
