// What every step of lowering shares: the file, the use being walked, naming scopes and the tensor flow.
import type { BlockDef } from "../../../grammar/index.js";
import type { Framework, GroupInfo, LayerInfo, ModelInfo, Shape } from "../analysis/types.js";
import type { Sym } from "./sym.js";
import type { LayerOp, UseRecord } from "./ir.js";
import type { NameTarget } from "./names.js";

/** The tensor flowing through a body, as far as the writers need it. */
export interface Flow {
  /** Channel count (the channel axis), symbolic; undefined when unknown (dry runs after flatten). */
  channels: Sym | undefined;
  /** Spatial step since the start of `base` when every layer so far only strides, for `shortcut auto`. */
  stride: Sym | undefined;
  base: number;
  /** This use's shape (source layout), from the analysis. */
  shape?: Shape;
  /** The kind of the layer that made this tensor. */
  prevKind?: string;
}

/** The code a target writes for one layer, as text: uses are one class only if these agree. */
export type LayerFact = (op: LayerOp, source: Framework) => string;

/** One model of the analysis with its groups by full name, for block and repeat output shapes. */
export interface ModelView {
  index: number;
  info: ModelInfo;
  groups: Map<string, GroupInfo>;
}

/** The block uses of the file, each lowered once generically; filled while the models are walked. */
export interface UseTable {
  get(id: string): UseRecord | undefined;
  add(record: UseRecord): void;
}

/** The state of one walk: what it matches against, and whether block parameters are literals. */
export interface LowerContext {
  framework: Framework;
  blocks: ReadonlyMap<string, BlockDef>;
  fact: LayerFact;
  uses: UseTable;
  model: ModelView;
  /** The next analysis layer to match; undefined in dry runs (probing what a repeat's next iteration gets). */
  cursor?: { index: number };
  /** Block parameters are literals here (model bodies and specialised classes). */
  literal: boolean;
  /** How many loops enclose this body (i, j, k). */
  loopDepth: number;
  /** The use whose generic body is being walked: collects the block uses inside it. */
  record?: UseRecord;
  bases: { next: number };
  /** Block parameters' names: clear of the file's classes (variableTarget of names.ts). */
  variables: NameTarget;
}

/** The body differs between uses (or iterations) in a way one class (or loop) cannot say. */
export class NotGeneric extends Error {}

/** The exporter and the analysis disagree: a bug, reported instead of writing wrong code. */
export class Mismatch extends Error {}

/** Something the target framework cannot express, in words for the user. */
export { Refusal } from "./refusal.js";

/** A naming and label scope, mirroring the analysis' Scope: block uses and repeat iterations open one. */
export class NameScope {
  private readonly counters = new Map<string, number>();
  private readonly labels = new Map<string, Flow>();
  /** Names that a conditional projection takes in some uses: another layer taking one is ambiguous. */
  readonly reserved = new Set<string>();

  constructor(readonly prefix: string, readonly env: ReadonlyMap<string, Sym>, private readonly parent?: NameScope) {}

  /** The next `<kind><n>` (or the label), as the full dotted name and the name within its owner. */
  next(kind: string, override?: string): { full: string; local: string } {
    const n = (this.counters.get(kind) ?? 0) + 1;
    this.counters.set(kind, n);
    const local = override ?? `${kind}${n}`;
    if (this.reserved.has(local)) throw new NotGeneric(`${this.prefix}${local} is named differently in different uses`);
    return { full: this.prefix + local, local };
  }

  /** The name the next layer of this kind would get, without taking it. */
  peek(kind: string): { full: string; local: string } {
    const local = `${kind}${(this.counters.get(kind) ?? 0) + 1}`;
    return { full: this.prefix + local, local };
  }

  lookup(name: string): Flow | undefined {
    return this.labels.get(name) ?? this.parent?.lookup(name);
  }

  define(name: string, flow: Flow): void {
    this.labels.set(name, flow);
  }

  /** One repeat iteration: fresh counters, the enclosing labels still visible. */
  iteration(prefix: string): NameScope {
    return new NameScope(prefix, this.env, this);
  }
}

/** The analysis layer at the cursor, checked to be the one the exporter is about to write. */
export function matchLayer(ctx: LowerContext, full: string, kind: string): LayerInfo | undefined {
  if (!ctx.cursor) return undefined;
  const layer = ctx.model.info.layers[ctx.cursor.index];
  if (!layer || layer.name !== full || layer.kind !== kind) {
    throw new Mismatch(`expected ${kind} ${full} but the analysis has ${layer ? `${layer.kind} ${layer.name}` : "no more layers"}`);
  }
  ctx.cursor.index++;
  return layer;
}
