// Start-up timings for the UI tests: with CNNLENS_STARTUP_TRACE set, each step appends a line to that file.
import { appendFileSync } from "node:fs";

/** The environment variable that names the trace file; the language server inherits it and writes there too. */
export const TRACE_VARIABLE = "CNNLENS_STARTUP_TRACE";

/** Records `step` at `at` (epoch milliseconds, default now); nothing happens unless the variable is set. */
export function traceStep(step: string, at: number = Date.now()): void {
  const file = process.env[TRACE_VARIABLE];
  if (!file) return;
  try {
    appendFileSync(file, JSON.stringify({ side: "extension", step, at }) + "\n");
  } catch {
    // A trace is an aid for tests: a file that cannot be written never stops the extension.
  }
}
