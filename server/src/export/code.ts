// Framework code by target name: the one place the CLI and the editor choose between the two writers.
import type { Analysis } from "../analysis/types.js";
import type { ExportOptions, ExportResult } from "./exportable.js";
import { exportKeras } from "./keras.js";
import { exportPyTorch } from "./pytorch.js";

export type CodeTarget = "pytorch" | "keras";

/** PyTorch or Keras code for an analysed file (pure; see exportPyTorch and exportKeras). */
export function exportCode(
  target: CodeTarget,
  analysis: Analysis,
  text: string,
  options: ExportOptions = {},
): ExportResult {
  return (target === "pytorch" ? exportPyTorch : exportKeras)(analysis, text, options);
}
