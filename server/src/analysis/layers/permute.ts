// permute: reorders a tensor's axes (torch.permute / torchvision's Permute, keras Permute).
import type { LayerKind } from "./kind.js";
import { noParams } from "./kind.js";

/**
 * The sample's axes (0-based, no batch) in the order permute puts them, or undefined (reported). PyTorch's dims
 * count the batch axis as 0 and must keep it first; Keras' dims are 1-based over the sample's axes.
 */
function sampleAxes(dims: number[], rank: number, pytorch: boolean): number[] | string {
  const want = pytorch ? rank + 1 : rank;
  const example = pytorch ? "permute(0, 2, 3, 1)" : "permute(3, 1, 2)";
  const counted = pytorch ? "with the batch axis as 0" : "1-based, without the batch axis, as Keras' Permute";
  if (dims.length !== want) return `needs ${want} dims (${counted}), not ${dims.length}: e.g. ${example}`;
  if (pytorch && dims[0] !== 0) return `must keep the batch axis first (dims[0] = 0), as in ${example}`;
  const axes = pytorch ? dims.slice(1).map((d) => d - 1) : dims.map((d) => d - 1);
  const sorted = [...axes].sort((a, b) => a - b);
  if (!sorted.every((a, i) => a === i)) {
    return `must name each axis ${pytorch ? 0 : 1} to ${want - (pytorch ? 1 : 0)} once (${counted}): e.g. ${example}`;
  }
  return axes;
}

export const permute: LayerKind<"permute"> = {
  kind: "permute",
  aliases: [],
  doc:
    "Reorders the axes: pytorch dims count the batch axis as 0 (torch.permute, torchvision's Permute([0, 2, 3, 1]))," +
    " keras dims are 1-based over the sample's axes (keras Permute((2, 3, 1))).",
  // Written as torch.permute's arguments (`permute(0, 2, 3, 1)`) or as one tuple (`permute((0, 2, 3, 1))`).
  args: [
    { name: "dims", aliases: ["dimensions"], type: "axes0", doc: "the new order of the axes, or its first axis" },
    ...[2, 3, 4, 5].map((i) => ({ name: `dim${i}`, type: "int" as const, optional: true, doc: `axis ${i} of dims` })),
  ],
  acceptsPermuted: () => true,
  apply(ctx) {
    const v = ctx.args.value("dims");
    const listed = [v, ...[2, 3, 4, 5].map((i) => ctx.args.value(`dim${i}`))].filter((d) => d !== undefined);
    const items = v?.type === "tuple" ? v.items : listed;
    const dims = items.map((i) => (i?.type === "number" ? i.value : NaN));
    const pytorch = ctx.framework === "pytorch";
    const axes = sampleAxes(dims, ctx.input.length, pytorch);
    if (typeof axes === "string") {
      const message = `${ctx.written}(${dims.join(", ")}) on ${ctx.input.join("×")} ${axes}`;
      ctx.report.error("argument-value", message, ctx.args.span("dims"));
      return undefined;
    }
    const output = axes.map((a) => ctx.input[a]!);
    return {
      output,
      params: noParams,
      macs: 0,
      formula: `${ctx.input.join("×")} → ${output.join("×")}`,
      axes,
    };
  },
};
