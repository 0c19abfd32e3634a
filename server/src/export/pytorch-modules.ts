// What a PyTorch attribute is made of: module constructors, block instantiations, attribute names.
import type { Framework, Shape } from "../analysis/types.js";
import type { BlockOp, LayerOp, Op, UseRecord } from "./ir.js";
import type { ClassIR } from "./lower-file.js";
import { pyString, torchAttribute } from "../codegen/names.js";
import { py } from "../codegen/python.js";
import { torchLayer } from "./pytorch-layers.js";
import type { Vars } from "./vars.js";

/** The forward pass's state: the tensor variable now, the variable results go to, and module access. */
export interface Forward {
  cur: string;
  run: string;
  access: (attr: string) => string;
  vars: Vars;
  depth: number;
  /** The variables of the model's inputs (forward's parameters), in order. */
  inputs?: string[];
}

/** What the writer of one class needs: the source framework, the block classes, and where notes go. */
export interface TorchWriter {
  source: Framework;
  classOf(use: UseRecord): ClassIR;
  notes: Set<string>;
  /** The class being written, for notes. */
  where: string;
  imports: Set<"OrderedDict" | "F">;
  /** Helper classes the code uses (pytorch-helpers.ts). */
  helpers: Set<string>;
  /**
   * The attribute that holds a split's sizes when they are written over the block's parameters (which only
   * `__init__` sees): `split_sizes`, `split_sizes2`, … set by initLines and read by forwardLines.
   */
  splitSizes?: Map<object, string>;
}

/** The expression that builds a layer's module or a block's instance. */
export function ctor(op: LayerOp | BlockOp, w: TorchWriter): string {
  if (op.op === "layer") {
    const t = torchLayer(op, w.source);
    if (t.helper) w.helpers.add(t.helper);
    return t.ctor;
  }
  const cls = w.classOf(op.use!);
  if (!cls.generic) return `${cls.name}()`;
  const args = [py(op.inChannels)];
  let named = false;
  // Positional while every argument is given; after a default is left out, the rest go by name.
  op.args.forEach((a, i) => {
    if (!a) named = true;
    else args.push(named ? `${cls.params[i]}=${py(a)}` : py(a));
  });
  return `${cls.name}(${args.join(", ")})`;
}

/**
 * A layer's local name as a submodule attribute: unchanged, unless nn.Module, its containers or Python
 * use the name (then with underscores appended, noted once per class, since its state_dict keys change).
 * A dotted name (`layer1.0`, a seq's or a labelled repeat's) is a path: see member and containerLines.
 */
export function attr(name: string, w?: TorchWriter): string {
  return name
    .split(".")
    .map((part) => attrPart(part, w))
    .join(".");
}

/**
 * One part of a module path: an identifier through torchAttribute (injective, clear of nn.Module's names);
 * anything else (an index `0`, a quoted label `block1-0`, which the analysis keeps free of dots) is never an
 * attribute name, so it is used as it is, as a string key. The two sets cannot meet, so the whole is injective.
 */
function attrPart(part: string, w?: TorchWriter): string {
  if (!IDENTIFIER.test(part)) return part;
  const written = torchAttribute(part);
  if (w && written !== part)
    w.notes.add(
      `${w.where}.${part}: written as ${written} (nn.Module or Python uses '${part}')` +
        `, so its state_dict keys start with ${written}.`,
    );
  return written;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The expression of the module at `path` (as `attr` wrote it) under `owner`: `self.conv1`; parts below the
 * first are keys of nn.ModuleDict containers (`self.layer1["0"]`); a first part that is no identifier is
 * reached with getattr (`getattr(self, "block1-0")`).
 */
export function member(owner: string, path: string): string {
  const [first, ...rest] = path.split(".");
  const head = IDENTIFIER.test(first!) ? `${owner}.${first}` : `getattr(${owner}, ${pyString(first!)})`;
  return head + rest.map((p) => `[${pyString(p)}]`).join("");
}

/** The statement that puts `value` at `path` under `owner` (assignment, add_module, or a container key). */
export function assignMember(owner: string, path: string, value: string): string {
  const parts = path.split(".");
  if (parts.length === 1 && !IDENTIFIER.test(parts[0]!)) return `${owner}.add_module(${pyString(parts[0]!)}, ${value})`;
  return `${member(owner, path)} = ${value}`;
}

/**
 * The nn.ModuleDict containers that `path` needs under `owner` and that `made` does not hold yet (a seq, a
 * labelled chain or repeat: `self.layer1 = nn.ModuleDict()`), in order; adds them to `made`.
 */
export function containerLines(owner: string, path: string, indent: string, made: Set<string>): string[] {
  const parts = path.split(".");
  const out: string[] = [];
  for (let i = 1; i < parts.length; i++) {
    const prefix = parts.slice(0, i).join(".");
    const key = `${owner}|${prefix}`;
    if (made.has(key)) continue;
    made.add(key);
    out.push(`${indent}${assignMember(owner, prefix, "nn.ModuleDict()")}`);
  }
  return out;
}

/** A body that is a plain chain of modules runs as nn.Sequential, with no code in forward. */
export function isChain(ops: Op[], w: TorchWriter): boolean {
  return ops.every((o) => {
    if (o.op === "block") return true;
    if (o.op === "layer") {
      const t = torchLayer(o, w.source);
      return t.pre === undefined && t.post === undefined && t.apply === undefined;
    }
    return o.op === "repeat" && (o.iterations ?? [o.body]).every((b) => isChain(b, w));
  });
}

/** A shape in PyTorch's layout: channels first. */
export function torchShape(shape: Shape | undefined, source: Framework): Shape | undefined {
  if (!shape || source === "pytorch" || shape.length < 2) return shape;
  return [shape[shape.length - 1]!, ...shape.slice(0, -1)];
}
