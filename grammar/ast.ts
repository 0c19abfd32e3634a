// The abstract syntax tree of a .cnn file: plain data, every node with its source offsets.

/** A half-open range of character offsets into the document text. */
export interface Span {
  start: number;
  end: number;
}

export interface Name {
  text: string;
  span: Span;
  /** Written as a quoted name (`"block1-0"`): `text` is what is between the quotes. */
  quoted?: boolean;
}

export type Expr =
  | { kind: "int"; value: number; raw: string; span: Span }
  | { kind: "decimal"; value: number; raw: string; span: Span }
  | { kind: "bool"; value: boolean; span: Span }
  | { kind: "word"; name: string; span: Span; quoted?: boolean }
  | { kind: "tuple"; items: Expr[]; span: Span }
  | { kind: "unary"; op: "-"; operand: Expr; span: Span }
  | { kind: "binary"; op: "+" | "-" | "*" | "/" | "//"; left: Expr; right: Expr; span: Span }
  /** A place where the parser recovered from an error: the value is unknown, already reported. */
  | { kind: "missing"; span: Span };

export interface Argument {
  key?: Name;
  value: Expr;
  span: Span;
}

export interface LayerCall {
  kind: "layer";
  name: Name;
  /** `undefined` when written without parentheses (`relu`), so that a label reference can be told apart. */
  args?: Argument[];
  span: Span;
}

export interface Residual {
  kind: "residual";
  keyword: Span;
  body: Statement[];
  /** `auto`, an explicit shortcut body, or none (identity). */
  shortcut?: { kind: "auto"; span: Span } | { kind: "body"; body: Statement[]; span: Span };
  span: Span;
}

/** How a merge joins its tensors: on the channel axis, or element-wise (with broadcasting for `mul`). */
export type MergeOp = "concat" | "add" | "mul";

export interface MergeBranches {
  kind: "mergeBranches";
  op: MergeOp;
  keyword: Span;
  branches: { keyword: Span; body: Statement[]; span: Span }[];
  span: Span;
}

export interface MergeLabels {
  kind: "mergeLabels";
  op: MergeOp;
  keyword: Span;
  args: Argument[];
  span: Span;
}

export interface Repeat {
  kind: "repeat";
  keyword: Span;
  count: Expr;
  body: Statement[];
  span: Span;
}

/** `sequential { … }` (alias `seq`): statements grouped as nn.Sequential groups modules, numbered 0, 1, … */
export interface Sequential {
  kind: "sequential";
  keyword: Span;
  body: Statement[];
  span: Span;
}

/** `gate { … }`: the input times the body's result (squeeze-and-excitation), broadcasting axes of size 1. */
export interface Gate {
  kind: "gate";
  keyword: Span;
  body: Statement[];
  span: Span;
}

/** `split { branch … }` or `split(sizes: (a, b)) { branch … }`: channel parts, one per branch, joined again. */
export interface Split {
  kind: "split";
  keyword: Span;
  /** The arguments as written (`sizes:`); undefined without parentheses. */
  args?: Argument[];
  branches: { keyword: Span; body: Statement[]; span: Span }[];
  span: Span;
}

export type ChainItem = LayerCall | Residual | MergeBranches | MergeLabels | Repeat | Sequential | Gate | Split;

export interface Statement {
  label?: Name;
  chain: ChainItem[];
  span: Span;
}

export interface Param {
  name: Name;
  default?: Expr;
}

export interface ModelDef {
  kind: "model";
  name: Name;
  body: Statement[];
  span: Span;
}

export interface BlockDef {
  kind: "block";
  name: Name;
  params: Param[];
  body: Statement[];
  span: Span;
}

export interface FrameworkDecl {
  kind: "framework";
  value: Name;
  span: Span;
}

export type Definition = ModelDef | BlockDef | FrameworkDecl;

export interface FileAst {
  definitions: Definition[];
  /** Comments, kept for the formatter and for folding. */
  comments: { text: string; span: Span }[];
}

/** A syntax error: always with an exact range and a message a user understands. */
export interface SyntaxError {
  message: string;
  span: Span;
  code: "syntax" | "lexer" | "nesting";
}

/** What a parse gives: the AST of whatever could be recovered, and every syntax error with its range. */
export interface ParseResult {
  ast: FileAst;
  errors: SyntaxError[];
}
