// cnnlens/importOnnx: an .onnx file as .cnn text for a read-only virtual document; the file's weights stay here, by
// that document's URI, so that simulating the document runs the file's own weights rather than random ones.
import type { CancellationToken } from "vscode-languageserver";
import { analyze } from "../analysis/index.js";
import type { WeightMap } from "../onnx/tensors.js";
import type { SimulationReport } from "../simulation/simulate.js";
import {
  importedDocumentUri,
  onnxOfImported,
  type ImportedOnnx,
  type ImportOnnxParams,
  type ImportOnnxResult,
} from "../protocol.js";
import { CANCELLED, runImportInWorker } from "./import-runner.js";
import { pathOfFileUri } from "./onnx-files.js";

/** What the server keeps of one imported model: enough to simulate it and to save it. */
export interface KeptImport {
  /** The .onnx file's path, for messages and for the report's weight source. */
  onnxPath: string;
  text: string;
  weights: WeightMap;
}

/**
 * The imported models, by virtual document URI. An entry lives while its document is open (the server forgets it
 * on didClose): a closed document's weights would otherwise stay in memory for as long as the server runs.
 */
export class ImportedModels {
  private readonly byDocument = new Map<string, KeptImport>();

  get(document: string): KeptImport | undefined {
    return this.byDocument.get(document);
  }

  keep(document: string, model: KeptImport): void {
    this.byDocument.set(document, model);
  }

  forget(document: string): void {
    this.byDocument.delete(document);
  }

  /**
   * The model of a virtual document: the kept one, or (after a server restart, when the editor reopens its documents
   * without importing again, or after the document closed) the file imported anew from the document's URI, kept only
   * when `keep` says the document is open. Undefined for a URI that names no .onnx file.
   */
  async modelOf(
    document: string,
    options: { maxBytes: number; keep: boolean },
  ): Promise<KeptImport | { refusal: string } | undefined> {
    const kept = this.byDocument.get(document);
    if (kept) return kept;
    const source = onnxOfImported(document);
    if (!source) return undefined;
    const answer = await importFile({ ...source, document }, options.maxBytes);
    // Without a token the import is never cancelled.
    if (answer === CANCELLED) return undefined;
    const { result, model } = answer;
    if (model && options.keep) this.keep(document, model);
    return model ?? (result as { refusal: string });
  }
}

/** The report of a simulation on `kept`'s weights, naming the .onnx file as their source (not "given tensors"). */
export function withOwnWeights(report: SimulationReport, kept: KeptImport): SimulationReport {
  return { ...report, weights: { ...report.weights, source: `${kept.onnxPath} (the ONNX file's own weights)` } };
}

/**
 * `cnnlens/importOnnx`: reads the file, imports it, keeps its weights (unless `preview`); never throws. CANCELLED
 * when `token` is cancelled first (the caller answers RequestCancelled), and nothing is kept then.
 */
export async function importOnnxFile(
  models: ImportedModels,
  p: ImportOnnxParams,
  maxBytes: number,
  token?: CancellationToken,
): Promise<ImportOnnxResult | typeof CANCELLED> {
  const answer = await importFile(p, maxBytes, token);
  if (answer === CANCELLED) return CANCELLED;
  const { result, model } = answer;
  if (model && !p.preview) models.keep((result as ImportedOnnx).document, model);
  return result;
}

/** The protocol's answer for `p`, and on success the model to keep; never throws. */
async function importFile(
  p: ImportOnnxParams,
  maxBytes: number,
  token?: CancellationToken,
): Promise<{ result: ImportOnnxResult; model?: KeptImport } | typeof CANCELLED> {
  // Params come from the client as JSON: a missing object is refused like a missing URI, never thrown on.
  const file = pathOfFileUri(p?.uri, ".onnx file");
  if ("error" in file) return { result: { refusal: file.error } };
  const shapeError = checkShape(p?.inputShape);
  if (shapeError) return { result: { refusal: `${file.path}: ${shapeError}` } };
  // In a worker thread: the server answers other requests meanwhile, and a cancel ends the import at once.
  const imported = await runImportInWorker(
    { path: file.path, maxBytes, ...(p.inputShape ? { inputShape: p.inputShape } : {}) },
    token,
  );
  if (imported === CANCELLED) return CANCELLED;
  // InputFileError's message is already the sentence (`cannot read PATH: is not a regular file …`).
  if ("unreadable" in imported) return { result: { refusal: imported.unreadable } };
  if ("refusal" in imported) {
    const refusal = `${file.path}: ${imported.refusal}`;
    return { result: imported.needsInputShape ? { refusal, needsInputShape: true } : { refusal } };
  }
  // The importer verified that the text analyses without errors; this analysis only reads its totals.
  const info = analyze(imported.text).models.find((m) => m.name === imported.model);
  const result: ImportedOnnx = {
    text: imported.text,
    model: imported.model,
    document: typeof p.document === "string" ? p.document : importedDocumentUri(p.uri, p.inputShape),
    input: info?.input ?? null,
    outputs: (info?.outputs ?? []).map((o) => ({ name: o.name, shape: o.shape ?? null })),
    params: info?.params.total ?? 0,
    tensors: imported.weights.size,
  };
  return { result, model: { onnxPath: file.path, text: imported.text, weights: imported.weights } };
}

/** Why an input shape given over the protocol is unusable, or undefined when it is fine (or not given). */
function checkShape(shape: unknown): string | undefined {
  if (shape === undefined) return undefined;
  const ok =
    Array.isArray(shape) &&
    shape.length >= 1 &&
    shape.length <= 3 &&
    shape.every((d) => Number.isSafeInteger(d) && (d as number) > 0);
  return ok
    ? undefined
    : `the input shape must be one to three whole sizes without the batch, such as [3, 224, 224], not ` +
        `${JSON.stringify(shape)?.slice(0, 100)}`;
}
