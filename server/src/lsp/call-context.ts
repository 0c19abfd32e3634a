// Finds, from the text before the cursor, the layer call the cursor is in and which argument it is on.

export interface CallContext {
  /** The layer or block name before the open parenthesis. */
  name: string;
  /** Offset of that name. */
  nameStart: number;
  /** Index of the positional argument under the cursor (commas at depth 0 so far). */
  argumentIndex: number;
  /** The keyword being typed after (`padding: |`), if any. */
  keyword?: string;
  /** Keywords already given in this call. */
  given: string[];
}

const LOOKBACK = 4000;

/** The innermost unclosed `name(` before `offset`, or undefined outside any call. */
export function callContext(text: string, offset: number): CallContext | undefined {
  let depth = 0;
  let commas = 0;
  const start = Math.max(0, offset - LOOKBACK);
  for (let i = offset - 1; i >= start; i--) {
    const c = text[i]!;
    if (c === ")") depth++;
    else if (c === "(") {
      if (depth > 0) { depth--; continue; }
      const m = /([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(text.slice(Math.max(0, i - 64), i));
      // A tuple's parenthesis: keep looking for the call around it; the commas so far were the tuple's own.
      if (!m) { commas = 0; continue; }
      const inside = text.slice(i + 1, offset);
      const keyword = /([A-Za-z_][A-Za-z0-9_]*)\s*:\s*[A-Za-z_]*$/.exec(inside)?.[1];
      const given = [...inside.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*:/g)].map((g) => g[1]!);
      const ctx: CallContext = { name: m[1]!, nameStart: i - m[0].length, argumentIndex: commas, given };
      if (keyword) ctx.keyword = keyword;
      return ctx;
    } else if (c === "," && depth === 0) commas++;
    else if ((c === "{" || c === "}") && depth === 0) return undefined;
  }
  return undefined;
}

/** True inside a `#` comment, by the parser's comment spans: completion and signature help stay quiet there. */
export function inComment(comments: readonly { span: { start: number; end: number } }[], offset: number): boolean {
  return comments.some((c) => c.span.start < offset && offset <= c.span.end);
}
