// Finds, from the parser's tokens before the cursor, the layer call the cursor is in and which argument it is on.
import { tokensBefore, type Token } from "../../../grammar/index.js";

export interface CallContext {
  /** The layer or block name before the open parenthesis. */
  name: string;
  /** Offset of that name. */
  nameStart: number;
  /** Index of the positional argument under the cursor (commas at depth 0 so far). */
  argumentIndex: number;
  /** The keyword being typed after (`padding: |`), if any. */
  keyword?: string;
  /** Keywords already given in this call. */
  given: string[];
}

/** How far back (in characters) a call's open parenthesis is looked for. */
const LOOKBACK = 4000;

const isComment = (t: Token) => t.tokenType.name === "Comment";
/** A name or a reserved word (`conv`, `concat`): what may stand before a call's parenthesis or a `:`. */
export const isWord = (t: Token | undefined): t is Token => t !== undefined && /^[A-Za-z_]/.test(t.image);

/**
 * The word the cursor is typing, when the last token before `offset` reaches it and its typed part matches
 * `typed` (letters for a keyword's value, word characters for a name).
 */
export function typedWord(t: Token | undefined, offset: number, typed: RegExp): boolean {
  if (t === undefined || t.startOffset + t.image.length < offset) return false;
  return typed.test(t.image.slice(0, offset - t.startOffset));
}

/** The innermost unclosed `name(` before `offset`, or undefined outside any call. Comments are passed over. */
export function callContext(tokens: readonly Token[], offset: number): CallContext | undefined {
  const end = tokensBefore(tokens, offset);
  let depth = 0;
  let commas = 0;
  for (let i = end - 1; i >= 0; i--) {
    const t = tokens[i]!;
    if (t.startOffset < offset - LOOKBACK) break;
    const type = t.tokenType.name;
    if (type === "RParen") depth++;
    else if (type === "LParen") {
      if (depth > 0) {
        depth--;
        continue;
      }
      const name = tokens[i - 1];
      // A tuple's parenthesis: keep looking for the call around it; the commas so far were the tuple's own.
      if (!isWord(name)) {
        commas = 0;
        continue;
      }
      const inside = tokens.slice(i + 1, end).filter((u) => !isComment(u));
      const ctx: CallContext = {
        name: name.image,
        nameStart: name.startOffset,
        argumentIndex: commas,
        given: given(inside),
      };
      const keyword = keywordAt(inside, offset);
      if (keyword) ctx.keyword = keyword;
      return ctx;
    } else if (type === "Comma" && depth === 0) commas++;
    else if ((type === "LCurly" || type === "RCurly") && depth === 0) return undefined;
  }
  return undefined;
}

/** The keywords written `name:` among a call's tokens so far. */
function given(inside: Token[]): string[] {
  return inside.flatMap((t, j) => (isWord(t) && inside[j + 1]?.tokenType.name === "Colon" ? [t.image] : []));
}

/** The keyword whose value the cursor is on: `padding: |` or `padding: sa|`. */
function keywordAt(inside: Token[], offset: number): string | undefined {
  let k = inside.length - 1;
  if (isWord(inside[k]) && typedWord(inside[k], offset, /^[A-Za-z_]*$/)) k--;
  const key = inside[k - 1];
  return inside[k]?.tokenType.name === "Colon" && isWord(key) ? key.image : undefined;
}

/** True inside a `#` comment, by the parser's comment spans: completion and signature help stay quiet there. */
export function inComment(comments: readonly { span: { start: number; end: number } }[], offset: number): boolean {
  return comments.some((c) => c.span.start < offset && offset <= c.span.end);
}
