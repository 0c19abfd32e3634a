// permute: ONNX Transpose in the file's order, a small Permute module (as torchvision.ops.Permute), keras Permute.
import { permute } from "../analysis/layers/permute.js";
import { one } from "../codegen/layer-code.js";
import type { LayerOp } from "../codegen/layer-op.js";
import { Refusal } from "../codegen/refusal.js";
import { fileValue, type LayerEmit } from "../onnx/emit.js";
import type { Value } from "../onnx/graph.js";
import type { LayerUnit } from "./unit.js";

/** Output axis i is input axis axes[i] (the sample's, 0-based), from the analysed dims (a tuple, or one each). */
function sampleAxes(args: Record<string, unknown>, framework: "pytorch" | "keras"): number[] {
  const given = args["dims"];
  const listed = Array.isArray(given)
    ? given.map(Number)
    : [given, args["dim2"], args["dim3"], args["dim4"], args["dim5"]]
        .filter((d) => d !== undefined && d !== null)
        .map(Number);
  return framework === "pytorch" ? listed.slice(1).map((d) => d - 1) : listed.map((d) => d - 1);
}

/** The axes in the file's order, batch first: the file's layout is where permute's dims are defined. */
function emitPermute(e: LayerEmit): Value {
  const axes = sampleAxes(e.layer.args, e.framework);
  return fileValue(e, e.g.transpose(e.file(), [0, ...axes.map((a) => a + 1)]), e.input.rank);
}

/** The dims as the file's framework writes them (PyTorch's with the batch axis 0), as analysed for this use. */
function dimsOf(op: LayerOp, framework: "pytorch" | "keras"): number[] {
  if (!op.info) throw new Refusal(`${op.attr}: permute needs its analysed dims`);
  const axes = sampleAxes(op.info.args, framework);
  return framework === "pytorch" ? [0, ...axes.map((a) => a + 1)] : axes.map((a) => a + 1);
}

/**
 * The dims for the other framework's code: it holds an unpermuted tensor in its own layout (channels moved to
 * the other end) and a permuted one exactly as the file does, so that dense and layernorm(axis: -1) after it
 * act on the same axis. `moved[i]` is the file axis the target's axis i holds in its own layout.
 */
function crossDims(op: LayerOp, source: "pytorch" | "keras"): number[] {
  const info = op.info;
  if (!info?.inputShape) throw new Refusal(`${op.attr}: permute needs its analysed input`);
  const r = info.inputShape.length;
  const ids = [...Array(r).keys()];
  const moved = source === "pytorch" ? [...ids.slice(1), 0] : [r - 1, ...ids.slice(0, -1)];
  const axes = sampleAxes(info.args, source);
  const before = info.inputOrder ?? ids;
  const after = axes.map((a) => before[a]!);
  const holds = info.inputOrder ?? moved;
  const wanted = after.every((a, i) => a === i) ? moved : after;
  return wanted.map((w) => holds.indexOf(w));
}

/** permute's faces. */
export const permuteUnit = {
  analysis: permute,
  sameShape: false,
  nonNegative: false,
  onnx: emitPermute,
  pytorch: (op, source) => {
    const dims = source === "pytorch" ? dimsOf(op, source) : [0, ...crossDims(op, source).map((d) => d + 1)];
    return { ctor: `Permute([${dims.join(", ")}])`, helper: "Permute" };
  },
  keras: (op, source) => {
    const dims = source === "keras" ? dimsOf(op, source) : crossDims(op, source).map((d) => d + 1);
    return one("Permute", [`(${dims.join(", ")}${dims.length === 1 ? "," : ""})`]);
  },
} satisfies LayerUnit<"permute">;
