// Lowers bodies of statements to exporter ops, mirroring the analysis' walk (names, labels, merges).
import type { ChainItem, LayerCall, Statement } from "../../../grammar/index.js";
import { findLayerKind } from "../analysis/layers/index.js";
import type { Op } from "./ir.js";
import { lowerBlockUse } from "./lower-block.js";
import { Mismatch, type Flow, type LowerContext, type NameScope } from "./lower-context.js";
import { lowerLayer } from "./lower-layer.js";
import { lowerBranches, lowerLabelMerge, lowerResidual } from "./lower-merge.js";
import { lowerRepeat } from "./lower-repeat.js";

/** Lowers statements in order from `flow`, appending ops to `out`; returns the final flow. */
export function walkBody(body: Statement[], flow: Flow, scope: NameScope, ctx: LowerContext, out: Op[]): Flow {
  let current = flow;
  for (const statement of body) current = walkStatement(statement, current, scope, ctx, out);
  return current;
}

function walkStatement(statement: Statement, input: Flow, scope: NameScope, ctx: LowerContext, out: Op[]): Flow {
  let current = input;
  let chain = statement.chain;
  const first = chain[0];
  // A chain may start from a labelled tensor: `up: enc2 -> upsample(2)` (the analysis' rule, in its order).
  if (first?.kind === "layer" && first.args === undefined && scope.lookup(first.name.text)) {
    current = scope.lookup(first.name.text)!;
    out.push({ op: "load", label: first.name.text });
    chain = chain.slice(1);
  }
  // "A statement with a label and a single layer names that layer after the label."
  const override = statement.label && chain.length === 1 && chain[0]!.kind === "layer" ? statement.label.text : undefined;
  for (const item of chain) current = walkItem(item, current, scope, ctx, override, out);
  if (statement.label) {
    scope.define(statement.label.text, current);
    out.push({ op: "save", label: statement.label.text });
  }
  return current;
}

function walkItem(item: ChainItem, flow: Flow, scope: NameScope, ctx: LowerContext, override: string | undefined, out: Op[]): Flow {
  switch (item.kind) {
    case "layer": return walkCall(item, flow, scope, ctx, override, out);
    case "repeat": return lowerRepeat(item, flow, scope, ctx, out);
    case "residual": return lowerResidual(item, flow, scope, ctx, out);
    case "mergeBranches": return lowerBranches(item, flow, scope, ctx, out);
    case "mergeLabels": return lowerLabelMerge(item, flow, scope, ctx, out);
  }
}

function walkCall(call: LayerCall, flow: Flow, scope: NameScope, ctx: LowerContext, override: string | undefined, out: Op[]): Flow {
  const kind = findLayerKind(call.name.text);
  if (kind) return lowerLayer(kind, call, flow, scope, ctx, override, out);
  const block = ctx.blocks.get(call.name.text);
  if (block) return lowerBlockUse(block, call, flow, scope, ctx, override, out);
  // The exporters run only on files without errors, where every call is a layer or a block.
  throw new Mismatch(`'${call.name.text}' is neither a layer nor a block`);
}
