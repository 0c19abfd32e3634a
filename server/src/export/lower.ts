// Lowers the analysis' record of a body (ModelInfo.program) to exporter ops, in the symbolic domain.
import type { Step } from "../analysis/program.js";
import { findLayerKind } from "../analysis/layers/index.js";
import type { Op } from "./ir.js";
import { lowerBlockUse } from "./lower-block.js";
import { NotGeneric, type Flow, type Frame, type LowerContext } from "./lower-context.js";
import { lowerLayer } from "./lower-layer.js";
import { lowerBranches, lowerLabelMerge, lowerResidual } from "./lower-merge.js";
import { lowerRepeat } from "./lower-repeat.js";
import { lowerGate, lowerSplit } from "./lower-structures.js";

/**
 * Lowers recorded steps in order from `flow`, appending ops to `out`; returns the final flow. The names,
 * labels, merges, iterations and projections are the analysis' (there is no second walk of the AST to keep in
 * step with it): this only evaluates the recorded argument expressions over symbolic block parameters.
 */
export function lowerSteps(steps: readonly Step[], flow: Flow, frame: Frame, ctx: LowerContext, out: Op[]): Flow {
  let current = flow;
  for (const step of steps) current = lowerStep(step, current, frame, ctx, out);
  return current;
}

function lowerStep(step: Step, flow: Flow, frame: Frame, ctx: LowerContext, out: Op[]): Flow {
  switch (step.step) {
    case "layer": {
      const kind = findLayerKind(step.kind);
      // The analysis records only layers of known kinds; a missing one would be an analysis bug.
      if (!kind) throw new NotGeneric(`the layer kind ${step.kind} is unknown`);
      return lowerLayer(kind, step, flow, frame, ctx, out);
    }
    case "block":
      return lowerBlockUse(step, flow, frame, ctx, out);
    case "repeat":
      return lowerRepeat(step, flow, frame, ctx, out);
    case "residual":
      return lowerResidual(step, flow, frame, ctx, out);
    case "branches":
      return lowerBranches(step, flow, frame, ctx, out);
    case "mergeLabels":
      return lowerLabelMerge(step, flow, ctx, out);
    case "save":
      ctx.labels.set(step, flow);
      out.push({ op: "save", label: step.label });
      return flow;
    case "gate":
      return lowerGate(step, flow, frame, ctx, out);
    case "split":
      return lowerSplit(step, flow, frame, ctx, out);
    case "input": {
      const found = ctx.inputs?.[step.index];
      if (!found) throw new NotGeneric(`input ${step.index + 1} is used outside its model`);
      out.push({ op: "input", index: step.index });
      return found;
    }
    case "load": {
      const found = ctx.labels.get(step.from);
      if (!found) throw new NotGeneric(`the label ${step.from.label} is used before it is defined`);
      out.push({ op: "load", label: step.from.label });
      return found;
    }
  }
}
