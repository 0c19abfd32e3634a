// The canonical layout of a .cnn file: two-space indentation by braces, one space around `->` and after
// commas, none inside brackets; line breaks, blank lines (at most one in a row) and comments are kept.
import { cnnLexer } from "../../../grammar/tokens.js";
import type { IToken } from "chevrotain";

const noSpaceAfter = new Set(["LParen"]);
const noSpaceBefore = new Set(["RParen", "Comma", "Colon"]);

/** The formatted text, or undefined when the text does not lex cleanly (a broken file is left as it is). */
export function formatText(text: string, indentUnit = "  "): string | undefined {
  const lexed = cnnLexer.tokenize(text);
  if (lexed.errors.length > 0) return undefined;
  const tokens = [...lexed.tokens, ...(lexed.groups["comments"] ?? [])].sort((a, b) => a.startOffset - b.startOffset);
  const lines: string[] = [];
  let depth = 0;
  let current = "";
  let lineIndent = 0;
  let previous: IToken | undefined;
  const flush = () => {
    lines.push(current ? indentUnit.repeat(lineIndent) + current : "");
    current = "";
  };
  for (const t of tokens) {
    const type = t.tokenType.name;
    if (previous) {
      const breaks = countNewlines(text, previous.startOffset + previous.image.length, t.startOffset);
      if (breaks > 0) {
        flush();
        if (breaks > 1) lines.push("");
      }
    }
    if (current === "") {
      // No blank line right after an opening brace or right before a closing one.
      if (type === "RCurly" || previous?.tokenType.name === "LCurly") while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
      lineIndent = type === "RCurly" ? Math.max(0, depth - 1) : depth;
      current = t.image;
    } else {
      current += spacing(previous!, t, text) + t.image;
    }
    if (type === "LCurly") depth++;
    if (type === "RCurly") depth = Math.max(0, depth - 1);
    previous = t;
  }
  if (current) flush();
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines.join("\n") + "\n";
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (text[i] === "\n") n++;
  return n;
}

function spacing(a: IToken, b: IToken, text: string): string {
  const ta = a.tokenType.name;
  const tb = b.tokenType.name;
  // A trailing comment keeps the gap the author chose, so aligned comments stay aligned.
  if (tb === "Comment") return text.slice(a.startOffset + a.image.length, b.startOffset) || " ";
  if (noSpaceAfter.has(ta) || noSpaceBefore.has(tb)) return "";
  if (tb === "LParen") return ta === "Identifier" || ta === "Concat" || ta === "Add" ? "" : " ";
  if (ta === "Minus" && isUnary(a, text)) return "";
  return " ";
}

/** A minus sign right after an opening bracket, a comma, a colon or an operator is a sign, not a subtraction. */
function isUnary(minus: IToken, text: string): boolean {
  const before = text.slice(0, minus.startOffset).trimEnd();
  return /[(,:=+\-*/]$/.test(before) || before.endsWith("->");
}
