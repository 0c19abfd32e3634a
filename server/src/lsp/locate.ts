// What sits at an offset: a layer, a block use, a model name, a label, or a block definition's name.
import type { Span } from "../../../grammar/index.js";
import type { Analysis, GroupInfo, LabelInfo, LayerInfo, ModelInfo } from "../analysis/index.js";
import { SpanIndex } from "./span-index.js";

export type Located =
  | { kind: "layer"; model: ModelInfo; layer: LayerInfo; instances: number }
  | { kind: "group"; model: ModelInfo; group: GroupInfo; instances: number }
  | { kind: "model"; model: ModelInfo }
  | { kind: "label"; model: ModelInfo; label: LabelInfo }
  | { kind: "block"; name: string; span: Span };

const inside = (span: Span, offset: number) => span.start <= offset && offset <= span.end;
const width = (span: Span) => span.end - span.start;

/** The innermost thing at `offset`; for text inside a block definition, its first expanded instance. */
export function locate(analysis: Analysis, offset: number): Located | undefined {
  for (const m of analysis.models) if (inside(m.nameSpan, offset)) return { kind: "model", model: m };
  for (const b of analysis.blocks)
    if (inside(b.nameSpan, offset)) return { kind: "block", name: b.name, span: b.nameSpan };
  const inBlock = analysis.blocks.some((b) => inside(b.span, offset));
  for (const m of analysis.models) {
    if (!inside(m.span, offset) && !inBlock) continue;
    const index = indexOf(m);
    const label = index.labels.at(offset)?.[0];
    if (label) return { kind: "label", model: m, label };
    const layers = index.layers.at(offset);
    const groups = index.blockUses.at(offset);
    const layer = layers?.[0];
    const group = groups?.[0];
    // A block use's name is more specific than the layers that it expands to.
    if (group && (!layer || width(group.span) <= width(layer.span)))
      return { kind: "group", model: m, group, instances: groups.length };
    if (layer) return { kind: "layer", model: m, layer, instances: layers.length };
  }
  return undefined;
}

const hoverable = new Set<GroupInfo["kind"]>(["block", "gate", "split", "mul"]);

/** Each model's labels, layers and block uses by position, built on a model's first hover (once per version). */
const indexes = new WeakMap<
  ModelInfo,
  { labels: SpanIndex<LabelInfo>; layers: SpanIndex<LayerInfo>; blockUses: SpanIndex<GroupInfo> }
>();

function indexOf(m: ModelInfo) {
  let index = indexes.get(m);
  if (!index) {
    index = {
      labels: new SpanIndex(m.labels),
      layers: new SpanIndex(m.layers),
      // Block uses, and the structures whose keyword shows what they make of their input (gate, split, mul).
      blockUses: new SpanIndex(m.groups.filter((g) => hoverable.has(g.kind))),
    };
    indexes.set(m, index);
  }
  return index;
}

/** The model whose text contains the offset (or, inside a block, the first model that uses it). */
export function modelAt(analysis: Analysis, offset: number): ModelInfo | undefined {
  const direct = analysis.models.find((m) => inside(m.span, offset));
  if (direct) return direct;
  const block = analysis.blocks.find((b) => inside(b.span, offset));
  return block ? analysis.models.find((m) => m.groups.some((g) => g.definition === block.name)) : undefined;
}
