// Custom requests between the extension and the language server, declared once and imported by both sides.
// Only types come from the server's modules (they vanish from the client's bundle), and the one pure helper below.
import { RequestType } from "vscode-languageserver-protocol";
import type { DiagramAtom, DiagramData, DiagramGroup } from "./report/diagram.js";
import type { JsonDocument, JsonTableDocument } from "./report/json.js";
import type { SimulationView } from "./simulation/view-model.js";

export type { DiagramAtom, DiagramData, DiagramGroup, JsonDocument, JsonTableDocument, SimulationView };
/** The status bar's figures read like the summary's (2.50 M): the same pure helper on both sides. */
export { compact } from "./report/format.js";

export interface SummaryParams {
  uri: string;
  /** Only this model; all models when omitted. */
  model?: string;
  /** Only what the summary view shows (`SummaryViewResult`): no text tables, no full JSON document. */
  view?: boolean;
  /**
   * The JSON document of `cnnlens summary --json` as well as the tables: about 200 bytes a layer, 10 MB for a
   * 50,000-layer model, so only when asked for.
   */
  json?: boolean;
}

export interface SummaryResult {
  /** The summary table (the same text `cnnlens summary` prints), one per model. */
  tables: { model: string; text: string }[];
  /** The JSON document of `cnnlens summary --json`, when `json` was asked for. */
  json?: JsonDocument;
}

/** The answer to `view: true`: the JSON document's part that the summary table reads. */
export interface SummaryViewResult {
  view: JsonTableDocument;
}

/** `cnnlens/summary`: the summary of a document, answered from the analysis cache. */
export const SummaryRequest = new RequestType<SummaryParams, SummaryResult | SummaryViewResult | null, void>(
  "cnnlens/summary",
);

export interface ModelAtParams {
  uri: string;
  offset?: number;
  position?: { line: number; character: number };
}

export interface ModelTotals {
  name: string;
  params: number;
  trainable: number;
  macs: number;
  output: number[] | null;
  errors: number;
}

/** `cnnlens/modelAt`: the totals of the model under the cursor, for the status bar. */
export const ModelAtRequest = new RequestType<ModelAtParams, ModelTotals | null, void>("cnnlens/modelAt");

export interface DiagramParams {
  uri: string;
  /** The cursor: the model containing it, or in a block definition a model that uses the block. */
  offset?: number;
  /** The model shown so far, kept when the offset chooses none. */
  model?: string;
}

/** `cnnlens/diagram`: the architecture diagram's graph of one model, answered from the analysis cache. */
export const DiagramRequest = new RequestType<DiagramParams, DiagramData | null, void>("cnnlens/diagram");

export interface SimulateParams {
  uri: string;
  model?: string;
  seed?: number;
  batch?: number;
  /** A file path: a PNG/JPEG picture or a .npy array; random normal when omitted. */
  input?: string;
  /** A .safetensors file of the model's weights; the framework's seeded random initialisation when omitted. */
  weights?: string;
  /** A text file naming the classes, line i naming class i, for the top-5 (shown only for loaded weights). */
  labels?: string;
}

/**
 * `cnnlens/simulate`: a real forward pass in the server (onnxruntime), cancellable by the client's token.
 * Answers the report view's data (server/src/simulation/view-model.ts), or an error message.
 */
export const SimulateRequest = new RequestType<SimulateParams, SimulateResult, void>("cnnlens/simulate");

/**
 * The report's data, or why there is none (`cancelled` when the client's token cancelled it). `refused` marks
 * a model the simulation does not run (it has errors): the error is then a whole sentence saying so.
 */
export type SimulateResult =
  | { view: SimulationView; error?: undefined; refused?: undefined }
  | { view?: undefined; error: string; refused?: boolean };

export interface ExportParams {
  uri: string;
  model?: string;
  format: "onnx" | "pytorch" | "keras";
}

export interface ExportResult {
  /** ONNX: the file's bytes, which the client writes where the user chooses. */
  base64?: string;
  /** PyTorch and Keras: the code, with notes on what had to be written differently. */
  code?: string;
  notes?: string[];
  model?: string;
  error?: string;
  /** The file has errors, so nothing is exported: `error` is one sentence that says so and lists them. */
  refused?: boolean;
}

/** `cnnlens/export`: a model as ONNX bytes or as framework code. */
export const ExportRequest = new RequestType<ExportParams, ExportResult, void>("cnnlens/export");

/** The URI scheme of the read-only `.cnn` documents imported from `.onnx` files (client/src/onnx-import.ts). */
export const importedScheme = "cnnlens-onnx";

/**
 * The virtual document of an imported `.onnx` file: `file:///m/net.onnx` → `cnnlens-onnx:/m/net.onnx.cnn`, with
 * `?shape=3,224,224` when an input shape was given. The `.cnn` ending gives the document the language `cnn`;
 * `onnxOfImported` reads the file and the shape back. Pure string work, so both sides name the same document.
 */
export function importedDocumentUri(onnxFileUri: string, inputShape?: number[]): string {
  const path = onnxFileUri.replace(/^file:\/\//, "").replace(/[?#].*$/s, "");
  return `${importedScheme}:${path}.cnn${inputShape?.length ? `?shape=${inputShape.join(",")}` : ""}`;
}

/** The `.onnx` file (a `file:` URI) and input shape of a virtual document; undefined for any other URI. */
export function onnxOfImported(documentUri: string): { uri: string; inputShape?: number[] } | undefined {
  const match = /^cnnlens-onnx:(\/[^?#]*)\.cnn(?:\?([^#]*))?(?:#.*)?$/s.exec(documentUri);
  if (!match) return undefined;
  let query = match[2] ?? "";
  try {
    query = decodeURIComponent(query);
  } catch {
    // A malformed escape: the query is read as written, and a shape that does not parse is left out.
  }
  const shape = /^shape=(\d+(?:,\d+)*)$/.exec(query)?.[1]?.split(",").map(Number);
  return { uri: `file://${match[1]}`, ...(shape ? { inputShape: shape } : {}) };
}

export interface ImportOnnxParams {
  /** The `file:` URI of the .onnx file; the server reads it (a regular file only). */
  uri: string;
  /** C,H,W (without the batch) for a model whose input sizes the file leaves symbolic. */
  inputShape?: number[];
  /** The virtual document whose simulations use the file's weights; default `importedDocumentUri(uri)`. */
  document?: string;
  /** Only look (the `.onnx` editor's page): the weights are not kept. */
  preview?: boolean;
}

/** An imported model: its text, and what the `.onnx` editor's page shows of it. */
export interface ImportedOnnx {
  text: string;
  model: string;
  /** The virtual document the weights are kept for (none with `preview`). */
  document: string;
  /** The sample's shape (C,H,W or features), without the batch. */
  input: number[] | null;
  outputs: { name: string; shape: number[] | null }[];
  params: number;
  /** How many weight tensors the file gave. */
  tensors: number;
}

/** The import, or the sentence saying why the file cannot be written in the language. */
/** `needsInputShape`: the file leaves its input's sizes open; asking again with `inputShape` can succeed. */
export type ImportOnnxResult = ImportedOnnx | { refusal: string; needsInputShape?: true };

/** `cnnlens/importOnnx`: an .onnx file as .cnn text; its weights stay in the server for `cnnlens/simulate`. */
export const ImportOnnxRequest = new RequestType<ImportOnnxParams, ImportOnnxResult, void>("cnnlens/importOnnx");

export interface SaveImportedParams {
  /** The virtual document (`cnnlens-onnx:…`) of an earlier `cnnlens/importOnnx`. */
  uri: string;
  /** The `file:` URI of the .cnn file to write; the weights go beside it as `<same name>.safetensors`. */
  target: string;
}

/** The two files written, as paths; or why nothing was written. */
export type SaveImportedResult = { cnn: string; weights: string; tensors: number } | { error: string };

/** `cnnlens/saveImported`: writes an imported model's text and weights, both or neither. */
export const SaveImportedRequest = new RequestType<SaveImportedParams, SaveImportedResult, void>(
  "cnnlens/saveImported",
);

/** What our own VS Code client puts in `initializationOptions`; other editors send their own (or nothing). */
export interface InitializationOptions {
  /** The settings at start-up, shaped like the `cnnlens` section (server/src/lsp/settings.ts). */
  settings?: unknown;
  /**
   * True from client/src/extension.ts only: that client registers `cnnlens.showSummary` and `cnnlens.simulate`
   * (webviews), so code lenses may name them. Any other editor gets the server's own commands below.
   */
  clientCommands?: boolean;
}

/**
 * Commands the server runs itself through `workspace/executeCommand`, for editors without our extension.
 * Their ids differ from the client's (`cnnlens.showSummary`, …) because vscode-languageclient registers every
 * id of `executeCommandProvider` as a VS Code command, and a second registration of the same id would fail.
 */
export const ServerCommands = {
  /** [uri?, model?] → the summary table as text, also shown by window/showMessage; no URI: the last document. */
  summary: "cnnlens.server.summary",
  /** [uri?, model?] → the simulation report as text, also shown by window/showMessage; no URI: the last document. */
  simulate: "cnnlens.server.simulate",
  /** [WorkspaceEdit] → applies a quick fix through workspace/applyEdit, for clients without CodeAction literals. */
  applyFix: "cnnlens.server.applyFix",
} as const;
