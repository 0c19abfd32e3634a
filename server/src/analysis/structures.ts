// gate { … } and split { branch … }: a body whose result multiplies its input, and channel parts joined again.
import type { Argument, Expr, Gate, Span, Split } from "../../../grammar/index.js";
import { merge } from "./merges.js";
import { recordInto, recordStep, type GateStep, type SplitStep, type Step } from "./program.js";
import type { Scope, Tensor } from "./scope.js";
import { channelAxis, channels } from "./tensor.js";
import { evaluate } from "./values.js";
import type { WalkContext, Walks } from "./walk-context.js";

/** `gate { body }`: x * body(x), where axes of size 1 stretch (squeeze-and-excitation: C×1×1 over C×H×W). */
export function applyGate(item: Gate, input: Tensor, scope: Scope, ctx: WalkContext, walks: Walks): Tensor {
  const step: GateStep = { step: "gate", body: [] };
  recordStep(ctx, step);
  const body = recordInto(ctx, step.body, () => walks.body(item.body, input, scope, ctx));
  const last = item.body[item.body.length - 1]?.span ?? item.span;
  const parts = [
    { tensor: input, span: item.keyword },
    { tensor: body, span: last },
  ];
  return merge("mul", parts, item.keyword, ctx, "gate");
}

/**
 * `split { branch … }`: the channel axis cut into equal parts (or `sizes:`), one per branch, each branch run on
 * its part (an empty branch passes it on), the results joined on the channel axis (ShuffleNet V2's unit).
 */
export function applySplit(item: Split, input: Tensor, scope: Scope, ctx: WalkContext, walks: Walks): Tensor {
  const given = sizesArgument(item.args ?? [], scope, ctx);
  const n = item.branches.length;
  if (n === 0) {
    ctx.report.error(
      "argument-count",
      "split needs a branch { … } for each part, e.g. split { branch { } branch { … } }",
      item.keyword,
    );
    return {};
  }
  const sizes = input.shape && partSizes(item, input.shape, given, ctx);
  if (!input.shape || !sizes) {
    // Walk the branches anyway, so that mistakes inside them are still reported.
    for (const b of item.branches) walks.body(b.body, {}, scope, ctx);
    return {};
  }
  const step: SplitStep = { step: "split", sizes, branches: [] };
  if (given) step.given = given.expr;
  recordStep(ctx, step);
  const axis = channelAxis(input.shape, ctx.framework);
  const outs = item.branches.map((b, i) => {
    const shape = input.shape!.slice();
    shape[axis] = sizes[i]!;
    const part: Tensor = { shape };
    if (input.field) part.field = input.field;
    if (input.node !== undefined)
      part.node = ctx.model.addNode({ id: -1, op: "split", input: input.node, sizes, index: i });
    const steps: Step[] = [];
    step.branches.push(steps);
    const tensor = b.body.length ? recordInto(ctx, steps, () => walks.body(b.body, part, scope, ctx)) : part;
    return { tensor, span: b.keyword };
  });
  return merge("concat", outs, item.keyword, ctx);
}

interface GivenSizes {
  expr: Expr;
  span: Span;
  values: (number | undefined)[];
}

/** The `sizes: (a, b, …)` argument (also accepted first and unnamed); anything else is reported. */
function sizesArgument(args: Argument[], scope: Scope, ctx: WalkContext): GivenSizes | undefined {
  let found: GivenSizes | undefined;
  args.forEach((arg, i) => {
    const key = arg.key?.text.toLowerCase();
    if ((key !== undefined && key !== "sizes" && key !== "split_size_or_sections") || (key === undefined && i > 0)) {
      const what = arg.key ? `'${arg.key.text}'` : "a second positional argument";
      ctx.report.error("unknown-argument", `split takes only sizes: (a, b, …), not ${what}`, arg.key?.span ?? arg.span);
      return;
    }
    const v = evaluate(arg.value, scope.env, ctx.report);
    const items = v === undefined ? [] : v.type === "tuple" ? v.items : [v];
    const values = items.map((x) => (x?.type === "number" && x.integer && x.value >= 1 ? x.value : undefined));
    // An unknown item (a block parameter checked without a use) is no mistake; a known one must be whole ≥ 1.
    const bad = items.some((x, i) => x !== undefined && values[i] === undefined);
    if (v !== undefined && (items.length === 0 || bad))
      ctx.report.error(
        "argument-type",
        "split's sizes are whole numbers ≥ 1, one per branch: sizes: (a, b)",
        arg.value.span,
      );
    found = { expr: arg.value, span: arg.value.span, values };
  });
  return found;
}

/** Each part's channels, or undefined after reporting why the parts do not fit the channels. */
function partSizes(
  item: Split,
  shape: number[],
  given: GivenSizes | undefined,
  ctx: WalkContext,
): number[] | undefined {
  const c = channels(shape, ctx.framework);
  const n = item.branches.length;
  if (!given) {
    if (c % n === 0) return Array<number>(n).fill(c / n);
    const near = Array.from({ length: n }, (_, i) => Math.floor(c / n) + (i < c % n ? 1 : 0));
    ctx.report.error(
      "split-mismatch",
      `split makes ${n} equal parts of the channels, but ${c} channels do not divide by ${n}` +
        `: give the parts, e.g. split(sizes: (${near.join(", ")})), or use a number of branches that divides ${c}`,
      item.keyword,
      undefined,
      { channels: c, branches: n },
    );
    return undefined;
  }
  if (given.values.some((v) => v === undefined)) return undefined;
  const values = given.values as number[];
  const sum = values.reduce((a, b) => a + b, 0);
  if (values.length !== n) {
    ctx.report.error(
      "split-mismatch",
      `split has ${n} branch${n === 1 ? "" : "es"} but ${values.length} sizes: give one size per branch`,
      given.span,
    );
    return undefined;
  }
  if (sum !== c) {
    ctx.report.error(
      "split-mismatch",
      `split's sizes (${values.join(", ")}) add up to ${sum}, but the input has ${c} channels: make them sum to ${c}`,
      given.span,
      undefined,
      { channels: c, sizes: values },
    );
    return undefined;
  }
  return values;
}
