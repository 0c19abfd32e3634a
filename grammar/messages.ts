// Syntax error wording: what a user reads, in the language's own words rather than the parser's rule names.
import type { IParserErrorMessageProvider, IToken, TokenType } from "chevrotain";
import { EOF } from "chevrotain";

const tokenWords: Record<string, string> = {
  Identifier: "a name",
  QuotedName: "a quoted name",
  Integer: "a whole number",
  Decimal: "a number",
  Arrow: "'->'",
  FloorDiv: "'//'",
  Slash: "'/'",
  Star: "'*'",
  Plus: "'+'",
  Minus: "'-'",
  Equals: "'='",
  LParen: "'('",
  RParen: "')'",
  LCurly: "'{'",
  RCurly: "'}'",
  Comma: "','",
  Colon: "':'",
  Semicolon: "';'",
  EOF: "the end of the file",
};

function word(type: TokenType): string {
  return tokenWords[type.name] ?? `'${type.name.toLowerCase()}'`;
}

/** Describes the token the parser actually found. */
export function describeToken(token: IToken): string {
  if (token.tokenType === EOF) return "the end of the file";
  return `'${token.image.length > 20 ? token.image.slice(0, 20) + "…" : token.image}'`;
}

const ruleWords: Record<string, string> = {
  definition: "`model`, `block` or `framework`",
  chainItem: "a layer, `residual`, `concat`, `add`, `repeat` or `seq`",
  expression: "a value (a number, a word, `true`/`false` or a tuple)",
  operand: "a value (a number, a word, `true`/`false` or a tuple)",
  mergeItem: "'(' with labels or '{' with branches",
  residualItem: "`auto` or '{' after `shortcut`",
};

function expectedFor(ruleName: string, paths: TokenType[][][]): string {
  if (ruleWords[ruleName]) return ruleWords[ruleName]!;
  const firsts = new Set(
    paths
      .flat()
      .map((p) => p[0])
      .filter((t): t is TokenType => t !== undefined)
      .map(word),
  );
  return [...firsts].join(" or ");
}

/** Error messages for Chevrotain that name what was expected in the language's terms. */
export const messageProvider: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual }) {
    return `expected ${word(expected)} but found ${describeToken(actual)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `unexpected ${describeToken(firstRedundant)} after the end of the definition`;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual, ruleName }) {
    return `unexpected ${describeToken(actual[0]!)}: expected ${expectedFor(ruleName, expectedPathsPerAlt)}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual, ruleName }) {
    return `unexpected ${describeToken(actual[0]!)}: expected ${expectedFor(ruleName, [expectedIterationPaths])}`;
  },
};
