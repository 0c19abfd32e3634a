// The state that one walk over a model carries: where layers go, how they are named, which labels are visible.
import type { Span, Statement } from "../../../grammar/index.js";
import { OrderedNames, type Placed } from "./ordered-names.js";
import type { SaveStep } from "./program.js";
import type { Environment } from "./values.js";
import type { RunningTotals } from "./size-limits.js";
import type {
  GraphNode,
  GroupInfo,
  LabelInfo,
  LayerInfo,
  ModelOutput,
  ReceptiveField,
  Shape,
  SizeOverflow,
} from "./types.js";

/** A tensor flowing through the model; an unknown shape (after an error) propagates silently. */
export interface Tensor {
  shape?: Shape;
  field?: ReceptiveField;
  /** The dataflow node that produces this tensor. */
  node?: number;
  /**
   * Set once `permute` moved axes: axis i holds the file layout's axis `order[i]` (sample axes, 0-based).
   * Layers that need the channel axis in place refuse such a tensor until it is permuted back.
   */
  order?: number[];
}

export interface LabelEntry extends Tensor, Placed {
  span: Span;
  /** Set once a chain, merge or output reads the label: an unused chain with a used label is not unused. */
  used?: boolean;
  /** The definition in the walk's record, which loads and label merges refer to. */
  save?: SaveStep;
}

/** Who took a layer, block-use or repeat name in a scope: a label (its span) or the counter (the call's). */
export interface NameClaim extends Placed {
  span: Span;
  label: boolean;
}

/** Everything that belongs to the model as a whole, shared by every scope of one walk. */
export class ModelState {
  readonly layers: LayerInfo[];
  readonly groups: GroupInfo[];
  readonly labels: LabelInfo[];
  readonly graph: GraphNode[];
  /** The results named by output(…), in order; empty when the model returns its last tensor. */
  readonly outputs: ModelOutput[];
  /** The receptive field of each output, in the same order. */
  readonly outputFields: (ReceptiveField | undefined)[];
  /** Chains whose result the next statement dropped: unused unless their label is used or an output. */
  readonly dropped: { statement: Statement; scope: Scope }[] = [];
  /** Set when the model outgrew the layer budget; from then on nothing more is expanded. */
  exhausted = false;
  /** The model input's spatial sizes, for fields that become global. */
  inputSizes: number[] = [];
  /** Sums so far of the exact layers, checked as each layer is added so that the model's totals stay exact. */
  readonly totals: RunningTotals = { params: 0, macs: 0, memory: 0 };
  /** The first figure that could not be counted exactly, if any. */
  overflow?: SizeOverflow;

  /** An empty state, or one holding the first items of `earlier`'s lists as `mark` counts them (rewound()). */
  constructor(
    readonly batch: number,
    earlier?: { state: ModelState; mark: ModelMark },
  ) {
    // Sliced, not pushed one by one: half of a 50,000-label model is copied on every edit after its middle.
    const mark = earlier?.mark;
    const state = earlier?.state;
    this.layers = state ? state.layers.slice(0, mark!.layers) : [];
    this.groups = state ? state.groups.slice(0, mark!.groups) : [];
    this.labels = state ? state.labels.slice(0, mark!.labels) : [];
    this.graph = state ? state.graph.slice(0, mark!.graph) : [];
    this.outputs = state ? state.outputs.slice(0, mark!.outputs) : [];
    this.outputFields = state ? state.outputFields.slice(0, mark!.outputs) : [];
  }

  /** How much of the model there is now: where rewound() cuts a later state back to. */
  mark(): ModelMark {
    return {
      layers: this.layers.length,
      groups: this.groups.length,
      labels: this.labels.length,
      graph: this.graph.length,
      outputs: this.outputs.length,
      dropped: this.dropped.length,
      exhausted: this.exhausted,
      totals: { ...this.totals },
      overflow: this.overflow,
    };
  }

  /**
   * A new state holding what this one held at `mark` (the same records, copied lists), for a walk that goes on
   * from there: the edited part of a model walked again (resume.ts). `top` replaces `from` in dropped chains.
   */
  rewound(mark: ModelMark, from: Scope, top: Scope): ModelState {
    const state = new ModelState(this.batch, { state: this, mark });
    for (const d of this.dropped.slice(0, mark.dropped))
      state.dropped.push(d.scope === from ? { statement: d.statement, scope: top } : d);
    state.exhausted = mark.exhausted;
    state.inputSizes = this.inputSizes;
    Object.assign(state.totals, mark.totals);
    if (mark.overflow) state.overflow = mark.overflow;
    return state;
  }

  /**
   * Takes on what `earlier` (a walk of the same statements) added after `mark`, and its totals: the rest of an
   * earlier walk joined to this one where both were in the same state. `top` replaces `from` in dropped chains.
   */
  continueFrom(earlier: ModelState, mark: ModelMark, from: Scope, top: Scope): void {
    appendFrom(this.layers, earlier.layers, mark.layers);
    appendFrom(this.groups, earlier.groups, mark.groups);
    appendFrom(this.labels, earlier.labels, mark.labels);
    appendFrom(this.graph, earlier.graph, mark.graph);
    appendFrom(this.outputs, earlier.outputs, mark.outputs);
    appendFrom(this.outputFields, earlier.outputFields, mark.outputs);
    for (let i = mark.dropped; i < earlier.dropped.length; i++) {
      const d = earlier.dropped[i]!;
      this.dropped.push(d.scope === from ? { statement: d.statement, scope: top } : d);
    }
    this.exhausted = earlier.exhausted;
    // The sums go on from this walk's: the layers walked again may have other figures than the earlier ones.
    this.totals.params += earlier.totals.params - mark.totals.params;
    this.totals.macs += earlier.totals.macs - mark.totals.macs;
    this.totals.memory += earlier.totals.memory - mark.totals.memory;
    if (earlier.overflow) this.overflow = earlier.overflow;
  }

  /** Adds a dataflow node, giving it the next id (the placeholder id is overwritten), and returns the id. */
  addNode(node: GraphNode): number {
    const id = this.graph.length;
    const withId = node as GraphNode;
    withId.id = id;
    this.graph.push(withId);
    return id;
  }
}

/** The sizes and values of a ModelState at one moment of its walk. */
export interface ModelMark {
  layers: number;
  groups: number;
  labels: number;
  graph: number;
  outputs: number;
  dropped: number;
  exhausted: boolean;
  totals: RunningTotals;
  overflow: SizeOverflow | undefined;
}

/** What a scope held at one moment: its counters, and how many labels and claims (both only ever grow). */
export interface ScopeMark {
  counters: Map<string, number>;
  labels: number;
  claims: number;
  position: number;
}

/**
 * `<kind><n>`, the automatic name: `conv1`, `Bottleneck2`; a kind or block whose name ends in a digit takes
 * an underscore before the count (`relu6_1`), or the 61st relu and the first relu6 would both be `relu61`.
 */
export function automaticName(kind: string, n: number): string {
  const last = kind.charCodeAt(kind.length - 1);
  return last >= 48 && last <= 57 ? `${kind}_${n}` : `${kind}${n}`; // a digit (0–9) ends the name
}

/**
 * A naming and label scope: the model body, a block use, one iteration of a repeat, or a group named under a
 * label or an index (a `seq`, a labelled chain or structure). Layers are counted per kind within it; labels
 * defined in it are visible to it and (for every scope but a block use's) to nothing outside.
 *
 * `prefix` is the dotted prefix of every name made here; `owner` is the prefix of the module that holds them
 * in the exports (the model, a block use, an unlabelled repeat's iteration): a group named under a label or an
 * index is a path inside its owner (`layer1.0` in the model), not an owner of its own.
 */
export class Scope {
  private readonly counters = new Map<string, number>();
  private labels = new OrderedNames<LabelEntry>();
  private claims = new OrderedNames<NameClaim>();
  /** The next position of an indexed scope (`seq`): labelled statements take a position too. */
  private position = 0;

  constructor(
    readonly prefix: string,
    readonly env: Environment,
    readonly via: Span[],
    readonly blockStack: readonly string[],
    private readonly parent?: Scope,
    readonly owner: string = prefix,
    /** A `seq` (or a labelled chain): its contents are numbered 0, 1, … as nn.Sequential numbers them. */
    readonly indexed = false,
    /**
     * Where lookups log each label entry they mark used for the first time (shared with the scopes inside):
     * rewinding a walk clears the marks made after the point it goes back to.
     */
    readonly firstUses: LabelEntry[] | undefined = parent?.firstUses,
  ) {}

  mark(): ScopeMark {
    return {
      counters: new Map(this.counters),
      labels: this.labels.size,
      claims: this.claims.size,
      position: this.position,
    };
  }

  /**
   * A new scope like this one holding what it held at `mark`, for a walk that goes on from there (this one is
   * then used up); `firstUses` are the first uses up to the mark, `laterUses` those after it.
   */
  rewound(mark: ScopeMark, firstUses: LabelEntry[], laterUses: readonly LabelEntry[]): Scope {
    const scope = new Scope(
      this.prefix,
      this.env,
      this.via,
      this.blockStack,
      this.parent,
      this.owner,
      this.indexed,
      firstUses,
    );
    for (const [kind, n] of mark.counters) scope.counters.set(kind, n);
    scope.labels = this.labels.rewound(mark.labels);
    scope.claims = this.claims.rewound(mark.claims);
    scope.position = mark.position;
    // The entries are the earlier walk's own objects, which its later statements may have marked used: a label
    // is used here only if a lookup before the mark used it (the walks log each first use once, in order).
    for (const entry of laterUses) entry.used = false;
    return scope;
  }

  /** Whether the automatic-name counters are those kept at `mark`. */
  sameCounters(mark: ScopeMark): boolean {
    if (mark.counters.size !== this.counters.size) return false;
    for (const [kind, n] of this.counters) if (mark.counters.get(kind) !== n) return false;
    return true;
  }

  /** The labels defined in this scope from the `from`-th on, read as they are defined (ordered-names.ts). */
  labelsFrom(from: number): IterableIterator<[string, LabelEntry]> {
    return this.labels.from(from);
  }

  /** The names claimed in this scope from the `from`-th on, read as they are claimed. */
  claimsFrom(from: number): IterableIterator<[string, NameClaim]> {
    return this.claims.from(from);
  }

  /** The labels defined in this scope from the `from`-th to before the `to`-th, in order. */
  labelsBetween(from: number, to: number): [string, LabelEntry][] {
    return this.labels.between(from, to);
  }

  /** The names claimed in this scope from the `from`-th to before the `to`-th, in order. */
  claimsBetween(from: number, to: number): [string, NameClaim][] {
    return this.claims.between(from, to);
  }

  /**
   * Takes on what `earlier` (a walk of the same statements) defined and claimed after `mark`, and its counters
   * and position: the rest of an earlier walk joined to this one where both walks were in the same state.
   */
  continueFrom(earlier: Scope): void {
    this.labels.continueFrom(earlier.labels);
    this.claims.continueFrom(earlier.claims);
    this.counters.clear();
    for (const [kind, n] of earlier.counters) this.counters.set(kind, n);
    this.position = earlier.position;
  }

  /** Holds its names in maps of its own, not shared with the walk it was rewound from (ordered-names.ts). */
  settle(): void {
    this.labels.flatten();
    this.claims.flatten();
  }

  /** The next automatic `<kind><n>` name in this scope, with the scope's dotted prefix. */
  nextName(kind: string): string {
    const n = (this.counters.get(kind) ?? 0) + 1;
    this.counters.set(kind, n);
    return this.prefix + automaticName(kind, n);
  }

  /** The next index of an indexed scope, as a name part (`"0"`, `"1"`, …). */
  nextIndex(): string {
    return String(this.position++);
  }

  /** A labelled statement of an indexed scope takes a position, which its label names instead of the index. */
  skipIndex(): void {
    this.position++;
  }

  /** The name, relative to the owner, that the next layer of this kind would take here, without taking it. */
  peekName(kind: string): string {
    return this.prefix.slice(this.owner.length) + automaticName(kind, (this.counters.get(kind) ?? 0) + 1);
  }

  /** Records who took a local name; returns the earlier claim when the name is already taken here. */
  claim(local: string, claim: NameClaim): NameClaim | undefined {
    return this.claims.add(local, claim);
  }

  /** `lookup` as a function of its own, made once per scope: layers that read a label (`resize(like:)`) get it. */
  readonly lookupLabel = (name: string): LabelEntry | undefined => this.lookup(name);

  /** The label's entry, marked as used. */
  lookup(name: string): LabelEntry | undefined {
    const entry = this.labels.get(name) ?? this.parent?.lookup(name);
    if (entry && !entry.used) {
      entry.used = true;
      this.firstUses?.push(entry);
    }
    return entry;
  }

  /** Whether a label of this name is visible here (without marking it used). */
  has(name: string): boolean {
    return this.labels.has(name) || (this.parent?.has(name) ?? false);
  }

  /** The label's entry without marking it used. */
  peek(name: string): LabelEntry | undefined {
    return this.labels.get(name) ?? this.parent?.peek(name);
  }

  /** Every label visible here, for "did you mean". */
  visibleLabels(): string[] {
    return [...this.labels.names(), ...(this.parent?.visibleLabels() ?? [])];
  }

  /** Defines a label; returns the earlier definition when the name is already taken in this scope. */
  define(name: string, entry: LabelEntry): LabelEntry | undefined {
    return this.labels.add(name, entry);
  }

  /** A child scope for one repeat iteration: fresh counters, the parent's labels still visible, its own owner. */
  iteration(prefix: string): Scope {
    return new Scope(prefix, this.env, this.via, this.blockStack, this);
  }

  /** A group named under `prefix` inside the same owner: fresh counters (or indices), the parent's labels visible. */
  group(prefix: string, indexed: boolean): Scope {
    return new Scope(prefix, this.env, this.via, this.blockStack, this, this.owner, indexed);
  }
}

/** Appends the items of `from` from index `start` on to `to`. */
function appendFrom<T>(to: T[], from: readonly T[], start: number): void {
  for (let i = start; i < from.length; i++) to.push(from[i]!);
}
