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

/** An analysis diagnostic as LSP sends it, with related places and the quick-fix data kept. */
export function toLspDiagnostic(d: Diagnostic, index: LineIndex, uri: string): LspDiagnostic {
  const out: LspDiagnostic = {
    range: toRange(index, d.span),
    severity: severities[d.severity],
    code: d.code,
    source: "cnn",
    message: d.message,
  };
  if (d.related) out.relatedInformation = d.related.map((r) => ({ location: { uri, range: toRange(index, r.span) }, message: r.message }));
  // A dropped row is not wrong code, only a fact worth seeing: fade it rather than squiggle it.
  if (d.code === "inexact-division") out.tags = [DiagnosticTag.Unnecessary];
  if (d.data) out.data = d.data;
  return out;
}
