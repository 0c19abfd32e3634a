// Which visible nodes stand for the text under the editor's cursor.
import type { DiagramData } from "../../../server/src/protocol.js";
import type { VisibleGraph } from "./visible-graph.js";

/**
 * The ids of the visible nodes for the narrowest layer, merge or group whose text holds `offset` (every use of
 * a block: a layer line in a block definition stands for all of them); with none, those that start on the
 * cursor's `line`. Hidden ones are stood for by the collapsed group or section that holds them.
 */
export function highlightIds(data: DiagramData, graph: VisibleGraph, offset: number, line: number): string[] {
  const items: { span: [number, number]; line: number; rep: string | undefined }[] = [];
  data.atoms.forEach((a, i) => items.push({ span: a.span, line: a.line, rep: graph.repOfAtom[i] }));
  data.groups.forEach((g, i) => items.push({ span: g.span, line: g.line, rep: graph.repOfGroup[i] }));
  let best: [number, number] | undefined;
  for (const it of items) {
    const [start, end] = it.span;
    if (start <= offset && offset <= end && (!best || end - start < best[1] - best[0])) best = it.span;
  }
  if (!best) {
    for (const it of items) if (it.line === line && (!best || it.span[0] < best[0])) best = it.span;
  }
  if (!best) return [];
  const [start, end] = best;
  const ids = new Set<string>();
  for (const it of items) if (it.span[0] === start && it.span[1] === end && it.rep) ids.add(it.rep);
  return [...ids];
}
