// The names defined in one scope, in the order they were defined, each with its entry (a label's tensor, the
// claim on a layer name). A scope walked again from a point of an earlier walk (an edit deep in a long model)
// shares that walk's map rather than copying it: copying the 25,000 labels before the middle of a 50,000-label
// model, and taking on the 25,000 after it again once the walks met, was most of the time an edit took.

/** An entry that knows its place among its scope's names. */
export interface Placed {
  position: number;
}

export class OrderedNames<V extends Placed> {
  /** The names this walk defined (all of them, unless `earlier` is set). */
  private own = new Map<string, V>();
  /** An earlier walk's names, of which those before `horizon` are this walk's too. */
  private earlier: Map<string, V> | undefined;
  private horizon = 0;

  get size(): number {
    return this.earlier ? this.horizon + this.own.size : this.own.size;
  }

  get(name: string): V | undefined {
    const value = this.own.get(name);
    if (value !== undefined || !this.earlier) return value;
    const before = this.earlier.get(name);
    return before !== undefined && before.position < this.horizon ? before : undefined;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** Defines `name` as `value`, at the next position; returns the earlier value instead when it is taken. */
  add(name: string, value: V): V | undefined {
    const existing = this.get(name);
    if (existing !== undefined) return existing;
    value.position = this.size;
    this.own.set(name, value);
    return undefined;
  }

  /** The names from position `from` to before `to`, in order. */
  between(from: number, to: number): [string, V][] {
    const out: [string, V][] = [];
    if (from >= to) return out;
    for (const entry of this.from(from)) {
      out.push(entry);
      if (out.length === to - from) break;
    }
    return out;
  }

  /**
   * The names from position `from` on, in order, read as they come: names defined after the iterator was made
   * are met too (a Map's iterator is live), so a reader that goes on later reads each name once.
   */
  *from(from: number): IterableIterator<[string, V]> {
    let i = 0;
    if (this.earlier) {
      for (const entry of this.earlier) {
        if (i >= this.horizon) break;
        if (i++ >= from) yield entry;
      }
    }
    const skip = this.earlier ? from - this.horizon : from;
    let j = 0;
    for (const entry of this.own) if (j++ >= skip) yield entry;
  }

  /** Every name, in order. */
  names(): string[] {
    return this.between(0, this.size).map(([name]) => name);
  }

  /**
   * Names holding this one's first `count`, for a walk that goes on from there: they take over this one's map
   * (this walk is then the earlier one, used up), which they change only in continueFrom or flatten.
   */
  rewound(count: number): OrderedNames<V> {
    this.flatten();
    const names = new OrderedNames<V>();
    names.earlier = this.own;
    names.horizon = count;
    return names;
  }

  /**
   * Takes on `earlier`'s names from this one's size on: the rest of an earlier walk, joined where both walks had
   * the same names in the same order. Made from earlier.rewound(), the shared map takes this walk's entries
   * for the names it defined again, and becomes this one's own: no name is copied.
   */
  continueFrom(earlier: OrderedNames<V>): void {
    if (this.earlier !== undefined && this.earlier === earlier.own && earlier.earlier === undefined) {
      for (const [name, value] of this.own) this.earlier.set(name, value);
      this.own = this.earlier;
      this.earlier = undefined;
      return;
    }
    this.flatten();
    for (const [name, value] of earlier.between(this.size, earlier.size)) this.own.set(name, value);
  }

  /**
   * Makes one map hold every name (a walk that ends without meeting the earlier one): the earlier walk's, whose
   * names from the horizon on are dropped and this walk's appended, rather than a copy of all of them.
   */
  flatten(): void {
    const all = this.earlier;
    if (!all) return;
    // A walk that defined the same names again in the same order (a kernel changed: every later label's field
    // differs, not its name) replaces the values in place, where each name already stands; otherwise the names
    // past the horizon are dropped and this walk's appended.
    if (!this.samePastHorizon(all)) {
      let i = 0;
      // Deleting while iterating is defined for a Map: the iteration goes on with the entries after.
      for (const name of all.keys()) if (i++ >= this.horizon) all.delete(name);
    }
    for (const [name, value] of this.own) all.set(name, value);
    this.own = all;
    this.earlier = undefined;
  }

  /** Whether `all`'s names from the horizon on are this walk's own names, in the same order. */
  private samePastHorizon(all: Map<string, V>): boolean {
    if (all.size !== this.horizon + this.own.size) return false;
    const mine = this.own.keys();
    let i = 0;
    for (const name of all.keys()) {
      if (i++ < this.horizon) continue;
      if (mine.next().value !== name) return false;
    }
    return true;
  }
}
