// The outline: models and blocks, their statements, block uses and structures, and the layers inside those.
import type { DocumentSymbol, Range } from "vscode-languageserver";
import { SymbolKind } from "vscode-languageserver";
import type { ChainItem, Span, Statement } from "../../../grammar/index.js";
import type { GroupInfo, LabelInfo, LayerInfo, ModelInfo } from "../analysis/index.js";
import { formatShape } from "../analysis/tensor.js";
import type { Analysed } from "./documents.js";
import { toRange } from "./convert.js";
import { shapeRange } from "./shape-range.js";

/**
 * One symbol per definition; under it each unlabelled layer, each label (its chain's output), each block use
 * and each structure (repeat, residual, merges, seq, and any kind added later), with the layers of a structure
 * nested under it. Details are output shapes; text inside a block shows the range over its uses. Linear in
 * the document: the analysis' layers, groups and labels are indexed by offset once.
 */
export function documentSymbols(doc: Analysed): DocumentSymbol[] {
  const facts = new Facts(doc);
  const budget = { left: OUTLINE_LIMIT };
  const out: DocumentSymbol[] = [];
  for (const def of doc.analysis.ast.definitions) {
    if (def.kind === "framework" || !def.name.text) continue;
    const model = def.kind === "model" ? facts.models.get(def.name.span.start) : undefined;
    out.push({
      name: def.name.text,
      detail:
        def.kind === "model"
          ? `model ${formatShape(model?.input)} → ${formatShape(model?.output)}`
          : `block(${def.params.map((p) => p.name.text).join(", ")})`,
      kind: def.kind === "model" ? SymbolKind.Class : SymbolKind.Function,
      range: toRange(doc.index, def.span),
      selectionRange: toRange(doc.index, def.name.span),
      children: bodySymbols(def.body, facts, { model, inBlock: def.kind === "block", budget }),
    });
  }
  return out;
}

/**
 * Symbols under the definitions in one outline, at most: past it the rest of a body is one entry that says how
 * many statements it leaves out. The outline of a 50,000-statement model was 11 MB of JSON, half a second to
 * send and read, and no list a person scrolls; VS Code caps its folding regions the same way (5,000).
 */
export const OUTLINE_LIMIT = 10_000;

interface Where {
  /** The model being outlined (its input shape names the `input` line); undefined in a block. */
  model: ModelInfo | undefined;
  /** In a block definition, layer names are shown without the use's prefix (`conv1`, not `layer1.conv1`). */
  inBlock: boolean;
  /** How many more symbols the outline may hold (OUTLINE_LIMIT), shared by every body of the document. */
  budget: { left: number };
}

function bodySymbols(body: Statement[], facts: Facts, where: Where, out: DocumentSymbol[] = []): DocumentSymbol[] {
  for (let i = 0; i < body.length; i++) {
    const s = body[i]!;
    if (where.budget.left <= 0) {
      out.push(omitted(body.slice(i), facts));
      break;
    }
    if (s.label) {
      // A label names its chain's output: one symbol for the statement, with the structures in it beneath.
      where.budget.left--;
      const children: DocumentSymbol[] = [];
      for (const item of s.chain) if (nestedBodies(item).length) children.push(itemSymbol(item, facts, where));
      out.push(
        withChildren(
          {
            name: s.label.text,
            detail: shapeRange((facts.labels.get(s.label.span.start) ?? []).map((l) => l.shape)),
            kind: SymbolKind.Variable,
            range: facts.range(s.span),
            selectionRange: facts.range(s.label.span),
          },
          children,
        ),
      );
      continue;
    }
    for (const item of s.chain) out.push(itemSymbol(item, facts, where));
  }
  return out;
}

/**
 * The layers a block use made in the model being outlined, named within the use (`conv1`, `downsample.0`). Their
 * text is in the block's definition, outside the use's range, so each is placed at the use: a child stays inside
 * its parent, and choosing it shows the line that made it. A use inside a block's definition has none (its
 * layers differ from use to use).
 */
function useLayers(group: GroupInfo, where: Where, range: Range, selectionRange: Range): DocumentSymbol[] {
  const model = where.model;
  if (!model || where.inBlock) return [];
  const out: DocumentSymbol[] = [];
  const [first, end] = group.layers;
  for (let i = first; i < end && where.budget.left > 0; i++) {
    const layer = model.layers[i]!;
    where.budget.left--;
    out.push({
      name: layer.name.slice(group.name.length + 1),
      detail: formatShape(layer.outputShape),
      kind: SymbolKind.Method,
      range,
      selectionRange,
    });
  }
  return out;
}

/** The entry that stands for the statements past the outline's limit. */
function omitted(rest: Statement[], facts: Facts): DocumentSymbol {
  const first = rest[0]!;
  const span = { start: first.span.start, end: rest[rest.length - 1]!.span.end };
  return {
    name: `… ${rest.length.toLocaleString("en-US")} more statement${rest.length === 1 ? "" : "s"}`,
    detail: `the outline lists ${OUTLINE_LIMIT.toLocaleString("en-US")} symbols at most`,
    kind: SymbolKind.Null,
    range: facts.range(span),
    selectionRange: facts.range(first.span),
  };
}

function itemSymbol(item: ChainItem, facts: Facts, where: Where): DocumentSymbol {
  where.budget.left--;
  const range = facts.range(item.span);
  if (item.kind === "layer") {
    // The input line first: it is neither a layer nor a block use, and needs neither index.
    if (where.model && item.name.text.toLowerCase() === "input") {
      const selectionRange = facts.range(item.name.span);
      return { name: "input", detail: formatShape(where.model.input), kind: SymbolKind.Method, range, selectionRange };
    }
    const use = facts.groups.get(item.span.start);
    if (use?.[0]?.kind === "block") {
      const detail = `${use[0].definition} → ${shapeRange(use.map((g) => g.outputShape))}`;
      const name = where.inBlock ? lastPart(use[0].name) : use[0].name;
      const selectionRange = facts.range(item.name.span);
      const symbol = { name, detail, kind: SymbolKind.Module, range, selectionRange };
      return withChildren(symbol, useLayers(use[0], where, range, selectionRange));
    }
    const layers = facts.layers.get(item.span.start);
    const name = layers ? (where.inBlock ? lastPart(layers[0]!.name) : layers[0]!.name) : item.name.text;
    const detail = layers ? shapeRange(layers.map((l) => l.outputShape)) : "";
    return { name, detail, kind: SymbolKind.Method, range, selectionRange: facts.range(item.name.span) };
  }
  // Every structure starts with its keyword; a kind without one would be named by its whole text.
  const keyword = (item as { keyword?: Span }).keyword ?? item.span;
  const groups = facts.groups.get(item.span.start);
  const written = facts.text.slice(keyword.start, keyword.end);
  const children: DocumentSymbol[] = [];
  for (const body of nestedBodies(item)) bodySymbols(body, facts, where, children);
  return withChildren(
    {
      // A label merge is written out (`concat(enc2)`): it has no name of its own.
      name:
        item.kind === "mergeLabels"
          ? oneLine(facts.text.slice(item.span.start, item.span.end))
          : (groups?.[0]!.name ?? written),
      detail:
        (item.kind === "repeat" ? `×${oneLine(facts.text.slice(item.count.span.start, item.count.span.end))} ` : "") +
        (groups ? `→ ${shapeRange(groups.map((g) => g.outputShape))}` : ""),
      kind: item.kind === "mergeLabels" ? SymbolKind.Operator : SymbolKind.Struct,
      range,
      selectionRange: facts.range(keyword),
    },
    children,
  );
}

/**
 * The statement lists inside a structure, read by shape rather than by kind so that structures added later
 * (gate { … }, split { branch … }) are outlined too: a `body`, each branch's `body`, a shortcut's `body`.
 */
function nestedBodies(item: ChainItem): Statement[][] {
  const node = item as {
    body?: Statement[];
    branches?: { body?: Statement[] }[];
    shortcut?: { body?: Statement[] };
  };
  const bodies: Statement[][] = [];
  if (Array.isArray(node.body)) bodies.push(node.body);
  for (const b of Array.isArray(node.branches) ? node.branches : []) if (Array.isArray(b.body)) bodies.push(b.body);
  if (Array.isArray(node.shortcut?.body)) bodies.push(node.shortcut.body);
  return bodies;
}

function withChildren(symbol: DocumentSymbol, children: DocumentSymbol[]): DocumentSymbol {
  // No empty lists: a 50,000-label outline is sent as JSON, and most labels hold no structure.
  if (children.length) symbol.children = children;
  return symbol;
}

const lastPart = (name: string) => name.slice(name.lastIndexOf(".") + 1);
const oneLine = (text: string) => {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 40 ? `${flat.slice(0, 39)}…` : flat;
};

/**
 * The analysis' facts by the offset where their text starts, every instance of a text together; each index is
 * built when first asked for (a file of labelled statements never needs its layers indexed).
 */
class Facts {
  readonly text: string;
  readonly models = new Map<number, ModelInfo>();
  readonly range: (span: Span) => ReturnType<typeof toRange>;
  private indexes: { layers?: Instances<LayerInfo>; groups?: Instances<GroupInfo>; labels?: Instances<LabelInfo> } = {};

  constructor(private readonly doc: Analysed) {
    this.text = doc.text;
    this.range = (span) => toRange(doc.index, span);
    for (const m of doc.analysis.models) if (!this.models.has(m.nameSpan.start)) this.models.set(m.nameSpan.start, m);
  }

  get layers(): Instances<LayerInfo> {
    return (this.indexes.layers ??= this.index((m) => m.layers));
  }
  get groups(): Instances<GroupInfo> {
    return (this.indexes.groups ??= this.index((m) => m.groups));
  }
  get labels(): Instances<LabelInfo> {
    return (this.indexes.labels ??= this.index((m) => m.labels));
  }

  private index<T extends { span: Span }>(items: (m: ModelInfo) => T[]): Instances<T> {
    const index = new Instances<T>();
    for (const m of this.doc.analysis.models) for (const item of items(m)) index.add(item);
    return index;
  }
}

/**
 * Items by the start of their text. Most texts have one instance, kept without a list of its own (the outline
 * of a 50,000-label file indexes 100,000 items); an item of another width at the same start (none today) is
 * left out.
 */
class Instances<T extends { span: Span }> {
  private readonly first = new Map<number, T>();
  private readonly more = new Map<number, T[]>();

  add(item: T): void {
    const first = this.first.get(item.span.start);
    if (!first) this.first.set(item.span.start, item);
    else if (first.span.end === item.span.end) {
      const more = this.more.get(item.span.start);
      if (more) more.push(item);
      else this.more.set(item.span.start, [item]);
    }
  }

  /** Every instance of the text starting at `start`, first instance first, or undefined. */
  get(start: number): T[] | undefined {
    const first = this.first.get(start);
    if (!first) return undefined;
    const more = this.more.get(start);
    return more ? [first, ...more] : [first];
  }
}
