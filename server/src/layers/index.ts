// The registry of layer units: every LayerKindName with all of its faces, checked complete by the compiler.
import type { LayerKindName } from "../analysis/layers/names.js";
import type { ModelInfo } from "../analysis/types.js";
import type { KindFacts } from "../codegen/layer-code.js";
import type { ParamSpec } from "../onnx/tensors.js";
import { activationUnits } from "./activations.js";
import { adaptivePoolUnits } from "./adaptive-pool.js";
import { batchnormUnit } from "./batchnorm.js";
import { convUnit } from "./conv.js";
import { convTransposeUnit } from "./conv-transpose.js";
import { denseUnit } from "./dense.js";
import { flattenUnit } from "./flatten.js";
import { groupnormUnit } from "./groupnorm.js";
import { instancenormUnit } from "./instancenorm.js";
import { layernormUnit } from "./layernorm.js";
import { lrnUnit } from "./lrn.js";
import { permuteUnit } from "./permute.js";
import { poolUnits } from "./pool.js";
import { preluUnit } from "./prelu.js";
import { scaleUnit } from "./scale.js";
import { shuffleUnit } from "./shuffle.js";
import { resizeUnit } from "./resize.js";
import { upsampleUnit } from "./upsample.js";
import { zeropadUnit } from "./zeropad.js";
import type { LayerUnit, TensorEntry, ShapedLayer } from "./unit.js";

export type { BackendFace, ClassCode, LayerUnit, TensorEntry, TensorExtra } from "./unit.js";

/** Each kind's unit by name: a kind without a unit, or a unit under another name, does not compile. */
export const layerUnits = {
  conv: convUnit,
  convtranspose: convTransposeUnit,
  ...poolUnits,
  ...adaptivePoolUnits,
  batchnorm: batchnormUnit,
  layernorm: layernormUnit,
  ...activationUnits,
  flatten: flattenUnit,
  permute: permuteUnit,
  dense: denseUnit,
  lrn: lrnUnit,
  upsample: upsampleUnit,
  resize: resizeUnit,
  zeropad: zeropadUnit,
  prelu: preluUnit,
  groupnorm: groupnormUnit,
  instancenorm: instancenormUnit,
  scale: scaleUnit,
  shuffle: shuffleUnit,
} satisfies { [K in LayerKindName]: LayerUnit<K> };

/** The unit of a kind. */
export function unitOf(kind: LayerKindName): LayerUnit {
  return layerUnits[kind] as LayerUnit;
}

function kindsWhere(test: (unit: LayerUnit) => boolean): ReadonlySet<string> {
  return new Set((Object.values(layerUnits) as LayerUnit[]).filter(test).map((u) => u.analysis.kind));
}

/** Kinds whose output keeps the input's shape (the exports' `shortcut auto` stride passes through them). */
export const SAME_SHAPE: ReadonlySet<string> = kindsWhere((u) => u.sameShape);

/** Kinds whose output is never negative (zero padding before a max pool equals -inf padding after them). */
export const NON_NEGATIVE: ReadonlySet<string> = kindsWhere((u) => u.nonNegative);

/** What the units' PyTorch and Keras faces may ask about other kinds. */
export const KIND_FACTS: KindFacts = { nonNegative: NON_NEGATIVE };

/** The tensors one layer owns (none when its input shape is unknown). */
export function tensorsOf(layer: ModelInfo["layers"][number], fw: ModelInfo["framework"]): TensorEntry[] {
  if (!layer.inputShape) return [];
  return unitOf(layer.kind).tensors?.(layer as ShapedLayer, fw) ?? [];
}

/**
 * Every tensor the model's layers read, in layer order. Weights always use PyTorch's layout, also in
 * Keras files: conv [C_out, C_in/groups, …K], transposed conv [C_in, C_out/groups, …K], dense [out, in].
 */
export function parameterSpecs(model: ModelInfo): ParamSpec[] {
  const specs: ParamSpec[] = [];
  model.layers.forEach((layer, index) => {
    for (const [role, shape, fanIn, fanOut, extra] of tensorsOf(layer, model.framework)) {
      const name = extra?.ownName ? layer.name : `${layer.name}.${role}`;
      specs.push({ name, layer: index, kind: layer.kind, role, shape, fanIn, fanOut, initial: extra?.initial });
    }
  });
  return specs;
}
