// One layer as Keras layers (`layers.Conv2D(…)`): dispatches to the kind's unit (server/src/layers/).
import type { Framework } from "../analysis/types.js";
import { isLayerKindName } from "../analysis/layers/names.js";
import { kw, one, type KerasStep } from "../codegen/layer-code.js";
import { Refusal } from "../codegen/refusal.js";
import { KIND_FACTS, unitOf } from "../layers/index.js";
import type { LayerOp } from "./ir.js";
import type { LayerFact } from "./lower-context.js";

export type { KerasStep } from "../codegen/layer-code.js";

/** The code written for a layer, to compare uses. */
export const kerasFact: LayerFact = (op, source) => JSON.stringify(kerasLayer(op, source));

/** The Keras layers for a layer op of a `source` file; throws Refusal for what Keras cannot do exactly. */
export function kerasLayer(op: LayerOp, source: Framework): KerasStep[] {
  if (!isLayerKindName(op.kind))
    throw new Refusal(`${op.attr}: Keras export does not know the layer kind '${op.kind}'`);
  const face = unitOf(op.kind).keras;
  if (typeof face === "function") return face(op, source, KIND_FACTS);
  if ("refuses" in face) throw new Refusal(`${op.attr}: ${face.refuses}`);
  const args = [...(face.args ?? []), ...(face.kwargs ?? []).flatMap(([k, arg, omit]) => kw(k, op.args[arg], omit))];
  return one(face.cls, args);
}
