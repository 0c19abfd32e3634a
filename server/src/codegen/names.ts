// The only way .cnn names and outside text reach generated Python: one injective mangling per target.
import { Refusal } from "./refusal.js";
import { PYTHON_BUILTINS, PYTHON_KEYWORDS, TORCH_MODULE_ATTRIBUTES } from "./reserved-names.js";

/**
 * Which names a target has taken. A name is taken when its base (the name without trailing underscores)
 * is in `names` (each with its own trailing underscores) or matches one of `patterns` (a family of names
 * written with no trailing underscore, or up to `familyUnderscores` of them).
 */
export interface NameTarget {
  /** What the names are, for refusals: "a PyTorch module attribute". */
  what: string;
  names: readonly string[];
  patterns: readonly RegExp[];
  familyUnderscores?: number;
  /** A target whose names are taken too (built once, so a target per function stays cheap). */
  inherits?: NameTarget;
}

/**
 * A .cnn name (an identifier) as the target writes it: unchanged unless its base is taken, else with
 * enough underscores appended to pass every taken name with that base. Injective: names with a free base
 * keep it, names with a taken base keep their base and their order by length. Never a taken name.
 */
export function mangle(name: string, target: NameTarget): string {
  if (!IDENTIFIER.test(name)) throw new Refusal(`the name '${escapeText(name)}' is not a Python identifier; rename it`);
  const base = name.replace(/_+$/, "");
  const escape = escapeCount(base, target);
  return escape === 0 ? name : name + "_".repeat(escape);
}

/** True when generated code may use `name` itself: no .cnn name is ever mangled to it. */
export function isTaken(name: string, target: NameTarget): boolean {
  const base = name.replace(/_+$/, "");
  return name.length - base.length < escapeCount(base, target);
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function escapeCount(base: string, target: NameTarget): number {
  let trailing = -1;
  for (let t: NameTarget | undefined = target; t; t = t.inherits) {
    for (const n of bases(t).get(base) ?? []) trailing = Math.max(trailing, n);
  }
  if (target.patterns.some((p) => p.test(base))) trailing = Math.max(trailing, target.familyUnderscores ?? 0);
  if (trailing < 0 && (base.startsWith("__") || base === "")) trailing = 0;
  if (trailing < 0) return 0;
  // Two keep `__name` clear of Python's private-name mangling, which would rename it inside a class.
  return Math.max(trailing + 1, base.startsWith("__") ? 2 : 1);
}

const baseCache = new WeakMap<NameTarget, Map<string, number[]>>();

/** The taken names by base, with their trailing-underscore counts (built once per target). */
function bases(target: NameTarget): Map<string, number[]> {
  let map = baseCache.get(target);
  if (!map) {
    map = new Map();
    for (const n of target.names) {
      const base = n.replace(/_+$/, "");
      const list = map.get(base);
      if (list) list.push(n.length - base.length);
      else map.set(base, [n.length - base.length]);
    }
    baseCache.set(target, map);
  }
  return map;
}

/** Names that generated code itself writes in function bodies and at module level (see the writers). */
const GENERATED = [
  "self",
  "x",
  "inputs",
  "name",
  "in_channels",
  "identity",
  "step",
  "i",
  "j",
  "k",
  "torch",
  "torchvision",
  "nn",
  "F",
  "OrderedDict",
  "keras",
  "layers",
  "KerasDense",
  "LayerNorm2d",
  "Permute",
  "ResizeLike",
  "KerasSameConvTranspose1d",
  "KerasSameConvTranspose2d",
  "KerasSameConvTranspose3d",
];
// Families of generated names: identity2, branch1, step2 (nested loops), i3 (loops nested deeper than k).
const GENERATED_PATTERNS = [/^identity\d+$/, /^branch\d+$/, /^step\d+$/, /^i\d+$/];

/**
 * Python variables and parameters of generated functions, and module-level names (classes, functions):
 * never a keyword, a builtin (the code calls range, float, super), or a name the code writes itself.
 */
export const PYTHON_VARIABLE: NameTarget = {
  what: "a Python variable",
  names: [...PYTHON_KEYWORDS, ...PYTHON_BUILTINS, ...GENERATED],
  patterns: GENERATED_PATTERNS,
};

// Attributes later PyTorch versions add to nn.Module (the generated list comes from the installed 1.13).
const LATER_TORCH = [
  "compile",
  "set_submodule",
  "register_full_backward_pre_hook",
  "register_load_state_dict_pre_hook",
  "register_load_state_dict_post_hook",
  "register_state_dict_pre_hook",
  "register_state_dict_post_hook",
  "mtia",
  "smart_apply",
];

/**
 * Submodule attributes (`self.<name>`, keys of nn.ModuleDict and OrderedDict): never what nn.Module or its
 * containers define, never private (a leading underscore is PyTorch's own space), never a keyword.
 */
export const TORCH_ATTRIBUTE: NameTarget = {
  what: "a PyTorch module attribute",
  names: [...PYTHON_KEYWORDS, ...TORCH_MODULE_ATTRIBUTES, ...LATER_TORCH],
  patterns: [/^_/],
};

/**
 * Keras layer names: never a name Keras gives an unnamed layer itself (the input, the merges) nor one the
 * writer gives a helper layer (`conv1_pad` before `conv1`).
 */
export const KERAS_LAYER: NameTarget = {
  what: "a Keras layer name",
  names: [],
  patterns: [/^(input|input_layer|add|concatenate)(_\d+)?$/, /_(pad|crop|permute)$/],
};

/** A .cnn name as a Python variable or parameter. */
export const pyVariable = (name: string): string => mangle(name, PYTHON_VARIABLE);

/** A layer's local name as a PyTorch submodule attribute. */
export const torchAttribute = (name: string): string => mangle(name, TORCH_ATTRIBUTE);

/**
 * A layer's local name as (one dotted part of) its Keras layer name; a dotted name (`layer1.0`, from a seq or
 * a labelled repeat) part by part, where an index or a quoted label (not an identifier, never a name Keras
 * takes) stays as it is: injective, since identifiers and the other parts never meet.
 */
export const kerasLayerPart = (name: string): string =>
  name
    .split(".")
    .map((part) => (IDENTIFIER.test(part) ? mangle(part, KERAS_LAYER) : part))
    .join(".");

/**
 * Any text as a Python string literal (`"…"`): quotes, backslashes, control and format characters, line
 * and paragraph separators and unpaired surrogates are escaped, so the literal is exactly the text.
 */
export function pyString(text: string): string {
  return `"${escapeText(text).replace(/"/g, '\\"')}"`;
}

/**
 * Any text for a Python comment: on one line whatever it holds, with the characters pyString escapes
 * written as Python escapes (`\n`, `\u2028`), backslashes doubled so the text can be read back.
 */
export function pyCommentText(text: string): string {
  return escapeText(text);
}

// Control (incl. NUL, CR, LF, NEL), format (bidi overrides), line/paragraph separators, lone surrogates.
const UNSAFE = /[\\\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

function escapeText(text: string): string {
  return text.replace(UNSAFE, (c) => {
    if (c === "\\") return "\\\\";
    if (c === "\n") return "\\n";
    if (c === "\r") return "\\r";
    if (c === "\t") return "\\t";
    const code = c.codePointAt(0)!;
    if (code < 0x100) return `\\x${code.toString(16).padStart(2, "0")}`;
    if (code < 0x10000) return `\\u${code.toString(16).padStart(4, "0")}`;
    return `\\U${code.toString(16).padStart(8, "0")}`;
  });
}

/**
 * Classes (PyTorch) and functions (Keras) of blocks and models. Names ending in `_use<digits>` are the
 * specialised classes' (`Bottleneck_use2`), so a block written `Stage_use1` becomes `Stage_use1_`.
 */
export const PYTHON_GLOBAL: NameTarget = {
  what: "a Python class or function",
  names: PYTHON_VARIABLE.names,
  patterns: [...PYTHON_VARIABLE.patterns, /_use\d+$/],
  familyUnderscores: 2,
};

/** A block's or model's class (or function) name. */
export const pyGlobal = (name: string): string => mangle(name, PYTHON_GLOBAL);

/**
 * The class of the n-th kind of use of a block whose uses differ: taken, so no .cnn name becomes it. A
 * name starting with two underscores ends with two as well, clear of Python's private-name mangling.
 */
export function specialisedName(block: string, n: number): string {
  const base = `${pyGlobal(block)}_use${n}`;
  return base.startsWith("__") ? `${base}__` : base;
}

/**
 * Variables of one generated function: clear of Python's and the writer's names and of `others`, the
 * names the function also uses (the file's classes, which a Keras model calls; the block's parameters,
 * which a label of the same name would rebind).
 */
export function variableTarget(others: Iterable<string>): NameTarget {
  const names = [...others];
  return { what: "a Python variable", names, patterns: PYTHON_VARIABLE.patterns, inherits: PYTHON_VARIABLE };
}
