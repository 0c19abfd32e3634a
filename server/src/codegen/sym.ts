// Symbolic values of exported code: small Python expressions over block parameters, with this use's value.
import type { Expr } from "../../../grammar/index.js";
import type { Value } from "../analysis/values.js";

/** An expression tree: literals, variables (block parameters, in_channels, loop indices) and operators. */
export type SymNode =
  | { t: "lit"; v: Value }
  | { t: "var"; name: string }
  | { t: "op"; op: BinaryOp; a: SymNode; b: SymNode }
  | { t: "neg"; a: SymNode }
  | { t: "if"; c: SymNode; a: SymNode; b: SymNode }
  | { t: "tuple"; items: SymNode[] }
  | { t: "index"; of: SymNode; i: SymNode };

export type BinaryOp = "+" | "-" | "*" | "/" | "//" | "!=" | "==" | "or";

/** A symbolic value: the expression, and its value in the use being lowered (unknown in dry runs). */
export interface Sym {
  node: SymNode;
  value: Value | undefined;
}

const number = (n: number): Value => ({ type: "number", value: n, integer: Number.isInteger(n) });

/** A literal: the same in every use. */
export function lit(v: Value): Sym {
  return { node: { t: "lit", v }, value: v };
}

/** A number or boolean literal. */
export const num = (n: number): Sym => lit(number(n));
export const bool = (b: boolean): Sym => lit({ type: "bool", value: b });

/** A variable (a block parameter, `in_channels`, a loop index) whose value in this use is `value`. */
export function variable(name: string, value: Value | undefined): Sym {
  return { node: { t: "var", name }, value };
}

/** True when the expression is a plain literal: it says the same in every use. */
export function isLiteral(s: Sym): boolean {
  return s.node.t === "lit";
}

/** Evaluates an argument expression of the .cnn text in an environment of symbolic block parameters. */
export function fromExpr(expr: Expr, env: ReadonlyMap<string, Sym>): Sym | undefined {
  switch (expr.kind) {
    case "int":
    case "decimal":
      return num(expr.value);
    case "bool":
      return bool(expr.value);
    case "word":
      return env.get(expr.name) ?? lit({ type: "word", value: expr.name });
    case "tuple": {
      const items = expr.items.map((e) => fromExpr(e, env));
      if (items.some((i) => i === undefined)) return undefined;
      return tuple(items as Sym[]);
    }
    case "unary": {
      const a = fromExpr(expr.operand, env);
      return a && negate(a);
    }
    case "binary": {
      const a = fromExpr(expr.left, env);
      const b = fromExpr(expr.right, env);
      return a && b && arith(expr.op, a, b);
    }
    case "missing":
      return undefined;
  }
}

/** A per-axis tuple, a literal when every item is. */
export function tuple(items: Sym[]): Sym {
  const values = items.map((i) => i.value);
  const value: Value | undefined = values.some((v) => v === undefined) ? undefined : { type: "tuple", items: values };
  if (items.every(isLiteral) && value) return lit(value);
  return { node: { t: "tuple", items: items.map((i) => i.node) }, value };
}

/** `-a`. */
export function negate(a: Sym): Sym {
  const value = a.value?.type === "number" ? number(-a.value.value) : undefined;
  if (isLiteral(a) && value) return lit(value);
  return { node: { t: "neg", a: a.node }, value };
}

/** Arithmetic with literal folding and the identities that keep generated code readable (x·1, x + 0). */
export function arith(op: "+" | "-" | "*" | "/" | "//", a: Sym, b: Sym): Sym {
  const x = a.value?.type === "number" ? a.value.value : undefined;
  const y = b.value?.type === "number" ? b.value.value : undefined;
  const known = x !== undefined && y !== undefined && !((op === "/" || op === "//") && y === 0);
  const result = !known
    ? undefined
    : op === "+"
      ? x + y
      : op === "-"
        ? x - y
        : op === "*"
          ? x * y
          : op === "/"
            ? x / y
            : Math.floor(x / y);
  const value = result === undefined ? undefined : number(result);
  if (isLiteral(a) && isLiteral(b) && value) return lit(value);
  if (op === "*" && isOne(b)) return a;
  if (op === "*" && isOne(a)) return b;
  if ((op === "+" || op === "-") && isZero(b)) return a;
  if (op === "+" && isZero(a)) return b;
  // `/` in the .cnn text divides exactly; Python's `/` would make a float channel count, so a whole
  // quotient is written with `//` (the value, and so the key, says which one this use needs).
  const pyOp = op === "/" && value?.type === "number" && value.integer ? "//" : op;
  return { node: { t: "op", op: pyOp, a: a.node, b: b.node }, value };
}

const isOne = (s: Sym) => isLiteral(s) && s.value?.type === "number" && s.value.value === 1;
const isZero = (s: Sym) => isLiteral(s) && s.value?.type === "number" && s.value.value === 0;

/** `a != b`, decided at once when both are literals or the same expression. */
export function notEqual(a: Sym, b: Sym): Sym {
  if (key(a) === key(b)) return bool(false);
  const value = a.value && b.value ? { type: "bool" as const, value: !sameValue(a.value, b.value) } : undefined;
  if (isLiteral(a) && isLiteral(b) && value) return lit(value);
  return { node: { t: "op", op: "!=", a: a.node, b: b.node }, value };
}

/** `a == b` (a loop index against 0). */
export function equal(a: Sym, b: Sym): Sym {
  const value = a.value && b.value ? { type: "bool" as const, value: sameValue(a.value, b.value) } : undefined;
  return { node: { t: "op", op: "==", a: a.node, b: b.node }, value };
}

/** `a or b`, folding literal sides away. */
export function or(a: Sym, b: Sym): Sym {
  for (const [p, q] of [
    [a, b],
    [b, a],
  ] as const) {
    if (isLiteral(p) && p.value?.type === "bool") return p.value.value ? p : q;
  }
  const value =
    a.value?.type === "bool" && b.value?.type === "bool"
      ? { type: "bool" as const, value: a.value.value || b.value.value }
      : undefined;
  return { node: { t: "op", op: "or", a: a.node, b: b.node }, value };
}

/** `a if c else b`. */
export function choose(c: Sym, a: Sym, b: Sym, value: Value | undefined): Sym {
  return { node: { t: "if", c: c.node, a: a.node, b: b.node }, value };
}

/** `(a, b, c)[i]`: one literal per iteration of a loop. */
export function pick(items: Sym[], i: Sym, value: Value | undefined): Sym {
  return { node: { t: "index", of: tuple(items).node, i: i.node }, value };
}

/** Replaces variables by expressions (a block's output channels, said in its caller's terms). */
export function substitute(s: Sym, bindings: ReadonlyMap<string, Sym>): Sym {
  const walk = (n: SymNode): Sym => {
    switch (n.t) {
      case "lit":
        return lit(n.v);
      case "var":
        return bindings.get(n.name) ?? { node: n, value: undefined };
      case "neg":
        return negate(walk(n.a));
      case "tuple":
        return tuple(n.items.map(walk));
      case "op":
        if (n.op === "!=") return notEqual(walk(n.a), walk(n.b));
        if (n.op === "or") return or(walk(n.a), walk(n.b));
        if (n.op === "==") return equal(walk(n.a), walk(n.b));
        return arith(n.op === "//" ? "//" : n.op, walk(n.a), walk(n.b));
      default:
        return { node: n, value: undefined };
    }
  };
  const out = walk(s.node);
  return { node: out.node, value: s.value };
}

/** Compares two values as the analysis does: a scalar equals a tuple of that scalar on every axis. */
export function sameValue(a: Value, b: Value): boolean {
  if (a.type === "tuple" || b.type === "tuple") {
    const xs = a.type === "tuple" ? a.items : undefined;
    const ys = b.type === "tuple" ? b.items : undefined;
    if (xs && ys)
      return (
        xs.length === ys.length && xs.every((x, i) => x !== undefined && ys[i] !== undefined && sameValue(x, ys[i]!))
      );
    const [items, scalar] = xs ? [xs, b] : [ys!, a];
    return items.every((x) => x !== undefined && sameValue(x, scalar));
  }
  return a.type === b.type && a.value === b.value;
}

/** A value from the analysis' plain arguments (numbers, booleans, words, arrays). */
export function fromPlain(v: unknown): Value | undefined {
  if (typeof v === "number") return number(v);
  if (typeof v === "boolean") return { type: "bool", value: v };
  if (typeof v === "string") return { type: "word", value: v };
  if (Array.isArray(v)) return { type: "tuple", items: v.map(fromPlain) };
  return undefined;
}

/** A per-axis tuple whose items are all equal, as that one number (the analysis expands scalars). */
export function uniform(v: Value | undefined): Value | undefined {
  if (v?.type !== "tuple") return v;
  const first = v.items[0];
  return first?.type === "number" && v.items.every((i) => i?.type === "number" && i.value === first.value) ? first : v;
}

/** The expression as Python source, for keys and for the renderers (see python.ts for precedence). */
export function key(s: Sym): string {
  return JSON.stringify(s.node);
}
