// The pools (windowed, adaptive and global): ONNX lowering and properties (PyTorch/Keras code: export/*-layers.ts).
import { adaptiveavgpool, adaptivemaxpool, globalavgpool, globalmaxpool } from "../analysis/layers/adaptive-pool.js";
import { avgpool, maxpool } from "../analysis/layers/pool.js";
import { adaptivePool, globalPool, pool } from "../onnx/pool.js";
import type { LayerUnit } from "./unit.js";

type PoolKind = "maxpool" | "avgpool" | "adaptiveavgpool" | "adaptivemaxpool" | "globalavgpool" | "globalmaxpool";

// A max pool of a non-negative input is non-negative too, but nothing reads that yet: false is the safe side.
const pooled = { sameShape: false, nonNegative: false } as const;

/** The pools' faces, by name. */
export const poolUnits = {
  maxpool: { analysis: maxpool, ...pooled, onnx: (e) => pool(e, true) },
  avgpool: { analysis: avgpool, ...pooled, onnx: (e) => pool(e, false) },
  adaptiveavgpool: { analysis: adaptiveavgpool, ...pooled, onnx: (e) => adaptivePool(e, false) },
  adaptivemaxpool: { analysis: adaptivemaxpool, ...pooled, onnx: (e) => adaptivePool(e, true) },
  globalavgpool: { analysis: globalavgpool, ...pooled, onnx: (e) => globalPool(e, false) },
  globalmaxpool: { analysis: globalmaxpool, ...pooled, onnx: (e) => globalPool(e, true) },
} satisfies { [K in PoolKind]: LayerUnit<K> };
