// lex(text): the one token stream of the language, for the parser and every feature that reads tokens.
import type { IToken } from "chevrotain";
import type { FileAst, Span } from "./ast.js";
import * as T from "./tokens.js";

/** A document's tokens as the lexer reads them; a token's end is `startOffset + image.length`. */
export interface Lexed {
  /** Code tokens and comments together, in document order: what the editor features and the formatter read. */
  readonly tokens: IToken[];
  /** The code tokens alone, which the parser reads. */
  code: IToken[];
  comments: IToken[];
  /** Characters no token matches. */
  errors: { offset: number; length: number }[];
}

/** Lexes a document: the one token stream of the language, for the parser and every feature that reads tokens. */
export function lex(text: string): Lexed {
  const lexed = T.cnnLexer.tokenize(text);
  const code = lexed.tokens;
  const comments = lexed.groups["comments"] ?? [];
  let merged: IToken[] | undefined;
  // Merged on first use: the analysis reads only the code tokens, and on every keystroke.
  return {
    get tokens() {
      return (merged ??= inOrder(code, comments));
    },
    code,
    comments,
    errors: lexed.errors,
  };
}

/** Merges the code tokens and the comments (each already in order) by offset. */
export function inOrder(code: IToken[], comments: IToken[]): IToken[] {
  if (comments.length === 0) return code;
  const out: IToken[] = [];
  let j = 0;
  for (const t of code) {
    while (j < comments.length && comments[j]!.startOffset < t.startOffset) out.push(comments[j++]!);
    out.push(t);
  }
  while (j < comments.length) out.push(comments[j++]!);
  return out;
}

/**
 * How many of `tokens` (in document order) start before `offset`: the index of the first that starts at or after
 * it. A word being typed at `offset` is the last of those before.
 */
export function tokensBefore(tokens: readonly IToken[], offset: number): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (tokens[mid]!.startOffset < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function spanOf(token: IToken): Span {
  return { start: token.startOffset, end: token.startOffset + token.image.length };
}

/** Each parsed AST's tokens, kept beside the AST so that the AST stays plain data. */
const tokenStreams = new WeakMap<FileAst, { readonly tokens: IToken[] }>();

/** Keeps the tokens `ast` was parsed from (read lazily: `tokens` may be a getter that merges on first use). */
export function keepTokens(ast: FileAst, lexed: { readonly tokens: IToken[] }): void {
  tokenStreams.set(ast, lexed);
}

/**
 * Every token `parse` read for this AST, comments included, in document order (before the nesting limits
 * dropped any): completion, semantic tokens and folding read these rather than lexing the text again.
 * An AST that `parse` did not make has none.
 */
export function tokensOf(ast: FileAst): readonly IToken[] {
  return tokenStreams.get(ast)?.tokens ?? [];
}
