// The registry of layer kinds: one module per kind, looked up by name or alias, case-insensitively.
import { adaptiveavgpool, adaptivemaxpool, globalavgpool, globalmaxpool } from "./adaptive-pool.js";
import { conv } from "./conv.js";
import { convtranspose } from "./conv-transpose.js";
import type { LayerKind } from "./kind.js";
import { avgpool, maxpool } from "./pool.js";
import { batchnorm, dense, flatten, upsample, zeropad } from "./shape-layers.js";
import { dropout, elu, gelu, identity, leakyrelu, lrn, relu, relu6, sigmoid, softmax, tanh } from "./simple.js";

export type { LayerKind, LayerContext, LayerOutcome } from "./kind.js";

/** Every layer kind, in the order the documentation lists them. */
export const layerKinds: readonly LayerKind[] = [
  conv, convtranspose, maxpool, avgpool, adaptiveavgpool, adaptivemaxpool, globalavgpool, globalmaxpool,
  batchnorm, relu, relu6, leakyrelu, elu, gelu, sigmoid, tanh, softmax, identity, dropout, flatten, dense, lrn,
  upsample, zeropad,
];

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
