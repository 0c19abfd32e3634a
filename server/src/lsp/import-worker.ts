// The entry of the worker thread that runs one ONNX import (import-runner.ts starts it): the server's own thread
// keeps answering while a large model is decoded and structured, and a cancelled import ends with its thread.
import { parentPort, workerData } from "node:worker_threads";
import { runImportJob, type ImportJob } from "./import-job.js";

// The result is copied back by structured clone: the weights' Float32Arrays may be views of one shared buffer (or
// of Node's pooled buffers), which cannot be transferred one by one.
void runImportJob(workerData as ImportJob).then((result) => parentPort?.postMessage(result));
