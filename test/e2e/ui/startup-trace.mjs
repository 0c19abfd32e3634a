// The start-up trace of the UI suite: the steps from the extension host's start to the first inlay hint on
// screen, read from the file the extension and its language server append to (CNNLENS_STARTUP_TRACE).
import { existsSync, readFileSync } from "node:fs";

/** Every step the extension and the server record on a first start, in the order they happen. */
export const STARTUP_STEPS = [
  "extension host started",
  "extension bundle started",
  "extension bundle loaded",
  "activate called",
  "server process started",
  "server bundle loaded",
  "initialize received",
  "language client started",
  "first document received",
  "first analysis published",
  "first inlay hints answered",
];

/** The recorded steps (the first of each), with `extra` steps measured by the test itself, sorted by time. */
export function readStartupTrace(file, extra = []) {
  const lines = existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean) : [];
  const seen = new Map();
  for (const line of lines) {
    const { side, step, at } = JSON.parse(line);
    if (!seen.has(step)) seen.set(step, { side, step, at });
  }
  return [...seen.values(), ...extra].sort((a, b) => a.at - b.at);
}

/** The trace as a table: each step's time after activation and after the step before it. */
export function formatStartupTrace(steps) {
  const activation = steps.find((s) => s.step === "activate called")?.at ?? steps[0]?.at ?? 0;
  const rows = steps.map((s, i) => {
    const since = s.at - activation;
    const delta = i === 0 ? 0 : s.at - steps[i - 1].at;
    const when = `${since >= 0 ? "+" : ""}${Math.round(since)} ms`.padStart(10);
    const clock = new Date(s.at).toISOString().slice(11, 23);
    return `      ${when}  (${`+${Math.round(delta)}`.padStart(6)})  ${clock}  ${s.side.padEnd(9)} ${s.step}`;
  });
  return ["    start-up trace (times after activate(); in brackets, after the step before):", ...rows].join("\n");
}
