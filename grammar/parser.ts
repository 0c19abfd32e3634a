// The Chevrotain parser of the .cnn language: grammar rules only, no semantic actions (see to-ast.ts).
import { CstParser, type CstNode } from "chevrotain";
import * as T from "./tokens.js";
import { messageProvider } from "./messages.js";

/** Builds a concrete syntax tree for one top-level definition; error recovery is on. */
export class CnnParser extends CstParser {
  constructor() {
    super(T.allTokens, { recoveryEnabled: true, maxLookahead: 3, nodeLocationTracking: "onlyOffset", errorMessageProvider: messageProvider });
    this.performSelfAnalysis();
  }

  /** One top-level item: the framework line, a model or a block. The caller splits the file at these keywords. */
  public definition = this.RULE("definition", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.frameworkDecl) },
      { ALT: () => this.SUBRULE(this.modelDef) },
      { ALT: () => this.SUBRULE(this.blockDef) },
    ]);
  });

  private frameworkDecl = this.RULE("frameworkDecl", () => {
    this.CONSUME(T.Framework);
    this.CONSUME(T.Identifier);
  });

  private modelDef = this.RULE("modelDef", () => {
    this.CONSUME(T.Model);
    this.CONSUME(T.Identifier);
    this.SUBRULE(this.body);
  });

  private blockDef = this.RULE("blockDef", () => {
    this.CONSUME(T.Block);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.LParen);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.param) });
    this.CONSUME(T.RParen);
    this.SUBRULE(this.body);
  });

  private param = this.RULE("param", () => {
    this.CONSUME(T.Identifier);
    this.OPTION(() => {
      this.CONSUME(T.Equals);
      this.SUBRULE(this.expression);
    });
  });

  private body = this.RULE("body", () => {
    this.CONSUME(T.LCurly);
    this.MANY(() => {
      this.OR([
        { ALT: () => this.SUBRULE(this.statement) },
        { ALT: () => this.CONSUME(T.Semicolon) },
      ]);
    });
    this.CONSUME(T.RCurly);
  });

  private statement = this.RULE("statement", () => {
    this.OPTION(() => {
      this.CONSUME(T.Identifier, { LABEL: "label" });
      this.CONSUME(T.Colon);
    });
    this.SUBRULE(this.chainItem);
    this.MANY(() => {
      this.CONSUME(T.Arrow);
      this.SUBRULE2(this.chainItem);
    });
  });

  private chainItem = this.RULE("chainItem", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.layerCall) },
      { ALT: () => this.SUBRULE(this.residualItem) },
      { ALT: () => this.SUBRULE(this.mergeItem) },
      { ALT: () => this.SUBRULE(this.repeatItem) },
    ]);
  });

  private layerCall = this.RULE("layerCall", () => {
    this.CONSUME(T.Identifier);
    this.OPTION(() => this.SUBRULE(this.argList));
  });

  private argList = this.RULE("argList", () => {
    this.CONSUME(T.LParen);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.argument) });
    this.CONSUME(T.RParen);
  });

  private argument = this.RULE("argument", () => {
    this.OPTION(() => {
      this.CONSUME(T.Identifier, { LABEL: "key" });
      this.CONSUME(T.Colon);
    });
    this.SUBRULE(this.expression);
  });

  private residualItem = this.RULE("residualItem", () => {
    this.CONSUME(T.Residual);
    this.SUBRULE(this.body);
    this.OPTION(() => {
      this.CONSUME(T.Shortcut);
      this.OR([
        { ALT: () => this.CONSUME(T.Auto) },
        { ALT: () => this.SUBRULE2(this.body, { LABEL: "shortcutBody" }) },
      ]);
    });
  });

  // `concat { branch {…} … }` merges branches; `concat(a, b)` merges the current tensor with labels.
  private mergeItem = this.RULE("mergeItem", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Concat, { LABEL: "op" }) },
      { ALT: () => this.CONSUME(T.Add, { LABEL: "op" }) },
    ]);
    this.OR2([
      { ALT: () => this.SUBRULE(this.argList) },
      { ALT: () => this.SUBRULE(this.branchList) },
    ]);
  });

  private branchList = this.RULE("branchList", () => {
    this.CONSUME(T.LCurly);
    this.MANY(() => {
      this.CONSUME(T.Branch);
      this.SUBRULE(this.body);
    });
    this.CONSUME(T.RCurly);
  });

  private repeatItem = this.RULE("repeatItem", () => {
    this.CONSUME(T.Repeat);
    this.SUBRULE(this.expression);
    this.SUBRULE(this.body);
  });

  private expression = this.RULE("expression", () => {
    this.SUBRULE(this.term);
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.Plus, { LABEL: "op" }) },
        { ALT: () => this.CONSUME(T.Minus, { LABEL: "op" }) },
      ]);
      this.SUBRULE2(this.term);
    });
  });

  private term = this.RULE("term", () => {
    this.SUBRULE(this.unary);
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.Star, { LABEL: "op" }) },
        { ALT: () => this.CONSUME(T.FloorDiv, { LABEL: "op" }) },
        { ALT: () => this.CONSUME(T.Slash, { LABEL: "op" }) },
      ]);
      this.SUBRULE2(this.unary);
    });
  });

  private unary = this.RULE("unary", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Minus);
          this.SUBRULE(this.unary);
        },
      },
      { ALT: () => this.SUBRULE(this.primary) },
    ]);
  });

  private primary = this.RULE("primary", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Integer) },
      { ALT: () => this.CONSUME(T.Decimal) },
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
      { ALT: () => this.CONSUME(T.Identifier) },
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.expression) });
          this.CONSUME(T.RParen);
        },
      },
    ]);
  });
}

export type { CstNode };
