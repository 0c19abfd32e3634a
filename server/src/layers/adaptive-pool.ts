// The adaptive and global pools: ONNX lowering, properties, and their PyTorch and Keras code.
import { adaptiveavgpool, adaptivemaxpool, globalavgpool, globalmaxpool } from "../analysis/layers/adaptive-pool.js";
import { adaptivePool, globalPool } from "../onnx/pool.js";
import { spatial } from "../analysis/tensor.js";
import type { Framework } from "../analysis/types.js";
import { one, type KerasStep, type TorchLayer } from "../codegen/layer-code.js";
import type { LayerOp } from "../codegen/layer-op.js";
import { isValue, literalAxes } from "../codegen/layer-values.js";
import { py } from "../codegen/python.js";
import { Refusal } from "../codegen/refusal.js";
import type { LayerUnit } from "./unit.js";

type AdaptiveKind = "adaptiveavgpool" | "adaptivemaxpool" | "globalavgpool" | "globalmaxpool";
const pooled = { sameShape: false, nonNegative: false } as const;

/** Keras has no adaptive pooling: a global pool, or a plain pool when the input divides into the output. */
function kerasAdaptive(op: LayerOp, source: Framework, max: boolean): KerasStep[] {
  const d = Math.max(op.rank, 1);
  const kind = max ? "Max" : "Average";
  const out = literalAxes(op.args["output_size"], op.rank);
  if (out?.every((n) => n === 1)) return one(`Global${kind}Pooling${d}D`, ["keepdims=True"]);
  const sizes = op.inShape ? spatial(op.inShape, source) : undefined;
  if (!out || !sizes || sizes.some((w, i) => w % out[i]! !== 0))
    throw new Refusal(
      `${op.attr}: Keras has no adaptive pooling` +
        `; it is exact only when the input size (${sizes?.join("x") ?? "?"})` +
        ` is a multiple of the output size (${out?.join("x") ?? py(op.args["output_size"]!)})`,
    );
  const window = sizes.map((w, i) => w / out[i]!);
  return one(`${kind}Pooling${d}D`, [
    window.every((w) => w === window[0]) ? String(window[0]) : `(${window.join(", ")})`,
  ]);
}

/** PyTorch's adaptive pool to 1; Keras' global pools drop the spatial axes (unless keepdims): a Flatten follows. */
function torchGlobal(op: LayerOp, source: Framework, max: boolean): TorchLayer {
  const pool = `nn.Adaptive${max ? "Max" : "Avg"}Pool${Math.max(op.rank, 1)}d(1)`;
  const flat = source === "keras" && !isValue(op.args["keepdims"], true);
  return { ctor: flat ? `nn.Sequential(${pool}, nn.Flatten())` : pool };
}

/** PyTorch files keep the spatial axes as 1 (AdaptiveAvgPool2d(1)); so does keepdims. */
function kerasGlobal(op: LayerOp, source: Framework, max: boolean): KerasStep[] {
  const keep = source === "pytorch" || isValue(op.args["keepdims"], true);
  return one(`Global${max ? "Max" : "Average"}Pooling${Math.max(op.rank, 1)}D`, keep ? ["keepdims=True"] : []);
}

const adaptive = (op: LayerOp, kind: string): TorchLayer => ({
  ctor: `nn.Adaptive${kind}Pool${Math.max(op.rank, 1)}d(${py(op.args["output_size"]!)})`,
});

/** The adaptive and global pools' faces, by name. */
export const adaptivePoolUnits = {
  adaptiveavgpool: {
    analysis: adaptiveavgpool,
    ...pooled,
    onnx: (e) => adaptivePool(e, false),
    pytorch: (op) => adaptive(op, "Avg"),
    keras: (op, source) => kerasAdaptive(op, source, false),
  },
  adaptivemaxpool: {
    analysis: adaptivemaxpool,
    ...pooled,
    onnx: (e) => adaptivePool(e, true),
    pytorch: (op) => adaptive(op, "Max"),
    keras: (op, source) => kerasAdaptive(op, source, true),
  },
  globalavgpool: {
    analysis: globalavgpool,
    ...pooled,
    onnx: (e) => globalPool(e, false),
    pytorch: (op, source) => torchGlobal(op, source, false),
    keras: (op, source) => kerasGlobal(op, source, false),
  },
  globalmaxpool: {
    analysis: globalmaxpool,
    ...pooled,
    onnx: (e) => globalPool(e, true),
    pytorch: (op, source) => torchGlobal(op, source, true),
    keras: (op, source) => kerasGlobal(op, source, true),
  },
} satisfies { [K in AdaptiveKind]: LayerUnit<K> };
