// The tokens of the .cnn language and the lexer built from them.
import { createToken, Lexer, type TokenType } from "chevrotain";

export const WhiteSpace = createToken({
  name: "WhiteSpace",
  pattern: /[ \t\r\n\f\v\u00a0\ufeff]+/,
  group: Lexer.SKIPPED,
});
export const Comment = createToken({ name: "Comment", pattern: /#[^\n\r]*/, group: "comments" });

export const Identifier = createToken({ name: "Identifier", pattern: /[A-Za-z_][A-Za-z0-9_]*/ });

// Keywords are declared with `longer_alt: Identifier` so that a name which merely starts with a keyword
// (`models`, `addition`, `blocked`) still lexes as one identifier.
function keyword(word: string): TokenType {
  return createToken({
    name: word[0]!.toUpperCase() + word.slice(1),
    pattern: new RegExp(word),
    longer_alt: Identifier,
  });
}
export const Framework = keyword("framework");
export const Model = keyword("model");
export const Block = keyword("block");
export const Residual = keyword("residual");
export const Shortcut = keyword("shortcut");
export const Auto = keyword("auto");
export const Concat = keyword("concat");
export const Add = keyword("add");
export const Branch = keyword("branch");
export const Repeat = keyword("repeat");
export const Sequential = keyword("sequential");
export const Seq = keyword("seq");
export const Mul = keyword("mul");
export const Gate = keyword("gate");
export const Split = keyword("split");
export const True = keyword("true");
export const False = keyword("false");

// A quoted name (`"block1-0":`) labels a layer with a name that is not an identifier, as torchvision's RegNet
// has; the analysis checks what it may hold (no dot, which separates the parts of a layer's name).
export const QuotedName = createToken({ name: "QuotedName", pattern: /"[^"\r\n]*"/ });

// Decimals come before integers so that `0.5` is not lexed as `0` followed by garbage.
export const Decimal = createToken({
  name: "Decimal",
  pattern: /\d+\.\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+/,
});
export const Integer = createToken({ name: "Integer", pattern: /\d+/ });

// `->` must be tried before `-`, and `//` before `/`: Chevrotain takes the first pattern that matches.
export const Arrow = createToken({ name: "Arrow", pattern: /->/ });
export const FloorDiv = createToken({ name: "FloorDiv", pattern: /\/\// });
export const Slash = createToken({ name: "Slash", pattern: /\// });
export const Star = createToken({ name: "Star", pattern: /\*/ });
export const Plus = createToken({ name: "Plus", pattern: /\+/ });
export const Minus = createToken({ name: "Minus", pattern: /-/ });
export const Equals = createToken({ name: "Equals", pattern: /=/ });
export const LParen = createToken({ name: "LParen", pattern: /\(/ });
export const RParen = createToken({ name: "RParen", pattern: /\)/ });
export const LCurly = createToken({ name: "LCurly", pattern: /\{/ });
export const RCurly = createToken({ name: "RCurly", pattern: /\}/ });
export const Comma = createToken({ name: "Comma", pattern: /,/ });
export const Colon = createToken({ name: "Colon", pattern: /:/ });
export const Semicolon = createToken({ name: "Semicolon", pattern: /;/ });

// `sequential` before `seq`: with `longer_alt` either works, but the longer word reads first.
export const keywords = [
  Framework,
  Model,
  Block,
  Residual,
  Shortcut,
  Auto,
  Concat,
  Add,
  Mul,
  Gate,
  Split,
  Branch,
  Repeat,
  Sequential,
  Seq,
  True,
  False,
];

/** Every token type, in the order the lexer tries them (keywords before Identifier). */
export const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  ...keywords,
  Identifier,
  QuotedName,
  Decimal,
  Integer,
  Arrow,
  FloorDiv,
  Slash,
  Star,
  Plus,
  Minus,
  Equals,
  LParen,
  RParen,
  LCurly,
  RCurly,
  Comma,
  Colon,
  Semicolon,
];

/** Reserved words, for completion and for the "reserved word" diagnostic. */
export const keywordNames: readonly string[] = keywords.map((k) => String(k.PATTERN).slice(1, -1));

// Only start offsets are tracked (ends are start + image length): line and column tracking cost a fifth of
// the lexing time, and LineIndex computes positions only where they are shown.
export const cnnLexer = new Lexer(allTokens, { positionTracking: "onlyOffset", ensureOptimizations: true });
