// Folding ranges: every multi-line body (model, block, residual, branches, repeat) and runs of comment lines.
import type { FoldingRange } from "vscode-languageserver";
import { FoldingRangeKind } from "vscode-languageserver";
import { tokensOf } from "../../../grammar/index.js";
import type { Analysed } from "./documents.js";
import { toPosition } from "./convert.js";

export function foldingRanges(doc: Analysed): FoldingRange[] {
  const out: FoldingRange[] = [];
  const stack: number[] = [];
  const commentLines: number[] = [];
  // The parser's token stream (comments in place), not the text lexed again.
  for (const t of tokensOf(doc.analysis.ast)) {
    if (t.image.startsWith("#")) commentLines.push(toPosition(doc.index, t.startOffset).line);
    else if (t.image === "{") stack.push(t.startOffset);
    else if (t.image === "}" && stack.length > 0) {
      const start = toPosition(doc.index, stack.pop()!).line;
      const end = toPosition(doc.index, t.startOffset).line;
      // Fold up to the line before the closing brace so that the brace stays visible.
      if (end > start + 1) out.push({ startLine: start, endLine: end - 1 });
    }
  }
  for (let i = 0; i < commentLines.length;) {
    let j = i;
    while (j + 1 < commentLines.length && commentLines[j + 1] === commentLines[j]! + 1) j++;
    if (j > i) out.push({ startLine: commentLines[i]!, endLine: commentLines[j]!, kind: FoldingRangeKind.Comment });
    i = j + 1;
  }
  return out;
}
