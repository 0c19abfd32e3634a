// Folding ranges: every multi-line body (model, block, residual, branches, repeat) and runs of comment lines.
import type { FoldingRange } from "vscode-languageserver";
import { FoldingRangeKind } from "vscode-languageserver";
import { cnnLexer } from "../../../grammar/tokens.js";
import type { Analysed } from "./documents.js";
import { toPosition } from "./convert.js";

export function foldingRanges(doc: Analysed): FoldingRange[] {
  const out: FoldingRange[] = [];
  const stack: number[] = [];
  const lexed = cnnLexer.tokenize(doc.text);
  for (const t of lexed.tokens) {
    if (t.image === "{") stack.push(t.startOffset);
    else if (t.image === "}" && stack.length > 0) {
      const start = toPosition(doc.index, stack.pop()!).line;
      const end = toPosition(doc.index, t.startOffset).line;
      // Fold up to the line before the closing brace so that the brace stays visible.
      if (end > start + 1) out.push({ startLine: start, endLine: end - 1 });
    }
  }
  const commentLines = (lexed.groups["comments"] ?? []).map((c) => toPosition(doc.index, c.startOffset).line);
  for (let i = 0; i < commentLines.length; ) {
    let j = i;
    while (j + 1 < commentLines.length && commentLines[j + 1] === commentLines[j]! + 1) j++;
    if (j > i) out.push({ startLine: commentLines[i]!, endLine: commentLines[j]!, kind: FoldingRangeKind.Comment });
    i = j + 1;
  }
  return out;
}
