// The formatter's guard: a formatted text must lex to exactly the tokens and comments of the text it came from.
// Only the lines that changed are lexed again: on an 800 KB file with one line out of place, lexing all of it
// was four fifths of a formatting request.
import { changedRange, lex, tokensBefore, type Token } from "../../../grammar/index.js";

/**
 * Whether `formatted` lexes to the same tokens (type and text, in order) as `tokens`, the tokens of `text`.
 *
 * Why lexing the changed lines is enough: no token holds a line break (white space does, and is skipped), so
 * lexing the whole text is lexing it line by line, and a position just after a line break starts a token or
 * white space. The two texts are equal before the changed range and after it; the lines around it are lexed
 * from `formatted` and compared with the input's tokens in the same stretch of `text`.
 */
export function sameTokens(tokens: readonly Token[], text: string, formatted: string): boolean {
  const changed = changedRange(text, formatted);
  if (!changed) return true;
  const start = lineStart(text, changed.start);
  const shift = formatted.length - text.length;
  const newEnd = changed.oldEnd + shift;
  const end = lineEnd(formatted, newEnd);
  const again = lex(formatted.slice(start, end));
  if (again.errors.length > 0) return false;
  const from = tokensBefore(tokens, start);
  const to = tokensBefore(tokens, end - shift);
  if (to - from !== again.tokens.length) return false;
  for (let i = from; i < to; i++) {
    const t = tokens[i]!;
    const u = again.tokens[i - from]!;
    if (t.tokenType !== u.tokenType || t.image !== u.image) return false;
  }
  return true;
}

/** The offset just after the last line break before `offset` (0 on the first line). */
function lineStart(text: string, offset: number): number {
  for (let i = offset - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return i + 1;
  }
  return 0;
}

/** The offset of the first line break at or after `offset` (the text's length on the last line). */
function lineEnd(text: string, offset: number): number {
  for (let i = offset; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return i;
  }
  return text.length;
}
