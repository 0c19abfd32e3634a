// Runs an ONNX import in a worker thread, so that the import neither blocks the server (hovers, diagnostics and
// other requests are answered meanwhile) nor outlives a cancelled request: cancelling terminates the thread.
import { Worker } from "node:worker_threads";
import type { CancellationToken } from "vscode-languageserver";
import type { ImportJob, JobResult } from "./import-job.js";

/** The import was cancelled before it finished; its thread has been terminated. */
export const CANCELLED = Symbol("cancelled");

/**
 * The worker's script beside this module: `import-worker.cjs` beside the bundled `server.cjs` (esbuild.mjs builds
 * both, and defines import.meta.url for the bundle), `import-worker.js` beside the compiled module in tests.
 */
function workerUrl(): URL {
  const here = import.meta.url;
  return new URL(here.endsWith(".cjs") ? "./import-worker.cjs" : "./import-worker.js", here);
}

/** The job's result, or CANCELLED once `token` is cancelled; a worker that fails is answered with a sentence. */
export function runImportInWorker(job: ImportJob, token?: CancellationToken): Promise<JobResult | typeof CANCELLED> {
  if (token?.isCancellationRequested) return Promise.resolve(CANCELLED);
  return new Promise((resolve) => {
    const worker = new Worker(workerUrl(), { workerData: job });
    let settled = false;
    const settle = (value: JobResult | typeof CANCELLED) => {
      if (settled) return;
      settled = true;
      listener?.dispose();
      resolve(value);
      // The thread has nothing more to do either way; terminating it frees its heap at once.
      void worker.terminate();
    };
    const listener = token?.onCancellationRequested(() => settle(CANCELLED));
    worker.once("message", (result: JobResult) => settle(result));
    // A thread that runs out of memory or crashes is a refusal the user reads, never a server that stops.
    worker.once("error", (e) =>
      settle({ refusal: `cnnlens import failed on this model (${e.message}); please report it with the model` }),
    );
    worker.once("exit", (code) =>
      settle({ refusal: `cnnlens import stopped before it finished (its thread exited with code ${code})` }),
    );
  });
}
