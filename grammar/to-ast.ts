// Turns Chevrotain's concrete syntax tree into the AST; tolerates the partial nodes that error recovery leaves.
import type { CstElement, CstNode, IToken } from "chevrotain";
import type {
  Argument, ChainItem, Definition, Expr, LayerCall, Name, Param, Span, Statement,
} from "./ast.js";

type Children = Record<string, CstElement[] | undefined>;

function nodes(children: Children, key: string): CstNode[] {
  return (children[key] ?? []) as CstNode[];
}

/** Tokens that recovery inserted have no text in the document: they count as absent. */
function tokens(children: Children, key: string): IToken[] {
  return ((children[key] ?? []) as IToken[]).filter((t) => !t.isInsertedInRecovery && Number.isFinite(t.startOffset));
}

function tokenSpan(token: IToken): Span {
  return { start: token.startOffset, end: (token.endOffset ?? token.startOffset) + 1 };
}

/** The node's own location, or (after recovery) the hull of whatever tokens it still holds. */
function nodeSpan(node: CstNode, fallback: Span): Span {
  const loc = node.location;
  if (loc && Number.isFinite(loc.startOffset) && Number.isFinite(loc.endOffset)) {
    return { start: loc.startOffset, end: (loc.endOffset as number) + 1 };
  }
  return fallback;
}

function nameOf(token: IToken): Name {
  return { text: token.image, span: tokenSpan(token) };
}

/** Converts one `definition` CST node; returns undefined when recovery left nothing usable. */
export function toDefinition(cst: CstNode, fallback: Span): Definition | undefined {
  const c = cst.children as Children;
  const fw = nodes(c, "frameworkDecl")[0];
  if (fw) {
    const value = tokens(fw.children as Children, "Identifier")[0];
    const span = nodeSpan(fw, fallback);
    return { kind: "framework", value: value ? nameOf(value) : { text: "", span }, span };
  }
  const model = nodes(c, "modelDef")[0];
  if (model) {
    const mc = model.children as Children;
    const span = nodeSpan(model, fallback);
    const id = tokens(mc, "Identifier")[0];
    return { kind: "model", name: id ? nameOf(id) : { text: "", span: { start: span.start, end: span.start } }, body: body(nodes(mc, "body")[0], span), span };
  }
  const block = nodes(c, "blockDef")[0];
  if (block) {
    const bc = block.children as Children;
    const span = nodeSpan(block, fallback);
    const id = tokens(bc, "Identifier")[0];
    return {
      kind: "block",
      name: id ? nameOf(id) : { text: "", span: { start: span.start, end: span.start } },
      params: nodes(bc, "param").map((p) => param(p, span)).filter((p): p is Param => p !== undefined),
      body: body(nodes(bc, "body")[0], span),
      span,
    };
  }
  return undefined;
}

function param(node: CstNode, fallback: Span): Param | undefined {
  const c = node.children as Children;
  const id = tokens(c, "Identifier")[0];
  if (!id) return undefined;
  const def = nodes(c, "expression")[0];
  return def ? { name: nameOf(id), default: expression(def, fallback) } : { name: nameOf(id) };
}

function body(node: CstNode | undefined, fallback: Span): Statement[] {
  if (!node) return [];
  const span = nodeSpan(node, fallback);
  return nodes(node.children as Children, "statement").map((s) => statement(s, span)).filter((s) => s.chain.length > 0);
}

function statement(node: CstNode, fallback: Span): Statement {
  const c = node.children as Children;
  const span = nodeSpan(node, fallback);
  const label = tokens(c, "label")[0];
  const chain = nodes(c, "chainItem").map((n) => chainItem(n, span)).filter((i): i is ChainItem => i !== undefined);
  return label ? { label: nameOf(label), chain, span } : { chain, span };
}

function chainItem(node: CstNode, fallback: Span): ChainItem | undefined {
  const c = node.children as Children;
  const layer = nodes(c, "layerCall")[0];
  if (layer) return layerCall(layer, fallback);
  const residual = nodes(c, "residualItem")[0];
  if (residual) {
    const rc = residual.children as Children;
    const span = nodeSpan(residual, fallback);
    const keyword = tokens(rc, "Residual")[0];
    const auto = tokens(rc, "Auto")[0];
    const shortcutBody = nodes(rc, "shortcutBody")[0];
    const item: ChainItem = { kind: "residual", keyword: keyword ? tokenSpan(keyword) : span, body: body(nodes(rc, "body")[0], span), span };
    if (auto) item.shortcut = { kind: "auto", span: tokenSpan(auto) };
    else if (shortcutBody) item.shortcut = { kind: "body", body: body(shortcutBody, span), span: nodeSpan(shortcutBody, span) };
    return item;
  }
  const merge = nodes(c, "mergeItem")[0];
  if (merge) {
    const mc = merge.children as Children;
    const span = nodeSpan(merge, fallback);
    const opToken = tokens(mc, "op")[0];
    const op = opToken?.image === "add" ? "add" : "concat";
    const keyword = opToken ? tokenSpan(opToken) : span;
    const argList = nodes(mc, "argList")[0];
    if (argList) return { kind: "mergeLabels", op, keyword, args: args(argList, span), span };
    const list = nodes(mc, "branchList")[0];
    const lc = (list?.children ?? {}) as Children;
    const branchKeywords = tokens(lc, "Branch");
    const branches = nodes(lc, "body").map((b, i) => {
      const bspan = nodeSpan(b, span);
      const kw = branchKeywords[i];
      return { keyword: kw ? tokenSpan(kw) : bspan, body: body(b, bspan), span: kw ? { start: kw.startOffset, end: bspan.end } : bspan };
    });
    return { kind: "mergeBranches", op, keyword, branches, span };
  }
  const repeat = nodes(c, "repeatItem")[0];
  if (repeat) {
    const rc = repeat.children as Children;
    const span = nodeSpan(repeat, fallback);
    const keyword = tokens(rc, "Repeat")[0];
    const count = nodes(rc, "expression")[0];
    return {
      kind: "repeat",
      keyword: keyword ? tokenSpan(keyword) : span,
      count: count ? expression(count, span) : { kind: "missing", span },
      body: body(nodes(rc, "body")[0], span),
      span,
    };
  }
  return undefined;
}

function layerCall(node: CstNode, fallback: Span): LayerCall | undefined {
  const c = node.children as Children;
  const id = tokens(c, "Identifier")[0];
  if (!id) return undefined;
  const span = nodeSpan(node, fallback);
  const argList = nodes(c, "argList")[0];
  return argList ? { kind: "layer", name: nameOf(id), args: args(argList, span), span } : { kind: "layer", name: nameOf(id), span };
}

function args(node: CstNode, fallback: Span): Argument[] {
  return nodes(node.children as Children, "argument").map((a) => {
    const c = a.children as Children;
    const span = nodeSpan(a, fallback);
    const key = tokens(c, "key")[0];
    const value = nodes(c, "expression")[0];
    const expr: Expr = value ? expression(value, span) : { kind: "missing", span };
    return key ? { key: nameOf(key), value: expr, span } : { value: expr, span };
  });
}

function expression(node: CstNode, fallback: Span): Expr {
  return binaryChain(node, "term", term, fallback);
}

function term(node: CstNode, fallback: Span): Expr {
  return binaryChain(node, "unary", unary, fallback);
}

/** Left-associative chain of operands joined by the `op` tokens, in source order. */
function binaryChain(node: CstNode, operandKey: string, operand: (n: CstNode, f: Span) => Expr, fallback: Span): Expr {
  const c = node.children as Children;
  const span = nodeSpan(node, fallback);
  const operands = nodes(c, operandKey).map((n) => operand(n, span));
  const ops = tokens(c, "op");
  let result: Expr = operands[0] ?? { kind: "missing", span };
  for (let i = 1; i < operands.length; i++) {
    const right = operands[i]!;
    const op = (ops[i - 1]?.image ?? "+") as "+" | "-" | "*" | "/" | "//";
    result = { kind: "binary", op, left: result, right, span: { start: result.span.start, end: right.span.end } };
  }
  return result;
}

function unary(node: CstNode, fallback: Span): Expr {
  const c = node.children as Children;
  const span = nodeSpan(node, fallback);
  const inner = nodes(c, "unary")[0];
  if (inner) return { kind: "unary", op: "-", operand: unary(inner, span), span };
  const prim = nodes(c, "primary")[0];
  return prim ? primary(prim, span) : { kind: "missing", span };
}

function primary(node: CstNode, fallback: Span): Expr {
  const c = node.children as Children;
  const span = nodeSpan(node, fallback);
  const int = tokens(c, "Integer")[0];
  if (int) return { kind: "int", value: Number(int.image), raw: int.image, span };
  const dec = tokens(c, "Decimal")[0];
  if (dec) return { kind: "decimal", value: Number(dec.image), raw: dec.image, span };
  if (tokens(c, "True")[0]) return { kind: "bool", value: true, span };
  if (tokens(c, "False")[0]) return { kind: "bool", value: false, span };
  const id = tokens(c, "Identifier")[0];
  if (id) return { kind: "word", name: id.image, span };
  const items = nodes(c, "expression").map((e) => expression(e, span));
  if (items.length === 1) return items[0]!;
  if (items.length > 1) return { kind: "tuple", items, span };
  return { kind: "missing", span };
}
