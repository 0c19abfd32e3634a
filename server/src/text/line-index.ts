// Converts between character offsets and 0-based (line, character) positions, as LSP counts them (UTF-16).

export interface Position {
  line: number;
  character: number;
}

/** Line starts of one text, computed once; lookups are binary searches. */
export class LineIndex {
  private readonly starts: number[] = [0];
  /** The line of the last lookup: whole-document features ask in text order, mostly on the same or next line. */
  private lastLine = 0;

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      // \r\n counts as one line break; a lone \r too, as editors treat it.
      if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) this.starts.push(i + 1);
    }
  }

  position(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    const line = this.line(o);
    return { line, character: o - this.starts[line]! };
  }

  /** The 0-based line of an offset, without making a Position (per-layer features ask it for every layer). */
  line(offset: number): number {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let line = this.lastLine;
    if (!this.onLine(o, line)) line = this.onLine(o, line + 1) ? line + 1 : this.search(o);
    this.lastLine = line;
    return line;
  }

  private onLine(offset: number, line: number): boolean {
    const start = this.starts[line];
    const next = this.starts[line + 1];
    return start !== undefined && start <= offset && (next === undefined || offset < next);
  }

  private search(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  offset(position: Position): number {
    if (position.line < 0) return 0;
    if (position.line >= this.starts.length) return this.text.length;
    const start = this.starts[position.line]!;
    const next = position.line + 1 < this.starts.length ? this.starts[position.line + 1]! : this.text.length;
    return Math.min(start + Math.max(0, position.character), next);
  }

  get lineCount(): number {
    return this.starts.length;
  }
}
