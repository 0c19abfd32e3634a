// One layer as a PyTorch module (`nn.Conv2d(…)`): dispatches to the kind's unit (server/src/layers/).
import type { Framework } from "../analysis/types.js";
import { isLayerKindName } from "../analysis/layers/names.js";
import { kw, type TorchLayer } from "../codegen/layer-code.js";
import { Refusal } from "../codegen/refusal.js";
import { KIND_FACTS, unitOf } from "../layers/index.js";
import type { LayerOp } from "./ir.js";
import type { LayerFact } from "./lower-context.js";

export type { TorchLayer } from "../codegen/layer-code.js";

/** The code written for a layer, to compare uses (the wrapping shown as applied to `x`). */
export const torchFact: LayerFact = (op, source) => {
  const t = torchLayer(op, source);
  return JSON.stringify([t.ctor, t.pre?.("x"), t.post?.("y"), t.apply?.("m", "x"), t.note, t.reads]);
};

/** The module for a layer op of a `source` file; throws Refusal for what PyTorch cannot do exactly. */
export function torchLayer(op: LayerOp, source: Framework): TorchLayer {
  if (!isLayerKindName(op.kind))
    throw new Refusal(`${op.attr}: PyTorch export does not know the layer kind '${op.kind}'`);
  const face = unitOf(op.kind).pytorch;
  if (typeof face === "function") return face(op, source, KIND_FACTS);
  if ("refuses" in face) throw new Refusal(`${op.attr}: ${face.refuses}`);
  const args = [...(face.args ?? []), ...(face.kwargs ?? []).flatMap(([k, arg, omit]) => kw(k, op.args[arg], omit))];
  return { ctor: `${face.cls}(${args.join(", ")})` };
}
