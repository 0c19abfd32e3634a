// Line numbers and headers of the .cnn source, for the comments and docstrings of generated code.
import type { BlockDef } from "../../../grammar/index.js";
import type { Shape } from "../analysis/types.js";
import { py } from "../codegen/python.js";
import { fromExpr, variable, type Sym } from "../codegen/sym.js";

/** The 0-based line of an offset. */
export function lineOfOffset(text: string, offset: number): number {
  let line = 0;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * 0-based lines of many offsets in one text: the line starts are found once and searched, so that a file
 * of n models costs n·log n, not n times the text's length (what made exporting 20,000 models quadratic).
 */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) this.starts.push(i + 1);
  }

  /** The 0-based line of an offset (as lineOfOffset). */
  line(offset: number): number {
    let lo = 0,
      hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

/** `1,234,567` */
export function thousands(n: number): string {
  return n.toLocaleString("en-US");
}

/** `64x56x56 -> 256x56x56` */
export function shapeChange(
  from: Shape | undefined,
  to: Shape | undefined,
  show: (s: Shape | undefined) => Shape | undefined,
): string {
  const f = (s: Shape | undefined) => (show(s) ?? ["?"]).join("x");
  return `${f(from)} -> ${f(to)}`;
}

/**
 * A generic block class's parameters as Python: literal defaults stay defaults; a default written in
 * terms of other parameters becomes `None` and is computed first (`if mid is None: mid = c // 4`).
 */
export function blockSignature(block: BlockDef, names: string[]): { params: string[]; fills: string[][] } {
  const env = new Map<string, Sym>(block.params.map((p, i) => [p.name.text, variable(names[i]!, undefined)]));
  const params: string[] = [];
  const fills: string[][] = [];
  let defaulted = false;
  block.params.forEach((p, i) => {
    const name = names[i]!;
    const d = p.default ? fromExpr(p.default, env) : undefined;
    if (!d) {
      // Python wants defaults last; a required parameter after a default is always passed by the callers.
      params.push(defaulted ? `${name}=None` : name);
      return;
    }
    defaulted = true;
    if (d.node.t === "lit") {
      params.push(`${name}=${py(d)}`);
      return;
    }
    params.push(`${name}=None`);
    fills.push([`if ${name} is None:`, `    ${name} = ${py(d)}`]);
  });
  return { params, fills };
}
