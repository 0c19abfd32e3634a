// The registry of layer kinds: one module per kind, looked up by name or alias, case-insensitively.
import { adaptiveavgpool, adaptivemaxpool, globalavgpool, globalmaxpool } from "./adaptive-pool.js";
import { conv } from "./conv.js";
import { groupnorm } from "./groupnorm.js";
import { instancenorm } from "./instancenorm.js";
import { prelu } from "./prelu.js";
import { scale } from "./scale.js";
import { shuffle } from "./shuffle.js";
import { convtranspose } from "./conv-transpose.js";
import type { LayerKind } from "./kind.js";
import { layernorm } from "./layernorm.js";
import { permute } from "./permute.js";
import { avgpool, maxpool } from "./pool.js";
import { resize } from "./resize.js";
import { batchnorm, dense, flatten, upsample, zeropad } from "./shape-layers.js";
import { LAYER_KIND_NAMES, type LayerKindName } from "./names.js";
import { lrn, simpleKinds } from "./simple.js";

export type { LayerKind, LayerContext, LayerOutcome } from "./kind.js";
export { LAYER_KIND_NAMES, isLayerKindName, type LayerKindName } from "./names.js";

type SimpleKind = (typeof simpleKinds)[number];
type SimpleByName = { [K in SimpleKind["kind"]]: Extract<SimpleKind, LayerKind<K>> };
const simple = Object.fromEntries(simpleKinds.map((k) => [k.kind, k])) as SimpleByName;

/** Each kind's analysis face by name: the compiler refuses a name without a face, or a face under another name. */
export const layerKindsByName = {
  conv,
  convtranspose,
  maxpool,
  avgpool,
  adaptiveavgpool,
  adaptivemaxpool,
  globalavgpool,
  globalmaxpool,
  batchnorm,
  layernorm,
  ...simple,
  flatten,
  permute,
  dense,
  lrn,
  upsample,
  resize,
  zeropad,
  prelu,
  groupnorm,
  instancenorm,
  scale,
  shuffle,
} satisfies { [K in LayerKindName]: LayerKind<K> };

/** Every layer kind, in the order the documentation lists them. */
export const layerKinds: readonly LayerKind[] = LAYER_KIND_NAMES.map((name) => layerKindsByName[name]);

const byName = new Map<string, LayerKind>();
for (const k of layerKinds) {
  for (const n of [k.kind, ...k.aliases]) byName.set(n, k);
}

/** The kind for a name as written (`Conv2d`, `conv`, `MaxPooling2D`), or undefined. */
export function findLayerKind(name: string): LayerKind | undefined {
  return byName.get(name.toLowerCase());
}

/** Every accepted spelling, for "did you mean" and completion. */
export function layerNames(): string[] {
  return [...byName.keys()];
}
