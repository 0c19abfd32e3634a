// What sits at an offset: a layer, a block use, a model name, a label, or a block definition's name.
import type { Span } from "../../../grammar/index.js";
import type { Analysis, GroupInfo, LabelInfo, LayerInfo, ModelInfo } from "../analysis/index.js";
import { SpanIndex } from "./span-index.js";

export type Located =
  | { kind: "layer"; model: ModelInfo; layer: LayerInfo; instances: number; all: LayerInfo[] }
  | { kind: "group"; model: ModelInfo; group: GroupInfo; instances: number; all: GroupInfo[] }
  | { kind: "model"; model: ModelInfo }
  | { kind: "label"; model: ModelInfo; label: LabelInfo }
  | { kind: "block"; name: string; span: Span };

const inside = (span: Span, offset: number) => span.start <= offset && offset <= span.end;
const width = (span: Span) => span.end - span.start;

/**
 * The innermost thing at `offset`; for text inside a block definition, its first expanded instance (with the
 * count of instances). `text` is the document's, to find the structure keyword (`residual`, `repeat`, …) there.
 */
export function locate(analysis: Analysis, offset: number, text = ""): Located | undefined {
  for (const m of analysis.models) if (inside(m.nameSpan, offset)) return { kind: "model", model: m };
  for (const b of analysis.blocks)
    if (inside(b.nameSpan, offset)) return { kind: "block", name: b.name, span: b.nameSpan };
  const inBlock = analysis.blocks.some((b) => inside(b.span, offset));
  const keyword = wordAt(text, offset);
  for (const m of analysis.models) {
    if (!inside(m.span, offset) && !inBlock) continue;
    const index = indexOf(m);
    // A structure's keyword starts its span: the groups that start at that word are its instances.
    const structures = keyword && index.structures.get(keyword.start);
    if (structures)
      return { kind: "group", model: m, group: structures[0]!, instances: structures.length, all: structures };
    const label = index.labels.at(offset)?.[0];
    if (label) return { kind: "label", model: m, label };
    const layers = index.layers.at(offset);
    const groups = index.blockUses.at(offset);
    const layer = layers?.[0];
    const group = groups?.[0];
    // A block use's name is more specific than the layers that it expands to.
    if (group && (!layer || width(group.span) <= width(layer.span)))
      return { kind: "group", model: m, group, instances: groups.length, all: groups };
    if (layer) return { kind: "layer", model: m, layer, instances: layers.length, all: layers };
  }
  return undefined;
}

interface ModelIndex {
  labels: SpanIndex<LabelInfo>;
  layers: SpanIndex<LayerInfo>;
  blockUses: SpanIndex<GroupInfo>;
  /** Every other group (residual, repeat, merges, seq and any kind added later) by the start of its span. */
  structures: Map<number, GroupInfo[]>;
}

/** Each model's labels, layers and groups by position, built on a model's first hover (once per version). */
const indexes = new WeakMap<ModelInfo, ModelIndex>();

function indexOf(m: ModelInfo): ModelIndex {
  let index = indexes.get(m);
  if (!index) {
    const structures = new Map<number, GroupInfo[]>();
    for (const g of m.groups) {
      if (g.kind === "block") continue;
      const same = structures.get(g.span.start);
      // Groups that start together are the instances of one text (a structure in a block used twice); a
      // wider group starting at the same offset is not a keyword's (none today), so the first width wins.
      if (!same) structures.set(g.span.start, [g]);
      else if (same[0]!.span.end === g.span.end) same.push(g);
    }
    index = {
      labels: new SpanIndex(m.labels),
      layers: new SpanIndex(m.layers),
      blockUses: new SpanIndex(m.groups.filter((g) => g.kind === "block")),
      structures,
    };
    indexes.set(m, index);
  }
  return index;
}

/** The span of the word (letters, digits, `_`) that holds `offset`, or undefined between words. */
function wordAt(text: string, offset: number): Span | undefined {
  const isWord = (c: string | undefined) => c !== undefined && /\w/.test(c);
  let start = offset;
  while (isWord(text[start - 1])) start--;
  let end = offset;
  while (isWord(text[end])) end++;
  return end > start ? { start, end } : undefined;
}

/** The model whose text contains the offset (or, inside a block, the first model that uses it). */
export function modelAt(analysis: Analysis, offset: number): ModelInfo | undefined {
  const direct = containing(analysis.models, offset);
  if (direct) return direct;
  const block = containing(analysis.blocks, offset);
  return block ? analysis.models.find((m) => m.groups.some((g) => g.definition === block.name)) : undefined;
}

/**
 * The definition whose text holds `offset`, by binary search: definitions are in the file's order and never
 * overlap, and the status bar asks at every cursor move in files of thousands of models.
 */
function containing<T extends { span: Span }>(sorted: readonly T[], offset: number): T | undefined {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]!.span.start <= offset) lo = mid + 1;
    else hi = mid;
  }
  // The one before wins where two meet (`}model`: its end is the next one's start), as a search from the top would.
  const before = sorted[lo - 2];
  if (before && inside(before.span, offset)) return before;
  const candidate = sorted[lo - 1];
  return candidate && inside(candidate.span, offset) ? candidate : undefined;
}
