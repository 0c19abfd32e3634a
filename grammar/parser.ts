// The Chevrotain parser of the .cnn language, building the AST directly with error recovery on.
//
// Why embedded actions and not a CST plus a visitor: the CST (a node, a children map and a location per
// rule, five deep for every number) and its conversion took 75% of the time to analyse a 10,000-layer
// file and most of its garbage; the benchmark target (under 100 ms) is not reachable with it. The actions
// stay small: each rule only assembles the AST node from what its sub-rules return (ast.ts), and every
// span is computed from real tokens, so nodes that recovery left partial still carry valid ranges.
import { EmbeddedActionsParser, type IToken, type TokenType } from "chevrotain";
import type {
  Argument,
  BlockDef,
  ChainItem,
  Definition,
  Expr,
  FrameworkDecl,
  Gate,
  LayerCall,
  MergeBranches,
  MergeLabels,
  ModelDef,
  Name,
  Param,
  Repeat,
  Residual,
  Sequential,
  Span,
  Split,
  Statement,
} from "./ast.js";
import { messageProvider } from "./messages.js";
import * as T from "./tokens.js";

/** Tokens that recovery inserted are not in the text: they have no offsets. */
function real(t: IToken | undefined): t is IToken {
  return t !== undefined && !t.isInsertedInRecovery && Number.isFinite(t.startOffset);
}

function spanOf(t: IToken): Span {
  return { start: t.startOffset, end: t.startOffset + t.image.length };
}

/** The span from the first real token to the end of `last` (a token or a span), else `fallback`'s ends. */
function hull(first: IToken | undefined, last: IToken | Span | undefined, fallback: Span): Span {
  const start = real(first) ? first.startOffset : fallback.start;
  const end =
    last === undefined ? fallback.end : "tokenType" in last ? (real(last) ? spanOf(last).end : fallback.end) : last.end;
  return { start, end: Math.max(start, end) };
}

function nameOf(t: IToken, fallback: Span): Name {
  if (!real(t)) return { text: "", span: { start: fallback.start, end: fallback.start } };
  return t.tokenType === T.QuotedName
    ? { text: t.image.slice(1, -1), span: spanOf(t), quoted: true }
    : { text: t.image, span: spanOf(t) };
}

const binaryOps: TokenType[] = [T.Plus, T.Minus, T.Star, T.FloorDiv, T.Slash];
const precedence: Record<string, number> = { "+": 1, "-": 1, "*": 2, "/": 2, "//": 2 };

let shared: CnnParser | undefined;

/** The one parser (made on first use: its self-analysis takes a while), which every parse reuses. */
export function theParser(): CnnParser {
  return (shared ??= new CnnParser());
}

/** Parses one top-level definition (the caller splits the file at `model`, `block` and `framework`). */
export class CnnParser extends EmbeddedActionsParser {
  /** Where the current definition starts, for ranges of nodes that recovery emptied. */
  private origin: Span = { start: 0, end: 0 };

  // Alternatives of the ORs that run once per value, layer or statement, made once: built inline they
  // would be new arrays and closures at every call, which is most of a large file's garbage.
  private readonly operandAlternatives = [
    { ALT: () => atom(this.CONSUME(T.Integer)) },
    { ALT: () => atom(this.CONSUME(T.Decimal)) },
    { ALT: () => atom(this.CONSUME(T.True)) },
    { ALT: () => atom(this.CONSUME(T.False)) },
    { ALT: () => atom(this.CONSUME(T.Identifier)) },
    { ALT: () => atom(this.CONSUME(T.QuotedName)) },
    { ALT: () => this.SUBRULE(this.tuple) },
  ];
  // A label is any identifier, a reserved word (`block:`, torchvision's name) or a quoted name (`"block1-0":`).
  private readonly labelAlternatives = [T.Identifier, T.QuotedName, ...T.keywords].map((type) => ({
    ALT: () => this.CONSUME(type, { LABEL: "label" }),
  }));
  private readonly layerNameAlternatives = [
    { ALT: () => this.CONSUME(T.Identifier) },
    { ALT: () => this.CONSUME(T.QuotedName) },
  ];
  private readonly operatorAlternatives = binaryOps.map((type) => ({ ALT: () => this.CONSUME(type) }));
  private readonly chainItemAlternatives = [
    { ALT: () => this.SUBRULE(this.layerCall) },
    { ALT: () => this.SUBRULE(this.residualItem) },
    { ALT: () => this.SUBRULE(this.mergeItem) },
    { ALT: () => this.SUBRULE(this.repeatItem) },
    { ALT: () => this.SUBRULE(this.sequentialItem) },
    { ALT: () => this.SUBRULE(this.gateItem) },
    { ALT: () => this.SUBRULE(this.splitItem) },
  ];
  private readonly bodyItemAlternatives = [
    { ALT: (): Statement | undefined => this.SUBRULE(this.statement) },
    {
      ALT: (): Statement | undefined => {
        this.CONSUME(T.Semicolon);
        return undefined;
      },
    },
  ];

  constructor() {
    super(T.allTokens, { recoveryEnabled: true, maxLookahead: 3, errorMessageProvider: messageProvider });
    this.performSelfAnalysis();
  }

  /** Parses `tokens` as one definition. */
  parseDefinition(tokens: IToken[], origin: Span): Definition | undefined {
    this.origin = origin;
    this.input = tokens;
    return this.definition();
  }

  /**
   * Parses `tokens` as statements of a body, without its braces: the statements an edit touched, parsed again
   * on their own (reparse.ts). The caller keeps the result only when `errors` is empty.
   */
  parseStatements(tokens: IToken[], origin: Span): Statement[] {
    this.origin = origin;
    this.input = tokens;
    return this.statementList();
  }

  private here(): Span {
    const t = this.LA(1);
    return real(t) ? { start: t.startOffset, end: t.startOffset } : this.origin;
  }

  private definition = this.RULE(
    "definition",
    (): Definition | undefined =>
      this.OR([
        { ALT: () => this.SUBRULE(this.frameworkDecl) },
        { ALT: () => this.SUBRULE(this.modelDef) },
        { ALT: () => this.SUBRULE(this.blockDef) },
      ]),
    { recoveryValueFunc: () => undefined },
  );

  private frameworkDecl = this.RULE("frameworkDecl", (): FrameworkDecl => {
    const keyword = this.CONSUME(T.Framework);
    const value = this.CONSUME(T.Identifier);
    const span = hull(keyword, value, this.origin);
    return { kind: "framework", value: nameOf(value, span), span };
  });

  private modelDef = this.RULE("modelDef", (): ModelDef => {
    const keyword = this.CONSUME(T.Model);
    const id = this.CONSUME(T.Identifier);
    const body = this.SUBRULE(this.body);
    return this.ACTION(() => {
      const span = hull(keyword, body.end, this.origin);
      return { kind: "model", name: nameOf(id, span), body: body.statements, span };
    });
  });

  private blockDef = this.RULE("blockDef", (): BlockDef => {
    const keyword = this.CONSUME(T.Block);
    const id = this.CONSUME(T.Identifier);
    this.CONSUME(T.LParen);
    const params: Param[] = [];
    this.MANY_SEP({
      SEP: T.Comma,
      DEF: () => {
        const p = this.SUBRULE(this.param);
        if (p) params.push(p);
      },
    });
    this.CONSUME(T.RParen);
    const body = this.SUBRULE(this.body);
    return this.ACTION(() => {
      const span = hull(keyword, body.end, this.origin);
      return { kind: "block", name: nameOf(id, span), params, body: body.statements, span };
    });
  });

  private param = this.RULE(
    "param",
    (): Param | undefined => {
      const id = this.CONSUME(T.Identifier);
      const def = this.OPTION(() => {
        this.CONSUME(T.Equals);
        return this.SUBRULE(this.expression);
      });
      if (!real(id)) return undefined;
      return def ? { name: nameOf(id, this.origin), default: def } : { name: nameOf(id, this.origin) };
    },
    { recoveryValueFunc: () => undefined },
  );

  private statementList = this.RULE("statementList", (): Statement[] => {
    const statements: Statement[] = [];
    this.MANY(() => {
      const s = this.OR(this.bodyItemAlternatives);
      this.ACTION(() => {
        if (s && s.chain.length > 0) statements.push(s);
      });
    });
    return statements;
  });

  private body = this.RULE(
    "body",
    (): { statements: Statement[]; end: Span } => {
      const open = this.CONSUME(T.LCurly);
      // The loop of statementList written out, not called: a rule of its own between the braces changes how
      // recovery resynchronises (a model with a syntax error in its body was dropped whole).
      const statements: Statement[] = [];
      this.MANY(() => {
        const s = this.OR(this.bodyItemAlternatives);
        this.ACTION(() => {
          if (s && s.chain.length > 0) statements.push(s);
        });
      });
      const close = this.CONSUME(T.RCurly);
      return this.ACTION(() => {
        const last = statements[statements.length - 1];
        const end = real(close) ? spanOf(close) : last ? last.span : real(open) ? spanOf(open) : this.origin;
        return { statements, end };
      });
    },
    { recoveryValueFunc: () => ({ statements: [], end: this.origin }) },
  );

  private statement = this.RULE(
    "statement",
    (): Statement => {
      const start = this.here();
      const label = this.OPTION(() => {
        const t = this.OR2(this.labelAlternatives);
        this.CONSUME(T.Colon);
        return t;
      });
      const chain: ChainItem[] = [];
      const first = this.SUBRULE(this.chainItem);
      if (first) chain.push(first);
      this.MANY(() => {
        this.CONSUME(T.Arrow);
        const item = this.SUBRULE2(this.chainItem);
        if (item) chain.push(item);
      });
      return this.ACTION(() => {
        const end = chain[chain.length - 1]?.span.end ?? (real(label) ? spanOf(label).end : start.end);
        const span = { start: real(label) ? label.startOffset : (chain[0]?.span.start ?? start.start), end };
        return real(label) ? { label: nameOf(label, span), chain, span } : { chain, span };
      });
    },
    { recoveryValueFunc: () => ({ chain: [], span: this.origin }) },
  );

  private chainItem = this.RULE("chainItem", (): ChainItem | undefined => this.OR(this.chainItemAlternatives), {
    recoveryValueFunc: () => undefined,
  });

  private layerCall = this.RULE(
    "layerCall",
    (): LayerCall | undefined => {
      // A quoted name here is a label the chain starts from (`"block1-0" -> relu`).
      const id = this.OR(this.layerNameAlternatives);
      const args = this.OPTION(() => this.SUBRULE(this.argList));
      if (!real(id)) return undefined;
      const span = hull(id, args?.end ?? id, this.origin);
      return args
        ? { kind: "layer", name: nameOf(id, span), args: args.args, span }
        : { kind: "layer", name: nameOf(id, span), span };
    },
    { recoveryValueFunc: () => undefined },
  );

  private argList = this.RULE(
    "argList",
    (): { args: Argument[]; end: Span } => {
      const open = this.CONSUME(T.LParen);
      const args: Argument[] = [];
      this.MANY_SEP({ SEP: T.Comma, DEF: () => args.push(this.SUBRULE(this.argument)) });
      const close = this.CONSUME(T.RParen);
      const end = real(close)
        ? spanOf(close)
        : (args[args.length - 1]?.span ?? (real(open) ? spanOf(open) : this.origin));
      return { args, end };
    },
    { recoveryValueFunc: () => ({ args: [], end: this.origin }) },
  );

  private argument = this.RULE(
    "argument",
    (): Argument => {
      const key = this.OPTION(() => {
        const t = this.CONSUME(T.Identifier, { LABEL: "key" });
        this.CONSUME(T.Colon);
        return t;
      });
      const value = this.SUBRULE(this.expression);
      return this.ACTION(() => {
        const span = { start: real(key) ? key.startOffset : value.span.start, end: value.span.end };
        return real(key) ? { key: nameOf(key, span), value, span } : { value, span };
      });
    },
    { recoveryValueFunc: (): Argument => ({ value: { kind: "missing", span: this.origin }, span: this.origin }) },
  );

  private residualItem = this.RULE("residualItem", (): Residual => {
    const keyword = this.CONSUME(T.Residual);
    const body = this.SUBRULE(this.body);
    const keywordSpan = real(keyword) ? spanOf(keyword) : this.origin;
    const item = this.ACTION((): Residual => ({
      kind: "residual",
      keyword: keywordSpan,
      body: body.statements,
      span: hull(keyword, body.end, this.origin),
    }));
    this.OPTION(() => {
      this.CONSUME(T.Shortcut);
      this.OR([
        {
          ALT: () => {
            const auto = this.CONSUME(T.Auto);
            this.ACTION(() => {
              if (!real(auto)) return;
              item.shortcut = { kind: "auto", span: spanOf(auto) };
              item.span = hull(keyword, auto, item.span);
            });
          },
        },
        {
          ALT: () => {
            const shortcut = this.SUBRULE2(this.body);
            this.ACTION(() => {
              item.shortcut = { kind: "body", body: shortcut.statements, span: shortcut.end };
              item.span = hull(keyword, shortcut.end, item.span);
            });
          },
        },
      ]);
    });
    return item;
  });

  // `concat { branch {…} … }` merges branches; `concat(a, b)` merges the current tensor with labels.
  private mergeItem = this.RULE("mergeItem", (): MergeBranches | MergeLabels => {
    const opToken = this.OR([
      { ALT: () => this.CONSUME(T.Concat) },
      { ALT: () => this.CONSUME(T.Add) },
      { ALT: () => this.CONSUME(T.Mul) },
    ]);
    const op = opToken.image === "add" ? "add" : opToken.image === "mul" ? "mul" : "concat";
    const keyword = real(opToken) ? spanOf(opToken) : this.origin;
    return this.OR2([
      {
        ALT: (): MergeLabels => {
          const list = this.SUBRULE(this.argList);
          return this.ACTION(() => ({
            kind: "mergeLabels",
            op,
            keyword,
            args: list.args,
            span: hull(opToken, list.end, keyword),
          }));
        },
      },
      {
        ALT: (): MergeBranches => {
          this.CONSUME(T.LCurly);
          const branches: MergeBranches["branches"] = [];
          this.MANY(() => {
            const kw = this.CONSUME(T.Branch);
            const body = this.SUBRULE(this.body);
            this.ACTION(() => {
              const kwSpan = real(kw) ? spanOf(kw) : body.end;
              branches.push({
                keyword: kwSpan,
                body: body.statements,
                span: { start: kwSpan.start, end: body.end.end },
              });
            });
          });
          const close = this.CONSUME(T.RCurly);
          return this.ACTION(() => ({
            kind: "mergeBranches",
            op,
            keyword,
            branches,
            span: hull(opToken, real(close) ? close : branches[branches.length - 1]?.span, keyword),
          }));
        },
      },
    ]);
  });

  // `gate { … }`: the input times the body's result.
  private gateItem = this.RULE("gateItem", (): Gate => {
    const keyword = this.CONSUME(T.Gate);
    const body = this.SUBRULE(this.body);
    return this.ACTION(() => {
      const keywordSpan = real(keyword) ? spanOf(keyword) : body.end;
      return { kind: "gate", keyword: keywordSpan, body: body.statements, span: hull(keyword, body.end, keywordSpan) };
    });
  });

  // `split { branch {…} … }` or `split(sizes: (a, b)) { branch {…} … }`: channel parts, one per branch.
  private splitItem = this.RULE("splitItem", (): Split => {
    const keyword = this.CONSUME(T.Split);
    const args = this.OPTION(() => this.SUBRULE(this.argList));
    const list = this.SUBRULE(this.branchList);
    return this.ACTION(() => {
      const keywordSpan = real(keyword) ? spanOf(keyword) : this.origin;
      const item: Split = {
        kind: "split",
        keyword: keywordSpan,
        branches: list.branches,
        span: hull(keyword, list.end, keywordSpan),
      };
      if (args) item.args = args.args;
      return item;
    });
  });

  /** `{ branch {…} branch {…} … }`, for split (concat/add/mul keep their own copy in mergeItem). */
  private branchList = this.RULE(
    "branchList",
    (): { branches: Split["branches"]; end: Span } => {
      const open = this.CONSUME(T.LCurly);
      const branches: Split["branches"] = [];
      this.MANY(() => {
        const kw = this.CONSUME(T.Branch);
        const body = this.SUBRULE(this.body);
        this.ACTION(() => {
          const kwSpan = real(kw) ? spanOf(kw) : body.end;
          branches.push({ keyword: kwSpan, body: body.statements, span: { start: kwSpan.start, end: body.end.end } });
        });
      });
      const close = this.CONSUME(T.RCurly);
      return this.ACTION(() => {
        const last = branches[branches.length - 1]?.span;
        const end = real(close) ? spanOf(close) : (last ?? (real(open) ? spanOf(open) : this.origin));
        return { branches, end };
      });
    },
    { recoveryValueFunc: () => ({ branches: [], end: this.origin }) },
  );

  private repeatItem = this.RULE("repeatItem", (): Repeat => {
    const keyword = this.CONSUME(T.Repeat);
    const count = this.SUBRULE(this.expression);
    const body = this.SUBRULE(this.body);
    return this.ACTION(() => {
      const keywordSpan = real(keyword) ? spanOf(keyword) : count.span;
      return {
        kind: "repeat",
        keyword: keywordSpan,
        count,
        body: body.statements,
        span: hull(keyword, body.end, keywordSpan),
      };
    });
  });

  private sequentialItem = this.RULE("sequentialItem", (): Sequential => {
    const keyword = this.OR([{ ALT: () => this.CONSUME(T.Sequential) }, { ALT: () => this.CONSUME(T.Seq) }]);
    const body = this.SUBRULE(this.body);
    return this.ACTION(() => {
      const keywordSpan = real(keyword) ? spanOf(keyword) : body.end;
      return {
        kind: "sequential",
        keyword: keywordSpan,
        body: body.statements,
        span: hull(keyword, body.end, keywordSpan),
      };
    });
  });

  // Operands and operators are read flat, then precedence is applied: signs bind tightest, then * / //,
  // then + −, all left to right. One rule per value keeps a file of numbers cheap to parse.
  private expression = this.RULE(
    "expression",
    (): Expr => {
      const operands: Expr[] = [this.SUBRULE(this.operand)];
      const ops: IToken[] = [];
      this.MANY(() => {
        ops.push(this.OR(this.operatorAlternatives));
        operands.push(this.SUBRULE2(this.operand));
      });
      return this.ACTION(() => combine(operands, ops));
    },
    { recoveryValueFunc: (): Expr => ({ kind: "missing", span: this.origin }) },
  );

  private operand = this.RULE(
    "operand",
    (): Expr => {
      const signs: IToken[] = [];
      this.MANY(() => signs.push(this.CONSUME(T.Minus)));
      const value = this.OR(this.operandAlternatives);
      return this.ACTION(() => {
        let expr = value;
        for (let i = signs.length - 1; i >= 0; i--) {
          const s = signs[i]!;
          expr = {
            kind: "unary",
            op: "-",
            operand: expr,
            span: { start: real(s) ? s.startOffset : expr.span.start, end: expr.span.end },
          };
        }
        return expr;
      });
    },
    { recoveryValueFunc: (): Expr => ({ kind: "missing", span: this.origin }) },
  );

  /** `(a, b, …)`: a tuple, or with one item a parenthesised expression. */
  private tuple = this.RULE(
    "tuple",
    (): Expr => {
      const open = this.CONSUME(T.LParen);
      const items: Expr[] = [];
      this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => items.push(this.SUBRULE(this.expression)) });
      const close = this.CONSUME(T.RParen);
      return this.ACTION((): Expr => {
        const span = hull(open, real(close) ? close : items[items.length - 1]?.span, this.origin);
        if (items.length === 1) return { ...items[0]!, span } as Expr;
        return items.length > 1 ? { kind: "tuple", items, span } : { kind: "missing", span };
      });
    },
    { recoveryValueFunc: (): Expr => ({ kind: "missing", span: this.origin }) },
  );
}

function atom(t: IToken): Expr {
  if (!real(t)) return { kind: "missing", span: { start: 0, end: 0 } };
  const span = spanOf(t);
  switch (t.tokenType) {
    case T.Integer:
      return { kind: "int", value: Number(t.image), raw: t.image, span };
    case T.Decimal:
      return { kind: "decimal", value: Number(t.image), raw: t.image, span };
    case T.True:
      return { kind: "bool", value: true, span };
    case T.False:
      return { kind: "bool", value: false, span };
    case T.QuotedName:
      return { kind: "word", name: t.image.slice(1, -1), span, quoted: true };
    default:
      return { kind: "word", name: t.image, span };
  }
}

/** Folds operands and operators by precedence (precedence climbing over the flat lists). */
function combine(operands: Expr[], ops: IToken[]): Expr {
  let i = 0;
  const climb = (min: number): Expr => {
    let left = operands[i]!;
    while (i < ops.length && precedence[ops[i]!.image]! >= min) {
      const op = ops[i]!.image as "+" | "-" | "*" | "/" | "//";
      i++;
      const right = climb(precedence[op]! + 1);
      left = { kind: "binary", op, left, right, span: { start: left.span.start, end: right.span.end } };
    }
    return left;
  };
  return climb(1);
}
