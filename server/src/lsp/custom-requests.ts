// The extension's own requests (server/src/protocol.ts): summary, model totals, diagram, simulation and export; the
// ONNX import's two are in imported-onnx.ts and save-imported.ts.
import { LSPErrorCodes, ResponseError, type Connection, type TextDocuments } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { modelErrors } from "../analysis/index.js";
import {
  DiagramRequest,
  ExportRequest,
  ImportOnnxRequest,
  ModelAtRequest,
  SaveImportedRequest,
  SimulateRequest,
  SummaryRequest,
  type ExportParams,
  type ExportResult,
  type ModelAtParams,
  type ModelTotals,
  type SimulateParams,
  type SimulateResult,
  type SummaryParams,
  type SummaryResult,
  type SummaryViewResult,
} from "../protocol.js";
import { diagramOf } from "../report/diagram.js";
import { toJson, toTableJson } from "../report/json.js";
import { EDITOR_TABLE_ROWS, summaryTable } from "../report/table.js";
import { toOffset } from "./convert.js";
import type { AnalysisCache, Analysed } from "./documents.js";
import { runnableModel } from "../simulation/runnable-model.js";
import { modelAt } from "./locate.js";
import { fileNameOfUri } from "./uri-name.js";
import { CANCELLED } from "./import-runner.js";
import { importOnnxFile, withOwnWeights, type ImportedModels } from "./imported-onnx.js";
import { saveImported } from "./save-imported.js";

/** What the handlers need from the server: its documents, their analyses and the current settings. */
export interface CustomRequestContext {
  documents: TextDocuments<TextDocument>;
  cache: AnalysisCache;
  /** Runs a handler on an open document, answering `empty` for unknown documents and failures. */
  answer<T>(uri: string, empty: T, handler: (doc: Analysed) => T): T;
  memoryBudgetMiB(): number;
  /** The models imported from .onnx files, by virtual document; their weights are what those documents simulate. */
  imported: ImportedModels;
}

/** Registers the custom requests on `connection`. */
export function registerCustomRequests(connection: Connection, ctx: CustomRequestContext): void {
  connection.onRequest(SummaryRequest, (p) => ctx.answer(p.uri, null, (doc) => summary(doc, p)));
  connection.onRequest(ModelAtRequest, (p) => ctx.answer(p.uri, null, (doc) => modelTotals(doc, p)));
  connection.onRequest(DiagramRequest, (p) =>
    ctx.answer(p.uri, null, (doc) =>
      diagramOf(doc.analysis, {
        ...(p.offset !== undefined ? { offset: p.offset } : {}),
        ...(p.model !== undefined ? { model: p.model } : {}),
        version: doc.version,
        lineOf: (offset) => doc.index.position(offset).line,
      }),
    ),
  );
  connection.onRequest(SimulateRequest, (p, token) => simulateView(ctx, p, () => token.isCancellationRequested));
  connection.onRequest(ExportRequest, (p) => exportModel(ctx, p));
  // The .onnx file is read only up to the memory budget: its weights stay in this process.
  // It runs in a worker thread; a cancelled import is answered RequestCancelled, as LSP asks.
  connection.onRequest(ImportOnnxRequest, async (p, token) => {
    const result = await importOnnxFile(ctx.imported, p, ctx.memoryBudgetMiB() * 1024 ** 2, token);
    return result === CANCELLED
      ? new ResponseError(LSPErrorCodes.RequestCancelled, "the import was cancelled")
      : result;
  });
  connection.onRequest(SaveImportedRequest, async (p) => {
    // A document the server no longer holds (closed, or the server restarted) is imported again from its URI.
    if (typeof p?.uri !== "string") return { error: "cnnlens/saveImported needs the imported document's uri" };
    const open = ctx.documents.get(p.uri) !== undefined;
    const kept = await ctx.imported.modelOf(p.uri, { maxBytes: ctx.memoryBudgetMiB() * 1024 ** 2, keep: open });
    return kept && "refusal" in kept ? { error: kept.refusal } : saveImported(kept, p);
  });
}

/** `cnnlens/summary`: the tables (and the JSON document if asked), of one model or all; or what the view shows. */
function summary(doc: Analysed, p: SummaryParams): SummaryResult | SummaryViewResult {
  const models = doc.analysis.models.filter((m) => !p.model || m.name === p.model);
  // The document's own line index: building one for a 50,000-line text took longer than the rows.
  if (p.view) return { view: toTableJson({ ...doc.analysis, models }, doc.text, doc.index) };
  const tables = models.map((m) => ({ model: m.name, text: summaryTable(m, { maxRows: EDITOR_TABLE_ROWS }) }));
  return p.json ? { tables, json: toJson({ ...doc.analysis, models }, doc.text) } : { tables };
}

/** `cnnlens/modelAt`: the totals of the model at an offset or position (the start of the file when neither). */
function modelTotals(doc: Analysed, p: ModelAtParams): ModelTotals | null {
  const offset = p.offset ?? (p.position ? toOffset(doc.index, p.position) : 0);
  const m = modelAt(doc.analysis, offset);
  if (!m) return null;
  const errors = modelErrors(doc.analysis, m).length;
  const { total: params, trainable } = m.params;
  return { name: m.name, params, trainable, macs: m.macs, output: m.output ?? null, errors };
}

/** `cnnlens/simulate`: a forward pass on ONNX Runtime, as the report view's data. */
async function simulateView(
  ctx: CustomRequestContext,
  p: SimulateParams,
  cancelled: () => boolean,
): Promise<SimulateResult> {
  const doc = ctx.documents.get(p.uri);
  if (!doc) return { error: "the document is not open" };
  // A model with errors is refused in one sentence before anything loads; a failure below is said to be one.
  try {
    runnableModel(ctx.cache.get(doc).analysis, p.model, "simulated");
  } catch (e) {
    return { error: (e as Error).message, refused: true };
  }
  try {
    // Loaded on first use: onnxruntime's native library costs start-up time that editing never needs.
    const { simulate } = await import("../simulation/simulate.js");
    const { simulationView } = await import("../simulation/view-model.js");
    const { readLabels } = await import("../simulation/labels.js");
    if (cancelled()) return { error: "cancelled" };
    // A document imported from an .onnx file runs that file's weights unless the user gives others.
    const imported = p.weights
      ? undefined
      : await ctx.imported.modelOf(p.uri, { maxBytes: ctx.memoryBudgetMiB() * 1024 ** 2, keep: true });
    if (imported && "refusal" in imported) return { error: imported.refusal };
    const options = {
      keepTensors: true,
      repeats: 2,
      memoryLimit: ctx.memoryBudgetMiB() * 1024 ** 2,
      ...(p.seed !== undefined ? { seed: p.seed } : {}),
      ...(p.batch !== undefined ? { batch: p.batch } : {}),
      ...(p.input ? { input: p.input } : {}),
      ...(p.weights ? { weights: p.weights } : imported ? { weights: imported.weights } : {}),
    };
    // Read first: a labels file that cannot be read is said before the forward pass, not after it.
    const labels = p.labels ? readLabels(p.labels) : undefined;
    const report = await simulate(ctx.cache.get(doc).analysis, p.model, options);
    if (cancelled()) return { error: "cancelled" };
    return { view: simulationView(imported ? withOwnWeights(report, imported) : report, labels ? { labels } : {}) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** `cnnlens/export`: ONNX bytes as base64, or PyTorch/Keras code with its notes. */
async function exportModel(ctx: CustomRequestContext, p: ExportParams): Promise<ExportResult> {
  const doc = ctx.documents.get(p.uri);
  if (!doc) return { error: "the document is not open" };
  try {
    const analysed = ctx.cache.get(doc);
    if (p.format === "pytorch" || p.format === "keras") {
      const { exportCode } = await import("../export/code.js");
      const fileName = fileNameOfUri(p.uri);
      const options = { fileName, ...(p.model ? { model: p.model } : {}) };
      const result = exportCode(p.format, analysed.analysis, analysed.text, options);
      if (result.errors.length === 0) return { code: result.code, notes: result.notes };
      const [first, ...rest] = result.errors;
      const refused = analysed.analysis.diagnostics.some((d) => d.severity === "error");
      return { error: rest.length ? `${first}: ${rest.join("; ")}` : first!, ...(refused ? { refused } : {}) };
    }
    try {
      runnableModel(analysed.analysis, p.model, "exported");
    } catch (e) {
      return { error: (e as Error).message, refused: true };
    }
    const { exportOnnx } = await import("../export/onnx-export.js");
    const result = await exportOnnx(analysed.analysis, p.model);
    return { base64: Buffer.from(result.bytes).toString("base64"), model: result.model };
  } catch (e) {
    return { error: (e as Error).message };
  }
}
