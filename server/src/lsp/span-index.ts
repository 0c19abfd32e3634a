// Finds the item whose text holds an offset by binary search (spans that nest fall back to a linear search).
import type { Span } from "../../../grammar/index.js";

/**
 * Items grouped by identical span (instances of one piece of text, such as a line inside a block used
 * three times), sorted by start. Layers, block uses and labels never overlap in the text; should some
 * future construct make spans nest, the index notices and answers by the innermost span instead.
 */
export class SpanIndex<T extends { span: Span }> {
  private readonly starts: number[] = [];
  private readonly groups: T[][] = [];
  private nested = false;

  constructor(items: Iterable<T>) {
    const byStart = new Map<number, T[]>();
    for (const item of items) {
      const same = byStart.get(item.span.start);
      if (same) same.push(item);
      else byStart.set(item.span.start, [item]);
    }
    for (const start of [...byStart.keys()].sort((a, b) => a - b)) {
      const group = byStart.get(start)!;
      const previous = this.groups[this.groups.length - 1]?.[0];
      if (group.some((g) => g.span.end !== group[0]!.span.end) || (previous && previous.span.end > start))
        this.nested = true;
      this.starts.push(start);
      this.groups.push(group);
    }
  }

  /** Every instance of the text at `offset` (first instance first), or undefined; ends count as inside. */
  at(offset: number): T[] | undefined {
    if (this.nested) return this.innermost(offset);
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    // Where two texts touch, the earlier one holds the shared offset, as a search from the start finds it.
    for (const i of [lo - 1, lo]) {
      const group = this.groups[i];
      if (group && group[0]!.span.start <= offset && offset <= group[0]!.span.end) return group;
    }
    return undefined;
  }

  /** The linear search, for spans that nest: the narrowest span holding the offset, with its instances. */
  private innermost(offset: number): T[] | undefined {
    let best: T | undefined;
    for (const group of this.groups)
      for (const item of group) {
        const { start, end } = item.span;
        if (start <= offset && offset <= end && (!best || end - start < best.span.end - best.span.start)) best = item;
      }
    return best && this.groups.flat().filter((i) => i.span.start === best.span.start && i.span.end === best.span.end);
  }
}
