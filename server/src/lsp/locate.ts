// What sits at an offset: a layer, a block use, a model name, a label, or a block definition's name.
import type { Span } from "../../../grammar/index.js";
import type { Analysis, GroupInfo, LabelInfo, LayerInfo, ModelInfo } from "../analysis/index.js";

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
  for (const b of analysis.blocks) if (inside(b.nameSpan, offset)) return { kind: "block", name: b.name, span: b.nameSpan };
  const inBlock = analysis.blocks.some((b) => inside(b.span, offset));
  for (const m of analysis.models) {
    if (!inside(m.span, offset) && !inBlock) continue;
    const label = m.labels.find((l) => inside(l.span, offset));
    if (label) return { kind: "label", model: m, label };
    const layer = innermost(m.layers, offset);
    const group = innermost(m.groups.filter((g) => g.kind === "block"), offset);
    // A block use's name is more specific than the layers that it expands to.
    if (group && (!layer || width(group.span) <= width(layer.span))) {
      return { kind: "group", model: m, group, instances: m.groups.filter((g) => g.span.start === group.span.start).length };
    }
    if (layer) return { kind: "layer", model: m, layer, instances: m.layers.filter((l) => l.span.start === layer.span.start).length };
  }
  return undefined;
}

function innermost<T extends { span: Span }>(items: T[], offset: number): T | undefined {
  let best: T | undefined;
  for (const item of items) if (inside(item.span, offset) && (!best || width(item.span) < width(best.span))) best = item;
  return best;
}

/** The model whose text contains the offset (or, inside a block, the first model that uses it). */
export function modelAt(analysis: Analysis, offset: number): ModelInfo | undefined {
  const direct = analysis.models.find((m) => inside(m.span, offset));
  if (direct) return direct;
  const block = analysis.blocks.find((b) => inside(b.span, offset));
  return block ? analysis.models.find((m) => m.groups.some((g) => g.definition === block.name)) : undefined;
}
