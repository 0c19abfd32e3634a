// Matches a layer call's arguments to the layer's parameter list, checks their types and gives typed access.
import type { Argument, Span } from "../../../grammar/index.js";
import type { Reporter } from "./diagnostics.js";
import { didYouMean } from "./suggest.js";
import { evaluate, showValue, type Environment, type Value } from "./values.js";
import type { Framework } from "./types.js";

export type ArgType =
  /** A positive whole number (channels, units). */
  | "count"
  /** A positive whole number or one per spatial axis (kernel, stride, dilation). */
  | "axes"
  /** A whole number ≥ 0 or one per spatial axis (output_padding). */
  | "axes0"
  /** Like axes0, or the words `same` / `valid`. */
  | "padding"
  /** Like axes0, or a tuple of (before, after) pairs, one per spatial axis (zeropad). */
  | "pads"
  /** A number > 0 or one per spatial axis (upsampling factors, which may be fractional). */
  | "factors"
  /** A whole number (an axis without the batch axis, −1 the last) or the word `channel`. */
  | "axis"
  /** A label in scope, by its name (`resize(like: image)`). */
  | "label"
  | "number"
  | "int"
  | "bool"
  | "word";

export type Default = number | boolean | string | ((fw: Framework) => number | boolean | string | undefined);

export interface ArgSpec {
  name: string;
  aliases?: string[];
  type: ArgType;
  /** Omitted means the argument is required (unless `optional`). */
  default?: Default;
  optional?: boolean;
  words?: string[];
  doc: string;
}

interface Given {
  value: Value | undefined;
  span: Span;
}

/** The arguments of one call, checked against its spec. Values that could not be evaluated read as unknown. */
export class Args {
  /** True when some argument's value is unknown: the layer's output is then unknown too, silently. */
  unknown = false;

  constructor(
    private readonly given: ReadonlyMap<string, Given>,
    private readonly specs: ArgSpec[],
    private readonly framework: Framework,
    readonly callSpan: Span,
    private readonly report: Reporter,
  ) {}

  has(name: string): boolean {
    return this.given.has(name);
  }

  /** Where to point a diagnostic about this argument: the argument itself, or the call when defaulted. */
  span(name: string): Span {
    return this.given.get(name)?.span ?? this.callSpan;
  }

  value(name: string): Value | undefined {
    const g = this.given.get(name);
    if (g) return g.value;
    const spec = this.specs.find((s) => s.name === name);
    return spec ? defaultValue(spec, this.framework) : undefined;
  }

  number(name: string): number | undefined {
    const v = this.value(name);
    return v?.type === "number" ? v.value : undefined;
  }

  bool(name: string): boolean | undefined {
    const v = this.value(name);
    return v?.type === "bool" ? v.value : undefined;
  }

  word(name: string): string | undefined {
    const v = this.value(name);
    return v?.type === "word" ? v.value : undefined;
  }

  /** A per-axis argument expanded to `rank` values; a tuple of the wrong length is reported. */
  axes(name: string, rank: number): number[] | undefined {
    const v = this.value(name);
    if (v === undefined) return undefined;
    if (v.type === "number") return Array<number>(rank).fill(v.value);
    if (v.type !== "tuple") return undefined;
    if (v.items.length !== rank) {
      this.report.error(
        "argument-type",
        `${name} has ${v.items.length} values but the input has ${rank}` +
          ` spatial ${rank === 1 ? "axis" : "axes"}` +
          `: give one number, or ${rank} in a tuple`,
        this.span(name),
      );
      this.unknown = true;
      return undefined;
    }
    const out: number[] = [];
    for (const item of v.items) {
      if (item?.type !== "number") return undefined;
      out.push(item.value);
    }
    return out;
  }

  /** Per-axis (before, after) pairs: `1`, `(1, 2)` (per axis) or `((1, 2), (0, 1))` (per side). */
  sides(name: string, rank: number): [number, number][] | undefined {
    const v = this.value(name);
    if (v?.type === "tuple" && v.items.every((i) => i?.type === "tuple")) {
      if (v.items.length !== rank) {
        this.report.error(
          "argument-type",
          `${name} has ${v.items.length} pairs but the input has ${rank} spatial ${rank === 1 ? "axis" : "axes"}`,
          this.span(name),
        );
        this.unknown = true;
        return undefined;
      }
      return v.items.map((i) => {
        const [a, b] = (i as { items: Value[] }).items;
        return [(a as { value: number }).value, (b as { value: number }).value];
      });
    }
    return this.axes(name, rank)?.map((p) => [p, p]);
  }

  /** Everything given, as plain data for hovers and exporters. */
  plain(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const s of this.specs) {
      // The spec is at hand, so no search by name (this runs for every layer of a file).
      const v = this.given.has(s.name) ? this.given.get(s.name)!.value : defaultValue(s, this.framework);
      if (v !== undefined) out[s.name] = toPlain(v);
    }
    return out;
  }
}

const defaults = {
  pytorch: new WeakMap<ArgSpec, Value | undefined>(),
  keras: new WeakMap<ArgSpec, Value | undefined>(),
};

/** A spec's default as a value, made once per framework: every layer of a large file asks for them. */
function defaultValue(spec: ArgSpec, framework: Framework): Value | undefined {
  const cache = defaults[framework];
  if (cache.has(spec)) return cache.get(spec);
  const d = typeof spec.default === "function" ? spec.default(framework) : spec.default;
  const v: Value | undefined =
    d === undefined
      ? undefined
      : typeof d === "number"
        ? { type: "number", value: d, integer: Number.isInteger(d) }
        : typeof d === "boolean"
          ? { type: "bool", value: d }
          : { type: "word", value: d };
  cache.set(spec, v);
  return v;
}

function toPlain(v: Value | undefined): unknown {
  if (v === undefined) return null;
  return v.type === "tuple" ? v.items.map(toPlain) : v.value;
}

/** Finds the spec for a keyword, by its name or any alias, case-insensitively. */
export function findSpec(specs: ArgSpec[], key: string): ArgSpec | undefined {
  const k = key.toLowerCase();
  return specs.find((s) => s.name === k || (s.aliases ?? []).includes(k));
}

const noArguments: ReadonlyMap<string, Given> = new Map();

/** Matches positional and keyword arguments to `specs` and type-checks them. Never throws. */
export function resolveArgs(
  layerName: string,
  args: Argument[],
  specs: ArgSpec[],
  env: Environment,
  framework: Framework,
  callSpan: Span,
  report: Reporter,
): Args {
  // Most layers of a large file are written without arguments (`relu`, `batchnorm`): they share one empty map,
  // which nothing writes to, instead of making a map each.
  const written = args.length === 0 ? undefined : new Map<string, Given>();
  const given = written ?? noArguments;
  const result = new Args(given, specs, framework, callSpan, report);
  let position = 0;
  for (const arg of args) {
    let spec: ArgSpec | undefined;
    if (arg.key) {
      spec = findSpec(specs, arg.key.text);
      if (!spec) {
        const names = specs.flatMap((s) => [s.name, ...(s.aliases ?? [])]);
        report.error(
          "unknown-argument",
          `${layerName} has no argument '${arg.key.text}'` +
            `${didYouMean(arg.key.text, names)}` +
            (didYouMean(arg.key.text, names)
              ? ""
              : ` (it takes ${specs.map((s) => s.name).join(", ") || "no arguments"})`),
          arg.key.span,
          undefined,
          { suggestion: closestName(arg.key.text, names) },
        );
        evaluate(arg.value, env, report);
        continue;
      }
    } else {
      spec = specs[position++];
      if (!spec) {
        report.error(
          "argument-count",
          `${layerName} takes at most ${specs.length} positional argument${specs.length === 1 ? "" : "s"}` +
            ` (${specs.map((s) => s.name).join(", ") || "none"}` +
            `): remove this one or name it`,
          arg.span,
        );
        continue;
      }
    }
    if (given.has(spec.name)) {
      report.error("duplicate-argument", `${spec.name} is given twice: remove one`, arg.span);
      continue;
    }
    const value = evaluate(arg.value, env, report);
    // A tuple holding a value not known yet (a block parameter while the block is checked on its own) is
    // unknown as a whole: checking `(1, ?)` against the type would report what the call does not say.
    const checked =
      value === undefined || hasUnknown(value) ? undefined : checkType(layerName, spec, value, arg.span, report);
    if (checked === undefined) result.unknown = true;
    written!.set(spec.name, { value: checked, span: arg.value.span });
  }
  for (const spec of specs) {
    if (spec.default === undefined && !spec.optional && !given.has(spec.name)) {
      report.error(
        "argument-count",
        `${layerName} needs ${spec.name} (${spec.doc}): write ${layerName}(${exampleCall(specs)})`,
        callSpan,
      );
      result.unknown = true;
    }
  }
  return result;
}

function hasUnknown(v: Value | undefined): boolean {
  return v === undefined || (v.type === "tuple" && v.items.some(hasUnknown));
}

function closestName(word: string, names: string[]): string | undefined {
  const text = didYouMean(word, names);
  return text ? text.slice(text.indexOf("'") + 1, text.lastIndexOf("'")) : undefined;
}

function exampleCall(specs: ArgSpec[]): string {
  const required = specs.filter((s) => s.default === undefined && !s.optional);
  return required.map((s) => (s.type === "count" ? "64" : s.type === "axes" ? "3" : s.name)).join(", ");
}

/** Returns the value if it fits the spec's type, else reports and returns undefined. */
function checkType(layerName: string, spec: ArgSpec, v: Value, span: Span, report: Reporter): Value | undefined {
  const fail = (what: string): undefined => {
    report.error("argument-type", `${layerName}: ${spec.name} must be ${what}, not ${showValue(v)}`, span);
    return undefined;
  };
  const isWhole = (x: Value | undefined, min: number) => x?.type === "number" && x.integer && x.value >= min;
  const perAxis = (min: number) =>
    isWhole(v, min) || (v.type === "tuple" && v.items.length > 0 && v.items.every((i) => isWhole(i, min)));
  switch (spec.type) {
    case "count":
      return isWhole(v, 1) ? v : fail("a whole number ≥ 1");
    case "int":
      return v.type === "number" && v.integer ? v : fail("a whole number");
    case "axes":
      return perAxis(1) ? v : fail("a whole number ≥ 1 or a tuple of them, one per spatial axis");
    case "axes0":
      return perAxis(0) ? v : fail("a whole number ≥ 0 or a tuple of them, one per spatial axis");
    case "padding":
      if (v.type === "word" && (v.value === "same" || v.value === "valid")) return v;
      return perAxis(0) ? v : fail("a whole number ≥ 0, a tuple of them, `same` or `valid`");
    case "pads": {
      const isPair = (x: Value | undefined) =>
        x?.type === "tuple" && x.items.length === 2 && x.items.every((i) => isWhole(i, 0));
      if (perAxis(0) || (v.type === "tuple" && v.items.length > 0 && v.items.every(isPair))) return v;
      return fail("a whole number ≥ 0, one per spatial axis, or a (before, after) pair per axis");
    }
    case "factors": {
      const positive = (x: Value | undefined) => x?.type === "number" && x.value > 0;
      const ok = positive(v) || (v.type === "tuple" && v.items.length > 0 && v.items.every(positive));
      return ok ? v : fail("a number > 0 or a tuple of them, one per spatial axis");
    }
    case "axis":
      if (v.type === "word" && v.value.toLowerCase() === "channel") return { type: "word", value: "channel" };
      return v.type === "number" && v.integer ? v : fail("a whole number (−1 for the last axis) or channel");
    case "label":
      return v.type === "word" ? v : fail("the name of a labelled tensor");
    case "number":
      return v.type === "number" ? v : fail("a number");
    case "bool":
      return v.type === "bool" ? v : fail("true or false");
    case "word": {
      const words = spec.words ?? [];
      if (v.type === "word" && words.includes(v.value.toLowerCase()))
        return { type: "word", value: v.value.toLowerCase() };
      return fail(`one of ${words.join(", ")}`);
    }
  }
}
