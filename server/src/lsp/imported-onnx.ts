// cnnlens/importOnnx: an .onnx file as .cnn text for a read-only virtual document; the file's weights stay here, by
// that document's URI, so that simulating the document runs the file's own weights rather than random ones.
import { basename } from "node:path";
import { analyze } from "../analysis/index.js";
import type { WeightMap } from "../onnx/tensors.js";
import { importedDocumentUri, onnxOfImported, type ImportOnnxParams, type ImportOnnxResult } from "../protocol.js";
import { externalFilesBeside, pathOfFileUri, readOnnxFile } from "./onnx-files.js";

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
   * The weights of a virtual document: kept ones, or (after a server restart, when the editor reopens its documents
   * without importing again) the file imported anew from the document's URI. Undefined for any other document.
   */
  async weightsFor(document: string, maxBytes: number): Promise<KeptImport | { refusal: string } | undefined> {
    const kept = this.byDocument.get(document);
    if (kept) return kept;
    const source = onnxOfImported(document);
    if (!source) return undefined;
    const result = await importOnnxFile(this, { ...source, document }, maxBytes);
    return "refusal" in result ? result : this.byDocument.get(document);
  }
}

/** `cnnlens/importOnnx`: reads the file, imports it, keeps its weights (unless `preview`); never throws. */
export async function importOnnxFile(
  models: ImportedModels,
  p: ImportOnnxParams,
  maxBytes: number,
): Promise<ImportOnnxResult> {
  const file = pathOfFileUri(p.uri, ".onnx file");
  if ("error" in file) return { refusal: file.error };
  const shapeError = checkShape(p.inputShape);
  if (shapeError) return { refusal: `${file.path}: ${shapeError}` };
  try {
    const bytes = readOnnxFile(file.path, maxBytes);
    // Loaded on first use: protobufjs and the importer cost start-up time that editing .cnn files never needs.
    const { importOnnx } = await import("../import/import-onnx.js");
    const result = importOnnx(bytes, {
      fileName: basename(file.path),
      external: externalFilesBeside(file.path),
      ...(p.inputShape ? { inputShape: p.inputShape } : {}),
    });
    if ("refusal" in result) return { refusal: `${file.path}: ${result.refusal}` };
    const document = p.document ?? importedDocumentUri(p.uri, p.inputShape);
    if (!p.preview) models.keep(document, { onnxPath: file.path, text: result.text, weights: result.weights });
    // The importer verified that the text analyses without errors; this analysis only reads its totals.
    const model = analyze(result.text).models.find((m) => m.name === result.model);
    return {
      text: result.text,
      model: result.model,
      document,
      input: model?.input ?? null,
      outputs: (model?.outputs ?? []).map((o) => ({ name: o.name, shape: o.shape ?? null })),
      params: model?.params.total ?? 0,
      tensors: result.weights.size,
    };
  } catch (e) {
    // InputFileError's message is already the sentence (`cannot read PATH: is not a regular file …`).
    return { refusal: (e as Error).message };
  }
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
