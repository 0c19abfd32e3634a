// Where a walk resumed after an edit meets the walk before the edit again, and takes over the rest of it.
import type { Span, Statement } from "../../../grammar/index.js";
import type { Reporter } from "./diagnostics.js";
import type { Checkpoint, ModelWalk } from "./model-walk.js";
import { replaceSaves, type SaveStep } from "./program.js";
import type { LabelEntry, NameClaim, Scope, Tensor } from "./scope.js";
import type { RunningTotals } from "./size-limits.js";

/**
 * Where a resumed walk (`next`) meets the earlier one (`earlier`) again: at a statement past the edited ones
 * where the earlier walk kept a checkpoint and the two states are the same (the tensor, every count and
 * counter, the labels and names defined since the walk resumed). There the earlier walk's layers, groups,
 * labels, nodes, steps, diagnostics and checkpoints from that statement on are taken over.
 */
export class Join {
  joined = false;
  /** How many statements of the body the earlier walk's record was taken over for. */
  reused = 0;
  private readonly earlierAt = new Map<number, Checkpoint>();
  /**
   * The labels and names defined since resuming, checked so far against the earlier walk's in the same places:
   * a definition never changes once made, so each is checked once, and one that differs is different for good.
   */
  private checked:
    | {
        labels: number;
        claims: number;
        /** The earlier walk's definitions since resuming, listed once. */
        theirs: [string, LabelEntry][];
        theirClaims: [string, NameClaim][];
        mine: Iterator<[string, LabelEntry]>;
        myClaims: Iterator<[string, NameClaim]>;
        /** Each earlier definition with this walk's in its place. */
        pairs: Map<LabelEntry, LabelEntry>;
        /** Where the earlier walk's definitions since resuming stood: text before the edit. */
        replaced: Set<Span>;
      }
    | undefined;
  /** Set once a definition differs from the earlier walk's: the walks can no longer meet. */
  private apart = false;

  constructor(
    private readonly earlier: ModelWalk,
    private readonly next: ModelWalk,
    private readonly report: Reporter,
    private readonly resumedAt: Checkpoint,
    /** The first statement (body index, inputs excluded) after the edited ones, in the edited body. */
    private readonly endChanged: number,
    /** How many statements the edit added (negative: removed). */
    private readonly statementsAdded: number,
  ) {
    for (const c of earlier.checkpoints) if (c.index > resumedAt.index) this.earlierAt.set(c.index, c);
  }

  /** Joins the earlier walk at `index` when the states meet there; true when it did (the walk stops). */
  meets(index: number, current: Tensor, previous: Statement | undefined, scope: Scope): boolean {
    if (this.apart || scope !== this.next.scope || index < this.endChanged) return false;
    const there = this.earlierAt.get(index - this.statementsAdded);
    if (!there || there.previous !== previous || !sameTensor(there.current, current)) return false;
    const state = this.next.state;
    const now = state.mark();
    const then = there.model;
    if (
      now.layers !== then.layers ||
      now.groups !== then.groups ||
      now.labels !== then.labels ||
      now.graph !== then.graph ||
      now.outputs !== then.outputs ||
      now.dropped !== then.dropped ||
      now.exhausted !== then.exhausted ||
      now.overflow !== undefined ||
      then.overflow !== undefined ||
      this.earlier.state.overflow !== undefined ||
      !this.totalsStayExact(now.totals, then.totals)
    )
      return false;
    const mark = scope.mark();
    if (mark.labels !== there.scope.labels || mark.claims !== there.scope.claims) return false;
    if (mark.position !== there.scope.position || !scope.sameCounters(there.scope)) return false;
    const labels = this.labelsSinceResuming(there);
    if (!labels || !this.sameUses(there, labels)) return false;
    this.join(there, labels);
    return true;
  }

  /**
   * The labels this walk defined since it resumed, each with the earlier walk's definition in the same place:
   * undefined unless they have the same names and tensors, the names claimed are the same, and nothing the
   * earlier walk reported later points into what was walked again (its spans there are the text before the edit).
   */
  private labelsSinceResuming(there: Checkpoint): Map<LabelEntry, LabelEntry> | undefined {
    const from = this.resumedAt.scope;
    const checked = (this.checked ??= {
      labels: 0,
      claims: 0,
      theirs: this.earlier.scope.labelsBetween(from.labels, Infinity),
      theirClaims: this.earlier.scope.claimsBetween(from.claims, Infinity),
      mine: this.next.scope.labelsFrom(from.labels),
      myClaims: this.next.scope.claimsFrom(from.claims),
      pairs: new Map(),
      replaced: new Set(),
    });
    for (; checked.claims < there.scope.claims - from.claims; checked.claims++) {
      const mine = checked.myClaims.next();
      const theirs = checked.theirClaims[checked.claims];
      if (mine.done || !theirs || mine.value[0] !== theirs[0]) return this.part();
      checked.replaced.add(theirs[1].span);
    }
    for (; checked.labels < there.scope.labels - from.labels; checked.labels++) {
      const mine = checked.mine.next();
      const theirs = checked.theirs[checked.labels];
      if (mine.done || !theirs || mine.value[0] !== theirs[0] || !sameTensor(mine.value[1], theirs[1]))
        return this.part();
      checked.pairs.set(theirs[1], mine.value[1]);
      checked.replaced.add(theirs[1].span);
    }
    const diagnostics = this.earlier.diagnostics;
    for (let i = there.diagnostics; i < this.earlier.walked; i++) {
      const d = diagnostics[i]!;
      if (checked.replaced.has(d.span) || d.related?.some((r) => checked.replaced.has(r.span))) return undefined;
    }
    return checked.pairs;
  }

  /** The walks went apart for good: no later checkpoint is compared. */
  private part(): undefined {
    this.apart = true;
    return undefined;
  }

  /**
   * Whether the model's totals, the earlier walk's final ones changed by what this walk changed before meeting it,
   * are still exact: the running sums only grow, so no layer of the rest can have passed 2^53 − 1 either.
   */
  private totalsStayExact(now: RunningTotals, then: RunningTotals): boolean {
    const final = this.earlier.state.totals;
    return (["params", "macs", "memory"] as const).every(
      (figure) => final[figure] - then[figure] + now[figure] <= Number.MAX_SAFE_INTEGER,
    );
  }

  /**
   * Whether this walk used the labels it used since resuming, for the first time, in the order the earlier walk
   * did (each label walked again standing for the earlier definition): the labels the rest of the earlier walk
   * used first are then the ones this walk has not used yet.
   */
  private sameUses(there: Checkpoint, labels: Map<LabelEntry, LabelEntry>): boolean {
    const from = this.resumedAt.firstUses;
    const mine = this.next.firstUses;
    if (mine.length - from !== there.firstUses - from) return false;
    const theirs = this.earlier.firstUses;
    for (let i = from; i < mine.length; i++) if (mine[i] !== (labels.get(theirs[i]!) ?? theirs[i])) return false;
    return true;
  }

  private join(there: Checkpoint, labels: Map<LabelEntry, LabelEntry>): void {
    const { earlier, next } = this;
    const state = next.state;
    const diagnostics = next.diagnostics.length;
    const steps = next.program.length;
    const uses = next.firstUses.length;
    const totals = state.mark().totals;
    const then = there.model.totals;
    // The labels walked again keep the earlier definitions' save steps, which the earlier walk's later steps load.
    const saves = new Map<SaveStep, SaveStep>();
    for (const [before, now] of labels) {
      if (before.save && now.save) saves.set(now.save, before.save);
      if (before.save) now.save = before.save;
    }
    replaceSaves(next.program, saves, this.resumedAt.steps);
    state.continueFrom(earlier.state, there.model, earlier.scope, next.scope);
    next.scope.continueFrom(earlier.scope);
    for (let i = there.firstUses; i < earlier.firstUses.length; i++) {
      const entry = labels.get(earlier.firstUses[i]!) ?? earlier.firstUses[i]!;
      entry.used = true;
      next.firstUses.push(entry);
    }
    const report = earlier.diagnostics;
    for (let i = there.diagnostics; i < earlier.walked; i++) this.report.adopt(report[i]!);
    for (let i = there.steps; i < earlier.program.length; i++) next.program.push(earlier.program[i]!);
    for (const c of earlier.checkpoints) {
      if (c.index < there.index) continue;
      const sums = c.model.totals;
      next.checkpoints.push({
        ...c,
        index: c.index + this.statementsAdded,
        // The running sums differ by what the layers walked again changed (totalsStayExact).
        model: {
          ...c.model,
          totals: {
            params: sums.params - then.params + totals.params,
            macs: sums.macs - then.macs + totals.macs,
            memory: sums.memory - then.memory + totals.memory,
          },
        },
        diagnostics: c.diagnostics - there.diagnostics + diagnostics,
        steps: c.steps - there.steps + steps,
        firstUses: c.firstUses - there.firstUses + uses,
      });
    }
    this.joined = true;
    this.reused = earlier.def.body.length - earlier.inputs.length - there.index;
  }
}

/** Whether two tensors are the same: shape, receptive field, dataflow node and axis order. */
function sameTensor(a: Tensor, b: Tensor): boolean {
  return (
    a.node === b.node &&
    sameNumbers(a.shape, b.shape) &&
    sameNumbers(a.order, b.order) &&
    (a.field === b.field ||
      (a.field !== undefined &&
        b.field !== undefined &&
        a.field.global === b.field.global &&
        sameNumbers(a.field.size, b.field.size) &&
        sameNumbers(a.field.jump, b.field.jump) &&
        sameNumbers(a.field.start, b.field.start)))
  );
}

function sameNumbers(a: readonly number[] | undefined, b: readonly number[] | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
