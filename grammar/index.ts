// parse(text) → { ast, errors }: lexes, guards against pathological nesting, and parses each definition
// on its own so that a mistake in one model never hides the next. Never throws.
import type { IToken } from "chevrotain";
import type { Definition, FileAst, Span, SyntaxError } from "./ast.js";
import { describeToken } from "./messages.js";
import { CnnParser } from "./parser.js";
import * as T from "./tokens.js";

export * from "./ast.js";
export { keywordNames } from "./tokens.js";
export type { IToken as Token } from "chevrotain";

/** Deeper nesting than this is certainly a mistake, and unbounded depth would exhaust the stack. */
export const MAX_NESTING = 64;
/** Lexer errors after this many are summarised in one, so that a binary file gives a readable list. */
const MAX_LEXER_ERRORS = 50;

export interface ParseResult {
  ast: FileAst;
  errors: SyntaxError[];
}

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

let parser: CnnParser | undefined;

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
function inOrder(code: IToken[], comments: IToken[]): IToken[] {
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
  tokenStreams.set(ast, lexed);
  return { ast, errors };
}

/** Each parsed AST's tokens, kept beside the AST so that the AST stays plain data. */
const tokenStreams = new WeakMap<FileAst, Lexed>();

/**
 * Every token `parse` read for this AST, comments included, in document order (before the nesting limits
 * dropped any): completion, semantic tokens and folding read these rather than lexing the text again.
 * An AST that `parse` did not make has none.
 */
export function tokensOf(ast: FileAst): readonly IToken[] {
  return tokenStreams.get(ast)?.tokens ?? [];
}

function spanOf(token: IToken): Span {
  return { start: token.startOffset, end: token.startOffset + token.image.length };
}

function reportLexerErrors(lexErrors: { offset: number; length: number }[], errors: SyntaxError[]): void {
  for (const e of lexErrors.slice(0, MAX_LEXER_ERRORS)) {
    errors.push({
      code: "lexer",
      message: "unexpected character: remove it (names use letters, digits and '_'; comments start with '#')",
      span: { start: e.offset, end: e.offset + e.length },
    });
  }
  if (lexErrors.length > MAX_LEXER_ERRORS) {
    const rest = lexErrors.slice(MAX_LEXER_ERRORS);
    const last = rest[rest.length - 1]!;
    errors.push({
      code: "lexer",
      message: `${rest.length} more unexpected characters: is this a .cnn text file?`,
      span: { start: rest[0]!.offset, end: last.offset + last.length },
    });
  }
}

/**
 * Drops whatever lies deeper than MAX_NESTING brackets (and long runs of unary minus, which the parser
 * also recurses on), with one error at the first place that goes too deep.
 */
class NestingLimit {
  private depth = 0;
  private skippedDepth = 0;
  private minusRun = 0;
  private reported = false;

  constructor(private readonly errors: SyntaxError[]) {}

  /** Whether `t` is kept; called for every token in order. */
  keeps(t: IToken): boolean {
    const type = t.tokenType;
    if (type === T.LParen || type === T.LCurly) {
      if (this.skippedDepth > 0 || this.depth >= MAX_NESTING) {
        this.skippedDepth++;
        this.tooDeep(t, "brackets");
        return false;
      }
      this.depth++;
    } else if (type === T.RParen || type === T.RCurly) {
      if (this.skippedDepth > 0) {
        this.skippedDepth--;
        return false;
      }
      this.depth = Math.max(0, this.depth - 1);
    } else if (this.skippedDepth > 0) {
      return false;
    }
    this.minusRun = type === T.Minus ? this.minusRun + 1 : 0;
    if (this.minusRun > MAX_NESTING) {
      this.tooDeep(t, "signs");
      return false;
    }
    return true;
  }

  private tooDeep(t: IToken, what: string): void {
    if (!this.reported)
      this.errors.push({
        code: "nesting",
        message: `${what} nested more than ${MAX_NESTING} levels deep: the rest of this nesting is ignored`,
        span: spanOf(t),
      });
    this.reported = true;
  }
}

const operators = new Set<unknown>([T.Plus, T.Minus, T.Star, T.Slash, T.FloorDiv]);
/** Tokens that end an argument's expression: the operator count starts again after them (and after a call). */
const expressionEnds = new Set<unknown>([T.Comma, T.Colon, T.LCurly, T.RCurly, T.Arrow, T.Semicolon]);

/**
 * Drops the rest of an expression after MAX_NESTING operators (up to the next `,` `:` `->` `{` `}` `;` or the
 * bracket that closes it), with one error: each operator is one level of the expression tree, and a tree
 * 100,000 levels deep (`1 - -1 - -1 …`) would exhaust the stack of every walk over it.
 */
class OperatorLimit {
  private count = 0;
  private skipping = false;
  private skippedBrackets = 0;
  private reported = false;
  private depth = 0;

  constructor(private readonly errors: SyntaxError[]) {}

  /** Whether `t` is kept; called for every token the nesting limit kept, in order. */
  keeps(t: IToken): boolean {
    const type = t.tokenType;
    if (this.skipping) {
      if (type === T.LParen) {
        this.skippedBrackets++;
        return false;
      }
      if (type === T.RParen && this.skippedBrackets > 0) {
        this.skippedBrackets--;
        return false;
      }
      if (this.skippedBrackets > 0 || !(expressionEnds.has(type) || type === T.RParen)) return false;
      this.skipping = false;
    }
    if (type === T.LParen) this.depth++;
    if (type === T.RParen) this.depth = Math.max(0, this.depth - 1);
    // A call's closing bracket ends its arguments: statements on separate lines have no token between them.
    if (expressionEnds.has(type) || (type === T.RParen && this.depth === 0)) this.count = 0;
    else if (operators.has(type) && ++this.count > MAX_NESTING) {
      if (!this.reported)
        this.errors.push({
          code: "nesting",
          message:
            `an expression with more than ${MAX_NESTING} operators: ` +
            `the rest of it is ignored; split it into block parameters`,
          span: spanOf(t),
        });
      this.reported = true;
      this.skipping = true;
      return false;
    }
    return true;
  }
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
  parser ??= new CnnParser();
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
