// The canonical layout of a .cnn file: two-space indentation by braces, one space around `->` and after
// commas, none inside brackets; line breaks, blank lines (at most one in a row) and comments are kept.
//
// Formatting never changes meaning: the output is checked to lex into exactly the input's tokens and
// comments, and a text that does not is left as it is. Its size is bounded (see formatText).
import { lex, MAX_NESTING, type Token } from "../../../grammar/index.js";
import { sameTokens } from "./same-tokens.js";

const noSpaceAfter = new Set(["LParen"]);
const noSpaceBefore = new Set(["RParen", "Comma", "Colon"]);
/** After these tokens (or at the start of a value) a minus sign is a sign, not a subtraction. */
const beforeSign = new Set([
  "LParen",
  "Comma",
  "Colon",
  "Equals",
  "Plus",
  "Minus",
  "Star",
  "Slash",
  "FloorDiv",
  "Arrow",
]);
/** The widest indentation unit accepted from a client (a tab size is a number the client sends). */
export const MAX_INDENT_WIDTH = 16;

/** A text's tokens (comments in place) and its lexer errors: lex(text), or what the analysis already read. */
export interface LexedText {
  tokens: readonly Token[];
  errors: readonly unknown[];
}

/** The indentation unit for LSP formatting options; a hostile or absurd tab size is clamped to 1…16. */
export function indentUnit(options: { tabSize: unknown; insertSpaces: unknown }): string {
  if (options.insertSpaces === false) return "\t";
  const size =
    typeof options.tabSize === "number" && Number.isFinite(options.tabSize) ? Math.floor(options.tabSize) : 2;
  return " ".repeat(Math.min(MAX_INDENT_WIDTH, Math.max(1, size)));
}

/**
 * The formatted text, or undefined when the text is left as it is: it does not lex cleanly, it nests deeper
 * than the parser reads (MAX_NESTING), or (a bug's last guard) the result would not lex to the same tokens.
 *
 * Bound: every output line starts at an input line break (or the file's start), with at most one blank line
 * before it; its indentation is at most MAX_NESTING units, and the rest is the input's tokens with one space
 * or the input's own gap between them. So with B input line breaks, E the longest line break (1 or 2) and U
 * the unit's length: output length ≤ 2·(input length) + (B + 1)·(MAX_NESTING·U + 2·E).
 */
export function formatText(text: string, unit = "  ", lexed: LexedText = lex(text)): string | undefined {
  // The parser's token stream, comments in place.
  if (lexed.errors.length > 0) return undefined;
  const tokens = lexed.tokens;
  const eol = firstLineBreak(text);
  const lines: string[] = [];
  let depth = 0;
  let current = "";
  let lineIndent = 0;
  let previous: Token | undefined;
  let previousCode: Token | undefined;
  // Decided when the minus is read, from the code token before it (comments do not count).
  let minusIsSign = false;
  const flush = () => {
    lines.push(current ? unit.repeat(lineIndent) + current : "");
    current = "";
  };
  for (const t of tokens) {
    const type = t.tokenType.name;
    if (previous) {
      const breaks = countLineBreaks(text, previous.startOffset + previous.image.length, t.startOffset);
      if (breaks > 0) {
        flush();
        if (breaks > 1) lines.push("");
      }
    }
    if (current === "") {
      // No blank line right after an opening brace or right before a closing one.
      if (type === "RCurly" || previous?.tokenType.name === "LCurly")
        while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
      lineIndent = type === "RCurly" ? Math.max(0, depth - 1) : depth;
      current = t.image;
    } else {
      current += spacing(previous!, t, minusIsSign, text) + t.image;
    }
    if (type === "Minus") minusIsSign = previousCode === undefined || beforeSign.has(previousCode.tokenType.name);
    if (type === "LCurly" && ++depth > MAX_NESTING) return undefined;
    if (type === "RCurly") depth = Math.max(0, depth - 1);
    previous = t;
    if (type !== "Comment") previousCode = t;
  }
  if (current) flush();
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  const formatted = lines.join(eol) + eol;
  return sameTokens(tokens, text, formatted) ? formatted : undefined;
}

/** The file's own line break (the first one it uses), so that formatting keeps CRLF and CR files as they are. */
function firstLineBreak(text: string): string {
  const at = text.search(/[\r\n]/);
  if (at < 0) return "\n";
  return text[at] === "\n" ? "\n" : text[at + 1] === "\n" ? "\r\n" : "\r";
}

/** Line breaks between two offsets: `\r\n`, a lone `\r` and `\n` each count once (comments end at any). */
function countLineBreaks(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) n++;
  }
  return n;
}

const parenKeywords = new Set(["Concat", "Add", "Mul", "Split"]);

function spacing(a: Token, b: Token, minusIsSign: boolean, text: string): string {
  const ta = a.tokenType.name;
  const tb = b.tokenType.name;
  // A trailing comment keeps the gap the author chose, so aligned comments stay aligned.
  if (tb === "Comment") return text.slice(a.startOffset + a.image.length, b.startOffset) || " ";
  if (noSpaceAfter.has(ta) || noSpaceBefore.has(tb)) return "";
  // A call's parenthesis, or a merge's or split's: `concat(a)`, `mul(w)`, `split(sizes: …)`.
  if (tb === "LParen") return ta === "Identifier" || parenKeywords.has(ta) ? "" : " ";
  // A minus sign right after an opening bracket, a comma, a colon or an operator is a sign: `(-1)`, `a * -2`.
  if (ta === "Minus" && minusIsSign) return "";
  return " ";
}
