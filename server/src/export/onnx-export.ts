// Export to an .onnx file: the analysed model with its weights (random by default), final output only.
import type { Analysis, ModelInfo } from "../analysis/types.js";
import { loadWeightsFile, randomWeights } from "../simulation/weights.js";
import { buildOnnx } from "./onnx-builder.js";

export interface OnnxExportOptions {
  /** A .safetensors file with `<layer>.weight` … tensors; PyTorch's random initialisation otherwise. */
  weights?: string;
  seed?: number;
  batch?: number;
}

/** The ONNX bytes of model `name` (default: the first), with only the model's output exposed. */
export async function exportOnnx(analysis: Analysis, name: string | undefined, options: OnnxExportOptions = {}): Promise<{ model: string; bytes: Uint8Array }> {
  const model = pick(analysis, name);
  const weights = options.weights ? (await loadWeightsFile(model, options.weights)).weights : randomWeights(model, options.seed ?? 0);
  return { model: model.name, bytes: buildOnnx(model, weights, { outputs: "final", ...(options.batch ? { batch: options.batch } : {}) }) };
}

function pick(analysis: Analysis, name: string | undefined): ModelInfo {
  const model = name === undefined ? analysis.models[0] : analysis.models.find((m) => m.name === name);
  if (!model) throw new Error(name === undefined ? "the file defines no model" : `no model named ${name} (the file defines: ${analysis.models.map((m) => m.name).join(", ") || "none"})`);
  const errors = analysis.diagnostics.filter((d) => d.severity === "error" && d.span.start >= model.span.start && d.span.end <= model.span.end);
  if (errors.length > 0) throw new Error(`model ${model.name} has errors, so it cannot be exported: ${errors[0]!.message}`);
  return model;
}
