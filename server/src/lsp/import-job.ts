// One ONNX import as the server runs it, in plain data that crosses a worker's boundary: the file's path and the
// options in, the importer's result (or the sentence of a file that could not be read) out.
import { basename } from "node:path";
import type { ImportResult } from "../import/import-onnx.js";
import { filesBeside } from "../simulation/read-file.js";
import { readOnnxFile } from "./onnx-files.js";

export interface ImportJob {
  path: string;
  /** The largest file read into memory (the memory budget). */
  maxBytes: number;
  inputShape?: number[];
}

/** The importer's result, or the sentence of a file that could not be read (missing, too large, a FIFO …). */
export type JobResult = ImportResult | { unreadable: string };

/** Reads the file and imports it; never throws (InputFileError's message is already the sentence). */
export async function runImportJob(job: ImportJob): Promise<JobResult> {
  let bytes: Uint8Array;
  try {
    bytes = readOnnxFile(job.path, job.maxBytes);
  } catch (e) {
    return { unreadable: (e as Error).message };
  }
  // Loaded on first use: protobufjs and the importer cost start-up time that editing .cnn files never needs.
  const { importOnnx } = await import("../import/import-onnx.js");
  return importOnnx(bytes, {
    fileName: basename(job.path),
    external: filesBeside(job.path),
    ...(job.inputShape ? { inputShape: job.inputShape } : {}),
  });
}
