// parse(text) → { ast, errors }: lexes, guards against pathological nesting, and parses each definition
// on its own so that a mistake in one model never hides the next. Never throws.
import type { IToken } from "chevrotain";
import type { Definition, FileAst, ParseResult, Span, SyntaxError } from "./ast.js";
import { keepTokens, lex, spanOf } from "./lex.js";
import { NestingLimit, OperatorLimit, reportLexerErrors } from "./limits.js";
import { describeToken } from "./messages.js";
import { theParser } from "./parser.js";
import * as T from "./tokens.js";

export * from "./ast.js";
export { keywordNames } from "./tokens.js";
export type { IToken as Token } from "chevrotain";
export { lex, tokensBefore, tokensOf, type Lexed } from "./lex.js";
export { MAX_NESTING } from "./limits.js";
export { changedRange, reparse, shiftStatement, type Reparsed } from "./reparse.js";

/** Parses a whole document. Every error has an exact range; whatever could be recovered is in the AST. */
export function parse(text: string): ParseResult {
  const errors: SyntaxError[] = [];
  const lexed = lex(text);
  reportLexerErrors(lexed.errors, errors);
  // The two limits and the split into definitions in one pass over the tokens (a 50,000-line file has
  // 200,000 of them, and four passes with four copies were a fifth of the parse).
  const nesting = new NestingLimit(errors);
  const operators = new OperatorLimit(errors);
  const split = new DefinitionSplit();
  for (const t of lexed.code) if (nesting.keeps(t) && operators.keeps(t)) split.add(t);
  split.finish(errors);
  const comments = lexed.comments.map((t) => ({ text: t.image, span: spanOf(t) }));
  const definitions: Definition[] = [];
  for (const chunk of split.chunks) {
    const def = parseDefinition(chunk, errors, text.length);
    if (def) definitions.push(def);
  }
  const ast: FileAst = { definitions, comments };
  keepTokens(ast, lexed);
  return { ast, errors };
}

/**
 * `framework`, `model` and `block` are reserved words, so each one starts a new top-level definition, unless a
 * colon follows: then it is a label (`block:`, the name torchvision gives EfficientNet's and ConvNeXt's layers).
 * Tokens arrive one at a time, so such a word waits for the next token (or `finish`) to be placed.
 */
class DefinitionSplit {
  readonly chunks: IToken[][] = [];
  private readonly stray: IToken[] = [];
  private pending: IToken | undefined;

  add(t: IToken): void {
    if (this.pending) {
      const word = this.pending;
      this.pending = undefined;
      if (t.tokenType === T.Colon) this.place(word);
      else this.chunks.push([word]);
    }
    if (t.tokenType === T.Model || t.tokenType === T.Block || t.tokenType === T.Framework) this.pending = t;
    else this.place(t);
  }

  /** Places a reserved word that ended the file; reports the tokens before the first definition as one error. */
  finish(errors: SyntaxError[]): void {
    if (this.pending) this.chunks.push([this.pending]);
    this.pending = undefined;
    if (this.stray.length === 0) return;
    const first = this.stray[0]!;
    errors.push({
      code: "syntax",
      message:
        `unexpected ${describeToken(first)}` +
        `: a file holds \`model Name { … }\` and \`block Name(…) { … }\` definitions`,
      span: { start: first.startOffset, end: spanOf(this.stray[this.stray.length - 1]!).end },
    });
  }

  private place(t: IToken): void {
    if (this.chunks.length > 0) this.chunks[this.chunks.length - 1]!.push(t);
    else this.stray.push(t);
  }
}

function parseDefinition(chunk: IToken[], errors: SyntaxError[], textLength: number): Definition | undefined {
  const parser = theParser();
  const first = chunk[0]!;
  const last = chunk[chunk.length - 1]!;
  const hull: Span = { start: first.startOffset, end: spanOf(last).end };
  try {
    const definition = parser.parseDefinition(chunk, hull);
    for (const e of parser.errors) {
      errors.push({
        code: "syntax",
        message: e.message,
        span: errorSpan(e.token, (e as { previousToken?: IToken }).previousToken, hull, textLength),
      });
    }
    return definition;
  } catch (e) {
    // Recovery should make this unreachable; if it is reached, the user still gets a diagnostic, not a crash.
    errors.push({
      code: "syntax",
      message: `this definition could not be parsed (${(e as Error).message})`,
      span: hull,
    });
    return undefined;
  }
}

/** The found token's range; at the end of input, an empty range just after the last real token. */
function errorSpan(token: IToken, previous: IToken | undefined, hull: Span, textLength: number): Span {
  if (Number.isFinite(token.startOffset) && !token.isInsertedInRecovery) return spanOf(token);
  const at = previous && Number.isFinite(previous.startOffset) ? spanOf(previous).end : hull.end;
  const clamped = Math.min(at, textLength);
  return { start: clamped, end: clamped };
}
