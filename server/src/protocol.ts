// Custom requests between the extension and the language server, declared once and imported by both sides.
import { RequestType } from "vscode-languageserver-protocol";

export interface SummaryParams {
  uri: string;
  /** Only this model; all models when omitted. */
  model?: string;
}

export interface SummaryResult {
  /** The summary table (the same text `cnnlens summary` prints), one per model. */
  tables: { model: string; text: string }[];
  /** The JSON document of `cnnlens summary --json`. */
  json: unknown;
}

/** `cnnlens/summary`: the summary of a document, answered from the analysis cache. */
export const SummaryRequest = new RequestType<SummaryParams, SummaryResult | null, void>("cnnlens/summary");

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

export interface SimulateParams {
  uri: string;
  model?: string;
  seed?: number;
  batch?: number;
  /** A file path: a PNG/JPEG picture or a .npy array; random normal when omitted. */
  input?: string;
}

/**
 * `cnnlens/simulate`: a real forward pass in the server (onnxruntime), cancellable by the client's token.
 * Answers the report view's data (server/src/simulation/view-model.ts), or an error message.
 */
export const SimulateRequest = new RequestType<SimulateParams, { view?: unknown; error?: string }, void>("cnnlens/simulate");

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
}

/** `cnnlens/export`: a model as ONNX bytes or as framework code. */
export const ExportRequest = new RequestType<ExportParams, ExportResult, void>("cnnlens/export");
