// The guards that every parse runs over its tokens before the parser sees them: nesting, operator runs and
// the lexer's errors, each reported once with an exact range.
import type { IToken } from "chevrotain";
import type { SyntaxError } from "./ast.js";
import { spanOf } from "./lex.js";
import * as T from "./tokens.js";

/** Deeper nesting than this is certainly a mistake, and unbounded depth would exhaust the stack. */
export const MAX_NESTING = 64;
/** Lexer errors after this many are summarised in one, so that a binary file gives a readable list. */
const MAX_LEXER_ERRORS = 50;

export function reportLexerErrors(lexErrors: { offset: number; length: number }[], errors: SyntaxError[]): void {
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
export class NestingLimit {
  private skippedDepth = 0;
  private minusRun = 0;
  private reported = false;

  /** `depth`: the brackets already open where the tokens start (1 inside a model's body). */
  constructor(
    private readonly errors: SyntaxError[],
    private depth = 0,
  ) {}

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
export class OperatorLimit {
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
