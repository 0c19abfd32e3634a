// Evaluates argument expressions (numbers, words, tuples, arithmetic on block parameters) to values.
import type { Expr, Span } from "../../../grammar/index.js";
import type { Reporter } from "./diagnostics.js";

export type Value =
  | { type: "number"; value: number; integer: boolean }
  | { type: "bool"; value: boolean }
  | { type: "word"; value: string }
  | { type: "tuple"; items: (Value | undefined)[] };

/** Block parameters in scope; `undefined` marks a value that is unknown (already reported or not yet bound). */
export type Environment = ReadonlyMap<string, Value | undefined>;

const number = (value: number): Value => ({ type: "number", value, integer: Number.isInteger(value) });

/**
 * Evaluates an expression. Unknown parts give `undefined` silently; real mistakes (division by zero,
 * a number too large to be exact) are reported once at their place.
 */
export function evaluate(expr: Expr, env: Environment, report: Reporter): Value | undefined {
  switch (expr.kind) {
    case "int": {
      if (!Number.isSafeInteger(expr.value)) {
        report.error(
          "number-range",
          `${expr.raw} is too large to be exact: whole numbers must stay below 2^53 (9007199254740992)`,
          expr.span,
        );
        return undefined;
      }
      return number(expr.value);
    }
    case "decimal":
      if (!Number.isFinite(expr.value)) {
        report.error(
          "number-range",
          `${expr.raw} is out of range: a number must be finite (below about 1.8e308)`,
          expr.span,
        );
        return undefined;
      }
      return number(expr.value);
    case "bool":
      return { type: "bool", value: expr.value };
    case "word":
      return env.has(expr.name) ? env.get(expr.name) : { type: "word", value: expr.name };
    case "tuple":
      return { type: "tuple", items: expr.items.map((e) => evaluate(e, env, report)) };
    case "unary": {
      const v = evaluate(expr.operand, env, report);
      if (v === undefined) return undefined;
      if (v.type !== "number") return typeError(expr.operand.span, report);
      return number(-v.value);
    }
    case "binary":
      return binary(expr.op, expr, env, report);
    case "missing":
      return undefined;
  }
}

function typeError(span: Span, report: Reporter): undefined {
  report.error("argument-type", "arithmetic needs numbers here", span);
  return undefined;
}

function binary(
  op: "+" | "-" | "*" | "/" | "//",
  expr: Expr & { kind: "binary" },
  env: Environment,
  report: Reporter,
): Value | undefined {
  const l = evaluate(expr.left, env, report);
  const r = evaluate(expr.right, env, report);
  if (l === undefined || r === undefined) return undefined;
  if (l.type !== "number") return typeError(expr.left.span, report);
  if (r.type !== "number") return typeError(expr.right.span, report);
  if ((op === "/" || op === "//") && r.value === 0) {
    report.error("division-by-zero", "division by zero", expr.span);
    return undefined;
  }
  const result =
    op === "+"
      ? l.value + r.value
      : op === "-"
        ? l.value - r.value
        : op === "*"
          ? l.value * r.value
          : op === "/"
            ? l.value / r.value
            : Math.floor(l.value / r.value);
  if (!Number.isFinite(result) || (Number.isInteger(result) && !Number.isSafeInteger(result))) {
    report.error("number-range", "the result is too large to be exact", expr.span);
    return undefined;
  }
  return number(result);
}

/** A value as the user would write it, for messages and hovers. */
export function showValue(v: Value | undefined): string {
  if (v === undefined) return "?";
  switch (v.type) {
    case "number":
      return String(v.value);
    case "bool":
      return String(v.value);
    case "word":
      return v.value;
    case "tuple":
      return `(${v.items.map(showValue).join(", ")})`;
  }
}
