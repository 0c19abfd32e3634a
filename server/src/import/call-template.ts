// The importer's own layer calls read back into parts (kind, positional, keyword) and written again with parameters.
import { formatNumber } from "./layer-text.js";

/** A parameter expression as it is, a number as layerCall writes it (`1e-3`, not `0.001`). */
const text = (v: string | number): string => (typeof v === "number" ? formatNumber(v) : v);

export type CallValue = number | number[] | string;

export interface Call {
  kind: string;
  positional: CallValue[];
  named: Map<string, CallValue>;
}

/** Parses a call that layerCall wrote: `conv(64, 3, stride: (2, 1), bias: false)`. */
export function parseCall(text: string): Call {
  const open = text.indexOf("(");
  if (open < 0) return { kind: text, positional: [], named: new Map() };
  const kind = text.slice(0, open);
  const inner = text.slice(open + 1, -1);
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    if (inner[i] === "(") depth++;
    else if (inner[i] === ")") depth--;
    else if (inner[i] === "," && depth === 0) {
      parts.push(inner.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(inner.slice(start).trim());
  const positional: CallValue[] = [];
  const named = new Map<string, CallValue>();
  for (const p of parts) {
    const m = /^([a-z_]+): (.*)$/.exec(p);
    if (m) named.set(m[1]!, value(m[2]!));
    else positional.push(value(p));
  }
  return { kind, positional, named };
}

function value(text: string): CallValue {
  if (text.startsWith("((")) return text;
  if (text.startsWith("("))
    return text
      .slice(1, -1)
      .split(",")
      .map((t) => Number(t.trim()));
  const n = Number(text);
  return /^-?[0-9.]+(e-?[0-9]+)?$/.test(text) && Number.isFinite(n) ? n : text;
}

/**
 * The call with its numbers replaced, in the order describeCall met them (positional, the kind's numeric keywords,
 * the other keywords); a keyword whose replacement is its default literal is left out.
 */
export function renderCall(call: Call, values: (string | number)[], defaults: Record<string, number>): string {
  let at = 0;
  const take = (v: CallValue): string => {
    if (typeof v === "number") return text(values[at++]!);
    if (Array.isArray(v)) {
      const items = v.map(() => text(values[at++]!));
      return items.every((x) => x === items[0]) ? items[0]! : `(${items.join(", ")})`;
    }
    return v;
  };
  const parts = call.positional.map(take);
  for (const key of Object.keys(defaults)) {
    const v = take(call.named.get(key) ?? defaults[key]!);
    if (v !== text(defaults[key]!)) parts.push(`${key}: ${v}`);
  }
  for (const [key, v] of call.named) if (!(key in defaults)) parts.push(`${key}: ${take(v)}`);
  return parts.length === 0 ? call.kind : `${call.kind}(${parts.join(", ")})`;
}
