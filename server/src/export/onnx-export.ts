// Export to an .onnx file: the analysed model with its weights (random by default), final output only.
import type { Analysis } from "../analysis/types.js";
import { runnableModel } from "../simulation/runnable-model.js";
import { loadWeightsFile, randomWeights } from "../simulation/weights.js";
import { buildOnnx } from "../layers/onnx-model.js";

export interface OnnxExportOptions {
  /** A .safetensors file with `<layer>.weight` … tensors; PyTorch's random initialisation otherwise. */
  weights?: string;
  seed?: number;
  batch?: number;
}

/** The ONNX bytes of model `name` (default: the first), with only the model's output exposed. */
export async function exportOnnx(
  analysis: Analysis,
  name: string | undefined,
  options: OnnxExportOptions = {},
): Promise<{ model: string; bytes: Uint8Array }> {
  const model = runnableModel(analysis, name, "exported");
  const weights = options.weights
    ? (await loadWeightsFile(model, options.weights)).weights
    : randomWeights(model, options.seed ?? 0);
  return {
    model: model.name,
    bytes: buildOnnx(model, weights, { outputs: "final", ...(options.batch ? { batch: options.batch } : {}) }),
  };
}
