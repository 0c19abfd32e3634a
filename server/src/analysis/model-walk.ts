// What a finished walk of a model keeps so that a later edit can resume it (model.ts) and join it (walk-join.ts).
import type { ModelDef, Statement } from "../../../grammar/index.js";
import type { ModelInput } from "./model-input.js";
import type { Step } from "./program.js";
import type { LabelEntry, ModelMark, ModelState, Scope, ScopeMark, Tensor } from "./scope.js";
import type { Diagnostic, ModelInfo } from "./types.js";

/** The walk's state before one statement of the model's body: what resuming there starts from. */
export interface Checkpoint {
  /** The statement's index in the walked body (the model's body after its inputs). */
  index: number;
  current: Tensor;
  previous: Statement | undefined;
  model: ModelMark;
  scope: ScopeMark;
  diagnostics: number;
  steps: number;
  firstUses: number;
}

/** What a finished walk of a model keeps for resuming it: its state objects and the checkpoints into them. */
export interface ModelWalk {
  def: ModelDef;
  info: ModelInfo;
  inputs: ModelInput[];
  inputOverflow: boolean;
  state: ModelState;
  scope: Scope;
  /** Every diagnostic of the file up to the end of this walk, in order (the reporter's list). */
  diagnostics: readonly Diagnostic[];
  program: Step[];
  firstUses: LabelEntry[];
  checkpoints: Checkpoint[];
  /** The tensor the body's walk ended with. */
  output: Tensor;
  /** How many of `diagnostics` there were when the body's walk ended (before the model's final checks). */
  walked: number;
}
