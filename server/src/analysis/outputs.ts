// output(a, b, …): the model's results in order; and the warning for chains whose result nothing uses.
import type { LayerCall, Statement } from "../../../grammar/index.js";
import type { Reporter } from "./diagnostics.js";
import type { ModelState, Scope } from "./scope.js";
import { closest } from "./suggest.js";
import type { WalkContext } from "./walk-context.js";

/** `output(…)` as a statement (a block named `output` is a block use instead). */
export function isOutputStatement(statement: Statement, ctx: WalkContext): boolean {
  const first = statement.chain[0];
  // A bare `output` (no parentheses) may be a label named so, which starts a chain.
  return (
    first?.kind === "layer" &&
    first.args !== undefined &&
    first.name.text.toLowerCase() === "output" &&
    !ctx.blocks.has(first.name.text)
  );
}

/**
 * Reads `output(a, b)` in a model's body (`top`): each label's tensor becomes a result, in order. Anywhere
 * else, or with a label or a chain around it, it is an error; the current tensor passes on unchanged.
 */
export function applyOutput(statement: Statement, scope: Scope, ctx: WalkContext, top: boolean): void {
  const call = statement.chain[0] as LayerCall;
  const report = ctx.report;
  if (!top) {
    report.error(
      "misplaced-output",
      "output(…) names the model's results: it stands in the model's own body, not in a block, branch or repeat",
      call.span,
    );
    return;
  }
  if (statement.label || statement.chain.length > 1) {
    report.error(
      "misplaced-output",
      "output(…) stands alone on its line: output(a, b), without a label or ->",
      statement.span,
    );
    return;
  }
  if (ctx.model.outputs.length > 0) {
    report.error(
      "misplaced-output",
      "the model's outputs are already named above: list them all in one output(…)",
      call.span,
    );
    return;
  }
  const args = call.args ?? [];
  if (args.length === 0) {
    report.error(
      "argument-count",
      "output(…) names the model's results by their labels, e.g. output(main, aux)",
      call.span,
    );
    return;
  }
  const seen = new Set<string>();
  for (const arg of args) {
    const v = arg.value;
    if (arg.key || v.kind !== "word") {
      report.error("argument-type", "output(…) takes labels of earlier layers, e.g. output(main, aux)", arg.span);
      continue;
    }
    const entry = scope.lookup(v.name);
    if (!entry) {
      const guess = closest(v.name, scope.visibleLabels());
      report.error(
        "unknown-label",
        `no label '${v.name}' is defined before this point` +
          (guess ? `: did you mean '${guess}'?` : `: label a layer with ${v.name}: … above this line`),
        v.span,
        undefined,
        guess ? { suggestion: guess } : undefined,
      );
      continue;
    }
    if (seen.has(v.name)) {
      report.error("argument-value", `'${v.name}' is already an output: name each result once`, v.span);
      continue;
    }
    seen.add(v.name);
    const out: ModelState["outputs"][number] = { name: v.name, span: v.span };
    if (entry.shape) out.shape = entry.shape;
    if (entry.node !== undefined) out.node = entry.node;
    ctx.model.outputs.push(out);
    ctx.model.outputFields.push(entry.field);
  }
}

/**
 * Warns about each chain whose result the next statement dropped (it started from a label) when its label
 * is never read and it is not an output: a branch computed for nothing, usually a forgotten merge or output.
 */
export function reportUnused(state: ModelState, report: Reporter): void {
  for (const { statement, scope } of state.dropped) {
    const label = statement.label?.text;
    if (label !== undefined && scope.peek(label)?.used) continue;
    const fix = label
      ? `use '${label}' (a chain from it, a merge, or output(…))`
      : "label it and use the label, name it in output(…), or remove it";
    report.warning("unused-result", `the result of this chain is never used: ${fix}`, statement.span);
  }
}
