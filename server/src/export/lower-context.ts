// What every step of lowering shares: the file, the use being lowered, its scope and the tensor flow.
import type { BlockDef } from "../../../grammar/index.js";
import type { SaveStep, Step } from "../analysis/program.js";
import type { Framework, ModelInfo, Shape } from "../analysis/types.js";
import type { Sym } from "../codegen/sym.js";
import type { LayerOp, Op, UseRecord } from "./ir.js";
import type { NameTarget } from "../codegen/names.js";

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

/** One model of the analysis, whose record (`info.program`) is lowered. */
export interface ModelView {
  index: number;
  info: ModelInfo;
}

/** The block uses of the file, each lowered once generically; filled while the models are lowered. */
export interface UseTable {
  get(id: string): UseRecord | undefined;
  add(record: UseRecord): void;
}

/** Lowers recorded steps from a flow, appending ops; returns the final flow (lowerSteps of lower.ts). */
export type LowerSteps = (steps: readonly Step[], flow: Flow, frame: Frame, ctx: LowerContext, out: Op[]) => Flow;

/** The state of one lowering: the model whose record it reads, and whether block parameters are literals. */
export interface LowerContext {
  framework: Framework;
  blocks: ReadonlyMap<string, BlockDef>;
  fact: LayerFact;
  uses: UseTable;
  model: ModelView;
  /**
   * A dry run (probing what a repeat's next iteration would get): the steps are lowered without this use's
   * layers and groups, since the analysis never walked such an iteration.
   */
  dry: boolean;
  /** Block parameters are literals here (model bodies and specialised classes). */
  literal: boolean;
  /** How many loops enclose this body (i, j, k). */
  loopDepth: number;
  /** The use whose generic body is being lowered: collects the block uses inside it. */
  record?: UseRecord;
  bases: { next: number };
  /** Block parameters' names: clear of the file's classes (variableTarget of names.ts). */
  variables: NameTarget;
  /** The model's inputs as flows, in order (model bodies only). */
  inputs?: Flow[];
  /** The tensor kept under each label definition of the record, as lowered last. */
  labels: Map<SaveStep, Flow>;
  /**
   * The walk over steps, which blocks, repeats and merges call for their bodies: passed in by lower-file.ts so
   * that they need not import lower.ts, which dispatches to them (no import cycle).
   */
  lowerSteps: LowerSteps;
}

/** The body differs between uses (or iterations) in a way one class (or loop) cannot say. */
export class NotGeneric extends Error {}

/** Something the target framework cannot express, in words for the user. */
export { Refusal } from "../codegen/refusal.js";

/**
 * One scope of the record being lowered (a model body, a block use, a repeat iteration): the symbolic
 * values of the block's parameters, and the names a `shortcut auto` projection takes in other uses only.
 */
export class Frame {
  /** Names that a conditional projection takes in some uses: another layer taking one is ambiguous. */
  readonly reserved = new Set<string>();

  constructor(
    readonly prefix: string,
    readonly env: ReadonlyMap<string, Sym>,
  ) {}

  /** A name the analysis gave, as the full dotted name and the name within its owner. */
  take(local: string): { full: string; local: string } {
    if (this.reserved.has(local)) throw new NotGeneric(`${this.prefix}${local} is named differently in different uses`);
    return { full: this.prefix + local, local };
  }

  /** A name that only the uses with a projection take: no other layer of this scope may take it. */
  reserve(local: string): { full: string; local: string } {
    this.reserved.add(local);
    return { full: this.prefix + local, local };
  }

  /** One repeat iteration: a fresh scope with the same parameters. */
  iteration(prefix: string): Frame {
    return new Frame(prefix, this.env);
  }
}
