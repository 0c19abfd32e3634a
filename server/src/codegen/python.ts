// Python source helpers shared by the PyTorch and Keras writers: expressions, literals, shapes (names: names.ts).
import type { Value } from "../analysis/values.js";
import type { Shape } from "../analysis/types.js";
import { pyString } from "./names.js";
import type { Sym, SymNode } from "./sym.js";

/** A value as a Python literal. */
export function pyValue(v: Value | undefined): string {
  if (v === undefined) return "None";
  switch (v.type) {
    case "number":
      return pyNumber(v.value);
    case "bool":
      return v.value ? "True" : "False";
    case "word":
      return pyString(v.value);
    case "tuple":
      return v.items.length === 1 ? `(${pyValue(v.items[0])},)` : `(${v.items.map(pyValue).join(", ")})`;
  }
}

/** A number as Python writes it; floats are rounded to 12 digits so that 1 − 0.99 reads 0.01. */
export function pyNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  const rounded = Number(n.toPrecision(12));
  // Small constants (eps) read as Python prints them: 1e-05, not 0.00001.
  return Math.abs(rounded) < 1e-4 ? rounded.toExponential().replace(/e([+-])(\d)$/, "e$10$2") : String(rounded);
}

// Binding strength of each form: a child binding more weakly than its parent needs parentheses.
const PREC = { if: 0, or: 1, cmp: 3, add: 4, mul: 5, neg: 6, atom: 9 } as const;

/** The expression as Python source; `rename` maps variable names (e.g. in_channels in Keras). */
export function py(s: Sym | SymNode, rename: (name: string) => string = (n) => n): string {
  const node = "node" in s ? s.node : s;
  return render(node, rename).text;
}

function render(n: SymNode, rename: (name: string) => string): { text: string; prec: number } {
  const at = (c: SymNode, min: number) => {
    const r = render(c, rename);
    return r.prec >= min ? r.text : `(${r.text})`;
  };
  switch (n.t) {
    case "lit": {
      const text = pyValue(n.v);
      return { text, prec: text.startsWith("-") ? PREC.neg : PREC.atom };
    }
    case "var":
      return { text: rename(n.name), prec: PREC.atom };
    case "neg":
      return { text: `-${at(n.a, PREC.neg)}`, prec: PREC.neg };
    case "tuple":
      return {
        text: n.items.length === 1 ? `(${at(n.items[0]!, 1)},)` : `(${n.items.map((i) => at(i, 1)).join(", ")})`,
        prec: PREC.atom,
      };
    case "index":
      return { text: `${at(n.of, PREC.atom)}[${at(n.i, 1)}]`, prec: PREC.atom };
    case "if":
      return { text: `${at(n.a, 1)} if ${at(n.c, 1)} else ${at(n.b, 0)}`, prec: PREC.if };
    case "op": {
      const p =
        n.op === "or"
          ? PREC.or
          : n.op === "!=" || n.op === "=="
            ? PREC.cmp
            : n.op === "+" || n.op === "-"
              ? PREC.add
              : PREC.mul;
      // Left-associative: the right operand of - / // (and, for simplicity, of every operator) needs a stronger
      // binding.
      return { text: `${at(n.a, p === PREC.cmp ? p + 1 : p)} ${n.op} ${at(n.b, p + 1)}`, prec: p };
    }
  }
}

/** A shape for a comment, in the target's layout: `64x56x56`. */
export function shapeComment(shape: Shape | undefined): string {
  return shape ? shape.join("x") : "?";
}

/** Source lines with indentation, built up by the writers. */
export class Lines {
  readonly lines: string[] = [];
  constructor(private readonly indent = "") {}

  add(text: string): this {
    this.lines.push(text === "" ? "" : this.indent + text);
    return this;
  }

  /** Lines one level deeper (four spaces). */
  nested(): Lines {
    const child = new Lines(this.indent + "    ");
    return child;
  }

  append(other: Lines): this {
    this.lines.push(...other.lines);
    return this;
  }

  toString(): string {
    return this.lines.join("\n");
  }
}

/** `code  # comment`, the comment aligned a little to the right when the line is short. */
export function withComment(code: string, comment: string | undefined, column = 44): string {
  if (!comment) return code;
  return `${code.padEnd(Math.max(column, code.length + 2))}# ${comment}`;
}
