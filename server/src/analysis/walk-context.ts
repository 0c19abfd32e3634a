// What the walk's modules share: the context of one walk, and the walks that merges call back into.
import type { BlockDef, LayerCall, Name, Statement } from "../../../grammar/index.js";
import type { Args } from "./arguments.js";
import type { Reporter } from "./diagnostics.js";
import type { LayerKind } from "./layers/index.js";
import type { Recorder } from "./program.js";
import type { ModelState, Scope, Tensor } from "./scope.js";
import type { Framework } from "./types.js";

/** What every walk needs: the file's blocks and framework, the diagnostics and the model being built. */
export interface WalkContext extends Recorder {
  framework: Framework;
  blocks: ReadonlyMap<string, BlockDef>;
  report: Reporter;
  model: ModelState;
  /** Checking a block definition on its own: uses of other blocks are checked but not expanded. */
  shallow?: boolean;
  /** The model's own body (not a block's, a branch's or a repeat's): where output(…) may stand. */
  modelBody?: readonly Statement[];
  /**
   * Called before each statement of the model's own body with the walk's state there (model.ts keeps some);
   * true stops the walk there: the rest of the body is an earlier walk's, from the same state (model.ts).
   */
  checkpoint?: (index: number, current: Tensor, previous: Statement | undefined, scope: Scope) => boolean;
}

/**
 * How a layer, block use, repeat or group is named where it stands: after a label (`fc: dense(10)`), by the next
 * index of a `seq`, by a name already decided (a labelled repeat's iteration that is a single layer or block use),
 * or automatically (`<kind><n>`) when undefined.
 */
export type Slot = { label: Name } | { index: true } | { fixed: string } | undefined;

/**
 * walkBody and applyLayer of walker.ts, handed to merges.ts by the walker that dispatches to it: a merge walks
 * its branches and may add a projection, and passing the walks keeps merges.ts from importing walker.ts back.
 */
export interface Walks {
  body(body: Statement[], input: Tensor, scope: Scope, ctx: WalkContext): Tensor;
  layer(
    kind: LayerKind,
    call: LayerCall,
    input: Tensor,
    scope: Scope,
    ctx: WalkContext,
    slot?: Slot,
    preset?: Args,
  ): Tensor;
}
