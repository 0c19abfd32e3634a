// Start-up timings for the UI tests: with CNNLENS_STARTUP_TRACE set, each first step appends a line to that file.
import { appendFileSync } from "node:fs";

const done = new Set<string>();

/** Records `step` once per process at `at` (epoch milliseconds, default now); a no-op unless the variable is set. */
export function traceOnce(step: string, at: number = Date.now()): void {
  const file = process.env.CNNLENS_STARTUP_TRACE;
  if (!file || done.has(step)) return;
  done.add(step);
  try {
    appendFileSync(file, JSON.stringify({ side: "server", step, at }) + "\n");
  } catch {
    // A trace is an aid for tests: a file that cannot be written never stops the server.
  }
}
