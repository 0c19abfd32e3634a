// maxpool and avgpool: ONNX lowering and properties (their PyTorch and Keras code: export/*-layers.ts).
import { avgpool, maxpool } from "../analysis/layers/pool.js";
import { pool } from "../onnx/pool.js";
import type { LayerUnit } from "./unit.js";

// A max pool of a non-negative input is non-negative too, but nothing reads that yet: false is the safe side.
const pooled = { sameShape: false, nonNegative: false } as const;

/** The windowed pools' faces, by name. */
export const poolUnits = {
  maxpool: { analysis: maxpool, ...pooled, onnx: (e) => pool(e, true) },
  avgpool: { analysis: avgpool, ...pooled, onnx: (e) => pool(e, false) },
} satisfies { [K in "maxpool" | "avgpool"]: LayerUnit<K> };
