// reparse(previous, previousText, text): the parse of an edited text made from the parse of the text before the
// edit, when the edit lies inside the body of the file's last definition (where a long model is edited): the
// statements the edit touched, with three more on each side, are lexed and parsed again; the statements after them
// are the earlier ones, moved in place by the edit's length (the earlier parse is used up: see shiftStatement).
// Whenever that could differ from parse(text) in any way (a syntax error anywhere from the edit on, a brace or a
// definition keyword typed, the edit outside the body), it gives undefined and the caller parses the whole text.
// test/unit/incremental.test.ts holds it to parse(text).
import type { IToken } from "chevrotain";
import type { Argument, ChainItem, Expr, FileAst, ModelDef, ParseResult, Span, Statement, SyntaxError } from "./ast.js";
import { keepTokens, lex, spanOf } from "./lex.js";
import { NestingLimit, OperatorLimit } from "./limits.js";
import { theParser } from "./parser.js";
import * as T from "./tokens.js";

/** What reparse made: the parse, and where in the model's body the statements parsed again start. */
export interface Reparsed extends ParseResult {
  /** The index in the last model's body of the first statement that is not the earlier parse's own object. */
  firstChanged: number;
  /** The index after the last such statement: from here on the statements are the earlier parse's, moved. */
  endChanged: number;
}

/** Untouched statements parsed again on each side of the edit: a `->` or a label typed joins neighbours. */
const MARGIN = 3;

/**
 * The parse of `text` made from `previous`, the parse of `previousText`; undefined when it would not equal
 * parse(text). When it gives a parse, `previous` is used up: its later statements are moved in place.
 */
export function reparse(previous: ParseResult, previousText: string, text: string): Reparsed | undefined {
  const definitions = previous.ast.definitions;
  const model = definitions[definitions.length - 1];
  if (model?.kind !== "model" || model.body.length === 0) return undefined;
  const edit = changedRange(previousText, text);
  if (!edit) return undefined;
  const region = touchedRegion(model, edit, previousText);
  if (!region) return undefined;
  // A syntax error in the model: its recovery may have reached into the region, and the nodes it made take
  // their ranges from the whole definition's (which the edit moves). Parse everything.
  if (previous.errors.some((e) => e.span.end > model.span.start)) return undefined;
  const delta = text.length - previousText.length;
  const newEnd = region.end + delta;
  const lexed = T.cnnLexer.tokenize(text.slice(region.start, newEnd));
  if (lexed.errors.length > 0) return undefined;
  const code = lexed.tokens;
  const comments = lexed.groups["comments"] ?? [];
  for (const t of code) moveToken(t, region.start);
  for (const t of comments) moveToken(t, region.start);
  if (!tokensFitTheBody(code, region, model, delta)) return undefined;
  const parser = theParser();
  const statements = parser.parseStatements(code, { start: region.start, end: newEnd });
  if (parser.errors.length > 0 || statements[0]?.span.start !== region.start) return undefined;
  const last = statements[statements.length - 1]!;
  if (region.to < model.body.length - 1 && last.span.end !== newEnd) return undefined;

  // From here on nothing can fail: the earlier parse's later statements become this parse's own, moved.
  const after = model.body.slice(region.to + 1);
  for (const s of after) shiftStatement(s, delta);
  const body = [...model.body.slice(0, region.from), ...statements, ...after];
  const edited: ModelDef = { ...model, body, span: { start: model.span.start, end: model.span.end + delta } };
  const ast: FileAst = {
    definitions: [...definitions.slice(0, -1), edited],
    comments: spliceComments(previous.ast.comments, comments, region, delta),
  };
  // The editor features read the tokens, the analysis never does: lexed again on first use, from the text
  // alone (splicing them from the earlier parse's would keep every earlier version's tokens alive).
  let tokens: IToken[] | undefined;
  keepTokens(ast, {
    get tokens() {
      return (tokens ??= lex(text).tokens);
    },
  });
  return { ast, errors: previous.errors, firstChanged: region.from, endChanged: region.from + statements.length };
}

const BLOCK = 256;

/**
 * The changed range between two texts: the same text before `start`, and after `oldEnd` in `before` (so after
 * `oldEnd + after.length - before.length` in `after`); undefined when they are equal.
 */
export function changedRange(before: string, after: string): { start: number; oldEnd: number } | undefined {
  if (before === after) return undefined;
  const shorter = Math.min(before.length, after.length);
  // A block at a time first (equal slices compare as memory, not character by character), then the last block
  // character by character: an edit in the middle of 800 KB costs one pass over it either way.
  let start = 0;
  while (start + BLOCK <= shorter && before.slice(start, start + BLOCK) === after.slice(start, start + BLOCK))
    start += BLOCK;
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let tail = 0;
  const room = shorter - start;
  while (
    tail + BLOCK <= room &&
    before.slice(before.length - tail - BLOCK, before.length - tail) ===
      after.slice(after.length - tail - BLOCK, after.length - tail)
  )
    tail += BLOCK;
  while (tail < room && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail))
    tail++;
  return { start, oldEnd: before.length - tail };
}

interface Region {
  /** The statements parsed again, by index in the body (inclusive). */
  from: number;
  to: number;
  /** Their range in the old text: from the first one's start to the last one's end (or the body's `}`). */
  start: number;
  end: number;
}

/**
 * The statements around the edit, as a range of whole statements of the old text that holds the edit. The
 * first statement (the model's input) is never in it; the last may be, with the range then running to the `}`.
 */
function touchedRegion(model: ModelDef, edit: { start: number; oldEnd: number }, text: string): Region | undefined {
  const body = model.body;
  let first = body.length;
  for (let i = 0; i < body.length; i++)
    if (body[i]!.span.end >= edit.start) {
      first = i;
      break;
    }
  let last = -1;
  for (let i = body.length - 1; i >= 0; i--)
    if (body[i]!.span.start <= edit.oldEnd) {
      last = i;
      break;
    }
  const from = Math.max(1, Math.min(first, last + 1) - MARGIN);
  const to = Math.min(body.length - 1, Math.max(last, first - 1) + MARGIN);
  if (from > to) return undefined;
  const close = model.span.end - 1;
  const atEnd = to === body.length - 1;
  if (atEnd && text.charCodeAt(close) !== 125 /* } */) return undefined;
  const start = body[from]!.span.start;
  const end = atEnd ? close : body[to]!.span.end;
  if (edit.start < start || edit.oldEnd > end) return undefined;
  return { from, to, start, end };
}

/**
 * Whether the region's tokens are what lexing the whole text would give there, and what a body may hold: the
 * untouched statement that ends the region starts on a token boundary (so no comment or name typed before it
 * swallowed it), no definition keyword starts a new definition, and no bracket runs too deep.
 */
function tokensFitTheBody(code: IToken[], region: Region, model: ModelDef, delta: number): boolean {
  const body = model.body;
  if (region.to < body.length - 1) {
    const lastStart = body[region.to]!.span.start + delta;
    if (!code.some((t) => t.startOffset === lastStart)) return false;
  }
  for (let i = 0; i < code.length; i++) {
    const type = code[i]!.tokenType;
    if ((type === T.Model || type === T.Block || type === T.Framework) && code[i + 1]?.tokenType !== T.Colon)
      return false;
  }
  const errors: SyntaxError[] = [];
  const nesting = new NestingLimit(errors, 1);
  const operators = new OperatorLimit(errors);
  for (const t of code) if (!(nesting.keeps(t) && operators.keeps(t))) return false;
  return errors.length === 0;
}

function moveToken(t: IToken, by: number): void {
  t.startOffset += by;
  if (Number.isFinite(t.endOffset)) t.endOffset = t.endOffset! + by;
}

/**
 * Moves every span of `statement` by `delta`, in place (test/unit/incremental.test.ts checks it moves each span
 * once). In place because the analysis of the earlier text holds these very span objects: its layers, groups,
 * labels, steps and diagnostics after an edit move with them, and an edit that leaves the walk's state as it was
 * reuses them instead of walking the rest of the model again (model.ts).
 */
export function shiftStatement(statement: Statement, d: number): void {
  if (d === 0) return;
  for (const item of statement.chain) shiftItem(item, d);
  shift(statement.span, d);
  if (statement.label) shift(statement.label.span, d);
}

// Written out per node kind: a 25,000-statement tail of a model is moved on every keystroke before it, and a
// generic walk over the objects' keys took several times as long.
function shiftItem(item: ChainItem, d: number): void {
  shift(item.span, d);
  switch (item.kind) {
    case "layer":
      shift(item.name.span, d);
      if (item.args) shiftArgs(item.args, d);
      return;
    case "residual":
      shift(item.keyword, d);
      shiftBody(item.body, d);
      if (item.shortcut) {
        shift(item.shortcut.span, d);
        if (item.shortcut.kind === "body") shiftBody(item.shortcut.body, d);
      }
      return;
    case "mergeBranches":
      shift(item.keyword, d);
      for (const b of item.branches) shiftBranch(b, d);
      return;
    case "mergeLabels":
      shift(item.keyword, d);
      shiftArgs(item.args, d);
      return;
    case "repeat":
      shift(item.keyword, d);
      shiftExpr(item.count, d);
      shiftBody(item.body, d);
      return;
    case "sequential":
    case "gate":
      shift(item.keyword, d);
      shiftBody(item.body, d);
      return;
    case "split":
      shift(item.keyword, d);
      for (const b of item.branches) shiftBranch(b, d);
      if (item.args) shiftArgs(item.args, d);
      return;
    default:
      return unreachable(item);
  }
}

function shiftBranch(branch: { keyword: Span; body: Statement[]; span: Span }, d: number): void {
  shift(branch.keyword, d);
  shiftBody(branch.body, d);
  shift(branch.span, d);
}

function shiftBody(body: Statement[], d: number): void {
  for (const s of body) shiftStatement(s, d);
}

function shiftArgs(args: Argument[], d: number): void {
  for (const a of args) {
    shiftExpr(a.value, d);
    shift(a.span, d);
    if (a.key) shift(a.key.span, d);
  }
}

function shiftExpr(e: Expr, d: number): void {
  shift(e.span, d);
  switch (e.kind) {
    case "int":
    case "decimal":
    case "bool":
    case "word":
    case "missing":
      return;
    case "tuple":
      for (const x of e.items) shiftExpr(x, d);
      return;
    case "unary":
      shiftExpr(e.operand, d);
      return;
    case "binary":
      shiftExpr(e.left, d);
      shiftExpr(e.right, d);
      return;
    default:
      return unreachable(e);
  }
}

function shift(span: Span, d: number): void {
  span.start += d;
  span.end += d;
}

function unreachable(node: never): never {
  throw new Error(`reparse cannot move a ${(node as { kind: string }).kind}: add it to shiftItem or shiftExpr`);
}

type Comment = FileAst["comments"][number];

function spliceComments(before: Comment[], inRegion: IToken[], region: Region, delta: number): Comment[] {
  const out: Comment[] = [];
  for (const c of before) if (c.span.end <= region.start) out.push(c);
  for (const t of inRegion) out.push({ text: t.image, span: spanOf(t) });
  for (const c of before)
    if (c.span.start >= region.end)
      out.push({ text: c.text, span: { start: c.span.start + delta, end: c.span.end + delta } });
  return out;
}
