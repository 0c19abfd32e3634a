// prelu: a leaky ReLU whose negative slopes are learned. The two frameworks count its slopes differently:
// PyTorch learns num_parameters slopes (1, or one per channel); Keras one per element of the sample unless
// shared_axes (1-based, as Keras numbers the sample's axes) shares a slope along those axes.
import type { Value } from "../values.js";
import type { Shape } from "../types.js";
import { channels } from "../tensor.js";
import { noParams, type LayerContext, type LayerKind, type LayerOutcome } from "./kind.js";

/** The 1-based axes a Keras PReLU shares its slopes along (none when not given), or undefined when reported. */
export function sharedAxes(value: Value | undefined): number[] | undefined {
  if (value === undefined) return [];
  if (value.type === "number") return [value.value];
  if (value.type !== "tuple") return undefined;
  const out: number[] = [];
  for (const item of value.items) {
    if (item?.type !== "number") return undefined;
    out.push(item.value);
  }
  return out;
}

/** Keras' slope tensor (alpha) shape: the sample's shape with every shared axis 1. */
export function kerasSlopeShape(input: Shape, shared: number[]): number[] {
  return input.map((d, i) => (shared.includes(i + 1) ? 1 : d));
}

function misplaced(ctx: LayerContext): boolean {
  const keras = ctx.framework === "keras";
  const wrong = keras ? "num_parameters" : "shared_axes";
  if (!ctx.args.has(wrong)) return false;
  const fix = keras
    ? "Keras' PReLU learns one slope per element unless shared_axes shares them (shared_axes: (1, 2) for one per " +
      "channel of an image)"
    : "PyTorch's PReLU learns num_parameters slopes: 1, or the number of channels";
  ctx.report.error(
    "argument-value",
    `${ctx.written} in a ${ctx.framework} file has no argument ${wrong}: ${fix}`,
    ctx.args.span(wrong),
  );
  return true;
}

function torchSlopes(ctx: LayerContext): LayerOutcome | undefined {
  const n = ctx.args.number("num_parameters") ?? 1;
  const c = channels(ctx.input, ctx.framework);
  if (n !== 1 && n !== c) {
    ctx.report.error(
      "argument-value",
      `num_parameters ${n} is neither 1 nor the input's ${c} channels (PyTorch refuses the mismatch)` +
        `: use 1 (one slope) or ${c} (one per channel)`,
      ctx.args.span("num_parameters"),
    );
    // Recovery: the shape passes on, no weights are invented.
    return { output: ctx.input, params: noParams, macs: 0 };
  }
  return {
    output: ctx.input,
    params: { trainable: n, nonTrainable: 0 },
    macs: 0,
    formula: `same shape: ${ctx.input.join("×")}`,
    paramFormula: n === 1 ? "1 slope" : `${c} slopes, one per channel`,
  };
}

function kerasSlopes(ctx: LayerContext): LayerOutcome | undefined {
  const shared = sharedAxes(ctx.args.value("shared_axes"));
  if (shared === undefined) return undefined;
  const rank = ctx.input.length;
  const outside = shared.find((a) => a < 1 || a > rank);
  if (outside !== undefined) {
    ctx.report.error(
      "argument-value",
      `shared_axes ${outside} is not an axis of the sample ${ctx.input.join("×")}` +
        `: Keras numbers its axes 1 to ${rank} (the batch axis is 0 and cannot be shared)`,
      ctx.args.span("shared_axes"),
    );
    return { output: ctx.input, params: noParams, macs: 0 };
  }
  const slopeShape = kerasSlopeShape(ctx.input, shared);
  const n = slopeShape.reduce((p, d) => p * d, 1);
  return {
    output: ctx.input,
    params: { trainable: n, nonTrainable: 0 },
    macs: 0,
    formula: `same shape: ${ctx.input.join("×")}`,
    paramFormula:
      `${slopeShape.join("·")} = ${n} slopes` +
      (shared.length ? ` (shared along axes ${shared.join(", ")})` : ", one per element"),
  };
}

export const prelu: LayerKind<"prelu"> = {
  kind: "prelu",
  aliases: [],
  doc:
    "Parametric ReLU: x for x > 0, a·x otherwise, with learned slopes a. PyTorch: num_parameters slopes (1 or C); " +
    "Keras: one per element of the sample unless shared_axes shares them.",
  args: [
    {
      name: "num_parameters",
      type: "count",
      default: (fw) => (fw === "pytorch" ? 1 : undefined),
      doc: "pytorch: number of slopes, 1 or the number of channels",
    },
    {
      name: "shared_axes",
      type: "axes",
      optional: true,
      doc: "keras: 1-based axes of the sample along which one slope is shared, e.g. (1, 2) for one per channel",
    },
  ],
  apply(ctx) {
    if (misplaced(ctx)) return { output: ctx.input, params: noParams, macs: 0 };
    return ctx.framework === "pytorch" ? torchSlopes(ctx) : kerasSlopes(ctx);
  },
};
