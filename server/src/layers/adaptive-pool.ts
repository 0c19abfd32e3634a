// The adaptive and global pools: ONNX lowering and properties (their PyTorch and Keras code: export/*-layers.ts).
import { adaptiveavgpool, adaptivemaxpool, globalavgpool, globalmaxpool } from "../analysis/layers/adaptive-pool.js";
import { adaptivePool, globalPool } from "../onnx/pool.js";
import type { LayerUnit } from "./unit.js";

type AdaptiveKind = "adaptiveavgpool" | "adaptivemaxpool" | "globalavgpool" | "globalmaxpool";
const pooled = { sameShape: false, nonNegative: false } as const;

/** The adaptive and global pools' faces, by name. */
export const adaptivePoolUnits = {
  adaptiveavgpool: { analysis: adaptiveavgpool, ...pooled, onnx: (e) => adaptivePool(e, false) },
  adaptivemaxpool: { analysis: adaptivemaxpool, ...pooled, onnx: (e) => adaptivePool(e, true) },
  globalavgpool: { analysis: globalavgpool, ...pooled, onnx: (e) => globalPool(e, false) },
  globalmaxpool: { analysis: globalmaxpool, ...pooled, onnx: (e) => globalPool(e, true) },
} satisfies { [K in AdaptiveKind]: LayerUnit<K> };
