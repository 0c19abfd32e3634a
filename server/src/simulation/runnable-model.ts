// Chooses the model a simulation or an ONNX export runs, refusing one whose graph an error left incomplete.
import type { Analysis, ModelInfo } from "../analysis/types.js";
import { modelErrors } from "../analysis/model-errors.js";

/** Model `name` (default: the first); `purpose` finishes "cannot be …" in the refusal. */
export function runnableModel(
  analysis: Analysis,
  name: string | undefined,
  purpose: "simulated" | "exported",
): ModelInfo {
  const model = name === undefined ? analysis.models[0] : analysis.models.find((m) => m.name === name);
  if (!model) {
    const names = analysis.models.map((m) => m.name).join(", ") || "none";
    throw new Error(
      name === undefined
        ? `the file defines no model to be ${purpose}`
        : `no model named ${name} (the file defines: ${names})`,
    );
  }
  // A model's graph is complete only without errors; an error in an unused block does not matter.
  const inside = modelErrors(analysis, model);
  const errors = analysis.diagnostics.filter((d) => d.severity === "error");
  if (!model.input || model.outputNode === undefined || inside.length > 0 || model.layers.some((l) => !l.outputShape)) {
    const first = inside[0] ?? errors[0];
    throw new Error(`model ${model.name} has errors, so it cannot be ${purpose}${first ? `: ${first.message}` : ""}`);
  }
  return model;
}
