// textDocument/formatting: the canonical layout as the smallest edit that makes it, from the tokens the analysis
// already read.
import type { TextEdit } from "vscode-languageserver";
import { changedRange, tokensOf } from "../../../grammar/index.js";
import { formatText } from "../format/format.js";
import type { Analysed } from "./documents.js";
import { toRange } from "./convert.js";

/**
 * One edit replacing only the stretch that changes (a whole-text replacement of an 800 KB file is 800 KB of JSON,
 * and editors that apply it as it is lose the cursor's place), or none. The tokens are the analysis' own, so a
 * request after an edit does not lex the text again; their lexer errors are the analysis' `lexer` diagnostics.
 */
export function formattingEdits(doc: Analysed, unit: string): TextEdit[] {
  const tokens = tokensOf(doc.analysis.ast);
  const errors = doc.analysis.diagnostics.filter((d) => d.code === "lexer");
  // No tokens: an empty text, or an analysis that failed and kept none (the text is lexed then, never taken as
  // empty, which would format the document away).
  const formatted = formatText(doc.text, unit, tokens.length > 0 ? { tokens, errors } : undefined);
  if (formatted === undefined) return [];
  const changed = changedRange(doc.text, formatted);
  if (!changed) return [];
  const newEnd = changed.oldEnd + formatted.length - doc.text.length;
  return [
    {
      range: toRange(doc.index, { start: changed.start, end: changed.oldEnd }),
      newText: formatted.slice(changed.start, newEnd),
    },
  ];
}
