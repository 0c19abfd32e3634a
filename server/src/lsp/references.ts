// Every place a block or a label is defined or used, found from the AST (for definition, references, rename).
import type { ChainItem, Definition, Expr, FileAst, LayerCall, Span, Statement } from "../../../grammar/index.js";
import { findSpec } from "../analysis/arguments.js";
import { findLayerKind } from "../analysis/layers/index.js";

export interface Reference {
  kind: "block" | "label";
  name: string;
  span: Span;
  definition: boolean;
  /** The model or block whose text holds a label; labels are local to it. */
  scope?: Span;
}

/** Each document version's references, found once: definition, references and rename all start from them. */
const cache = new WeakMap<FileAst, Reference[]>();

/** All block and label references of a file, in text order (shared; do not modify). */
export function collectReferences(ast: FileAst): Reference[] {
  let refs = cache.get(ast);
  if (!refs) {
    refs = findReferences(ast);
    cache.set(ast, refs);
  }
  return refs;
}

function findReferences(ast: FileAst): Reference[] {
  const blocks = new Set(ast.definitions.flatMap((d) => (d.kind === "block" ? [d.name.text] : [])));
  const refs: Reference[] = [];
  for (const def of ast.definitions) {
    if (def.kind === "framework") continue;
    if (def.kind === "block") refs.push({ kind: "block", name: def.name.text, span: def.name.span, definition: true });
    const labels = new Set<string>();
    collectLabels(def.body, labels);
    walk(def.body, def, blocks, labels, refs);
  }
  return refs.sort((a, b) => a.span.start - b.span.start);
}

function collectLabels(body: Statement[], out: Set<string>): void {
  for (const s of body) {
    if (s.label) out.add(s.label.text);
    for (const item of s.chain) for (const inner of nestedBodies(item)) collectLabels(inner, out);
  }
}

function nestedBodies(item: ChainItem): Statement[][] {
  switch (item.kind) {
    case "residual":
      return item.shortcut?.kind === "body" ? [item.body, item.shortcut.body] : [item.body];
    case "mergeBranches":
    case "split":
      return item.branches.map((b) => b.body);
    case "repeat":
    case "sequential":
    case "gate":
      return [item.body];
    default:
      return [];
  }
}

function walk(
  body: Statement[],
  def: Exclude<Definition, { kind: "framework" }>,
  blocks: Set<string>,
  labels: Set<string>,
  refs: Reference[],
): void {
  for (const s of body) {
    if (s.label)
      refs.push({ kind: "label", name: s.label.text, span: s.label.span, definition: true, scope: def.span });
    s.chain.forEach((item, i) => {
      if (item.kind === "layer") {
        const name = item.name.text;
        if (i === 0 && item.args === undefined && labels.has(name))
          refs.push({ kind: "label", name, span: item.name.span, definition: false, scope: def.span });
        else if (blocks.has(name)) refs.push({ kind: "block", name, span: item.name.span, definition: false });
      }
      const named = item.kind === "mergeLabels" || isOutputCall(item) ? (item.args ?? []).map((a) => a.value) : [];
      if (item.kind === "layer" && !blocks.has(item.name.text)) named.push(...labelArguments(item));
      for (const v of named) {
        if (v.kind === "word" && labels.has(v.name))
          refs.push({ kind: "label", name: v.name, span: v.span, definition: false, scope: def.span });
      }
      for (const inner of nestedBodies(item)) walk(inner, def, blocks, labels, refs);
    });
  }
}

/** The reference under `offset`, if any: a binary search, since references are names that never overlap. */
export function referenceAt(refs: Reference[], offset: number): Reference | undefined {
  let lo = 0;
  let hi = refs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (refs[mid]!.span.start <= offset) lo = mid;
    else hi = mid - 1;
  }
  // Names that touch share an offset; the earlier one wins there, as a search from the start would find it.
  const contains = (r: Reference | undefined) => r !== undefined && r.span.start <= offset && offset <= r.span.end;
  return [refs[lo - 1], refs[lo]].find(contains);
}

/** Every reference to the same block, or to the same label in the same model or block. */
export function sameTarget(refs: Reference[], target: Reference): Reference[] {
  return refs.filter(
    (r) =>
      r.kind === target.kind &&
      r.name === target.name &&
      (r.kind === "block" || r.scope?.start === target.scope?.start),
  );
}

/** `output(a, b)`: its arguments are labels, as a label merge's are. */
function isOutputCall(item: ChainItem): item is LayerCall {
  return item.kind === "layer" && item.name.text.toLowerCase() === "output" && item.args !== undefined;
}

/** The values of a layer's arguments that name a label (`resize(like: image)`), by keyword or position. */
function labelArguments(call: LayerCall): Expr[] {
  const kind = findLayerKind(call.name.text);
  if (!kind || !call.args) return [];
  let position = 0;
  const out: Expr[] = [];
  for (const a of call.args) {
    const spec = a.key ? findSpec(kind.args, a.key.text) : kind.args[position++];
    if (spec?.type === "label") out.push(a.value);
  }
  return out;
}
