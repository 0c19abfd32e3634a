// The record of the one walk: per statement, what the analysis decided that the exporters write (ModelInfo.program).
import type { Argument, Expr, MergeOp } from "../../../grammar/index.js";

/**
 * The exporters read this record instead of walking the AST a second time: every name, label, merge, repeat
 * iteration and `shortcut auto` projection is decided once, by the analysis' walk, and the exporters only
 * evaluate the recorded argument expressions in their own domain (symbols over block parameters, see
 * codegen/sym.ts). Layers and groups are indices into the model's `layers` and `groups`, so a step and the
 * numbers the analysis computed for it cannot drift apart. The record is built for every model (its cost is
 * one small object per step); it is only complete for models without errors, the only ones exported.
 *
 * Why a record and not one walker generic over its domain: the analysis walks every use with numbers, and
 * that hot path stays as it was (no symbolic value beside each number); the exporters need symbols only
 * for what the text wrote (arguments, repeat counts, block arguments), which they evaluate from the recorded
 * expressions with sym.ts. Measured with CPU time on the shared 2-core machine, ResNet-50 and the generated
 * 10,000-layer model analyse as fast as before within the noise (about 2 ms and 150–260 ms both ways).
 */
export type Step =
  | LayerStep
  | BlockStep
  | RepeatStep
  | ResidualStep
  | BranchesStep
  | MergeLabelsStep
  | SaveStep
  | LoadStep
  | GateStep
  | SplitStep
  | InputStep;

/** A layer: the kind, its name within its scope, its index in `layers`, and the arguments as written. */
export interface LayerStep {
  step: "layer";
  kind: string;
  local: string;
  layer: number;
  /** The arguments as written; undefined for the layers the analysis generates (`shortcut auto`). */
  args?: Argument[];
}

/** A block use: its name, the arguments as written, its group, and the block's body as walked for this use. */
export interface BlockStep {
  step: "block";
  block: string;
  local: string;
  /** The full dotted name (`layer1.Bottleneck2`). */
  name: string;
  args: Argument[];
  /** Index into the model's `groups`. */
  group: number;
  body: Step[];
}

/** `repeat N { … }`: the count as written, its group, and each iteration as walked. */
export interface RepeatStep {
  step: "repeat";
  local: string;
  name: string;
  count: Expr;
  group: number;
  iterations: Step[][];
  /**
   * A labelled repeat or one in a seq: its iterations' names are paths in the enclosing owner (`layer1.0`,
   * `features.3`), so the exporters write each iteration in place rather than as a container of its own.
   */
  inline?: boolean;
}

/** `residual { main } shortcut …`: the main path and the shortcut (the projection's layers for `auto`). */
export interface ResidualStep {
  step: "residual";
  main: Step[];
  shortcut: Step[];
  auto?: AutoShortcut;
}

/**
 * `shortcut auto` as the analysis decided it in this use: whether the projection `conv -> batchnorm` was
 * generated (then it is `shortcut`), and the names its layers take here, or would take in a use with one.
 */
export interface AutoShortcut {
  present: boolean;
  conv: string;
  batchnorm: string;
}

/** `concat { branch … }` / `add { branch … }`. */
export interface BranchesStep {
  step: "branches";
  merge: MergeOp;
  branches: Step[][];
}

/** `concat(a, b)` / `add(a)`: the labels merged, as the definitions they resolved to. */
export interface MergeLabelsStep {
  step: "mergeLabels";
  merge: MergeOp;
  labels: SaveStep[];
}

/** In a model with labelled inputs: the chain continues from input `index` (0 is the first). */
export interface InputStep {
  step: "input";
  index: number;
}

/** `gate { … }`: the body from the input, then the input times its result. */
export interface GateStep {
  step: "gate";
  body: Step[];
}

/**
 * `split { branch … }`: the channel parts as this use computed them, whether they were given (`sizes:`, as
 * written in `args`) or equal, and each branch as walked on its part; the results are joined on the channels.
 */
export interface SplitStep {
  step: "split";
  sizes: number[];
  /** The `sizes:` expression as written; undefined for equal parts. */
  given?: Expr;
  branches: Step[][];
}

/** `label: …`: the tensor kept under a name (one object per definition, which loads refer to). */
export interface SaveStep {
  step: "save";
  label: string;
}

/** A chain that starts from a label: the definition it resolved to. */
export interface LoadStep {
  step: "load";
  from: SaveStep;
}

/** Where the walk appends steps; undefined when nothing is recorded (a block checked on its own). */
export interface Recorder {
  steps?: Step[];
}

/** Appends a step where the walk currently records. */
export function recordStep(into: Recorder, step: Step): void {
  into.steps?.push(step);
}

/** Runs `walk` recording into `target` (a body of a block use, an iteration, a branch), then restores. */
export function recordInto<T>(into: Recorder, target: Step[], walk: () => T): T {
  const saved = into.steps;
  if (saved === undefined) return walk();
  into.steps = target;
  const result = walk();
  into.steps = saved;
  return result;
}

/**
 * Replaces, in `steps` and every body inside them, each save step that `map` has a replacement for, and each
 * load and label merge that refers to one: the definitions a walked-again part of a model made become the
 * earlier walk's, which the steps after that part (taken from the earlier walk) load from.
 */
export function replaceSaves(steps: Step[], map: ReadonlyMap<SaveStep, SaveStep>, from = 0): void {
  if (map.size === 0) return;
  for (let i = from; i < steps.length; i++) {
    const step = steps[i]!;
    switch (step.step) {
      case "save":
        steps[i] = map.get(step) ?? step;
        break;
      case "load":
        step.from = map.get(step.from) ?? step.from;
        break;
      case "mergeLabels":
        step.labels = step.labels.map((s) => map.get(s) ?? s);
        break;
      case "block":
      case "gate":
        replaceSaves(step.body, map);
        break;
      case "repeat":
        for (const body of step.iterations) replaceSaves(body, map);
        break;
      case "residual":
        replaceSaves(step.main, map);
        replaceSaves(step.shortcut, map);
        break;
      case "branches":
      case "split":
        for (const body of step.branches) replaceSaves(body, map);
        break;
      case "layer":
      case "input":
        break;
    }
  }
}
