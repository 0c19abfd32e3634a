// batchnorm, dense, flatten, lrn, upsample, zeropad: weights, ONNX lowering, properties (code: export/*-layers.ts).
import { batchnorm, dense, flatten, upsample, zeropad } from "../analysis/layers/shape-layers.js";
import { lrn } from "../analysis/layers/simple.js";
import { batchnorm as batchnormEmitter, dense as denseEmitter, flatten as flattenEmitter } from "../onnx/emit.js";
import { lrn as lrnEmitter, upsample as upsampleEmitter, zeropad as zeropadEmitter } from "../onnx/resize.js";
import type { LayerUnit, TensorEntry } from "./unit.js";

const reshaping = { sameShape: false, nonNegative: false } as const;

/** The reshaping and normalising kinds' faces, by name. */
export const shapeUnits = {
  batchnorm: {
    analysis: batchnorm, sameShape: true, nonNegative: false, onnx: batchnormEmitter,
    // γ and β (when affine), then the running statistics, which PyTorch keeps as buffers.
    tensors: (layer, fw) => {
      const input = layer.inputShape;
      const c = input.length === 1 || fw === "keras" ? input[input.length - 1]! : input[0]!;
      const out: TensorEntry[] = layer.args.affine === false ? [] : [["weight", [c], c, c], ["bias", [c], c, c]];
      out.push(["running_mean", [c], c, c], ["running_var", [c], c, c]);
      return out;
    },
  },
  flatten: { analysis: flatten, ...reshaping, onnx: flattenEmitter },
  dense: {
    analysis: dense, ...reshaping, onnx: denseEmitter,
    // [out, in] as nn.Linear stores it, on the last axis.
    tensors: (layer) => {
      const input = layer.inputShape;
      const inF = input[input.length - 1]!;
      const outF = Number(layer.args.out_features);
      const out: TensorEntry[] = [["weight", [outF, inF], inF, outF]];
      if (layer.args.bias !== false) out.push(["bias", [outF], inF, outF]);
      return out;
    },
  },
  lrn: {
    analysis: lrn, sameShape: true, nonNegative: false, onnx: lrnEmitter,
    refuses: { keras: "Keras has no local response normalisation layer" },
  },
  upsample: { analysis: upsample, ...reshaping, onnx: upsampleEmitter },
  zeropad: { analysis: zeropad, ...reshaping, onnx: zeropadEmitter },
} satisfies { [K in "batchnorm" | "flatten" | "dense" | "lrn" | "upsample" | "zeropad"]: LayerUnit<K> };
