// Runs every cnnlens command on one hostile file in this process and prints one JSON line of outcomes.
// The corpus test spawns it once per input, so a crash, a hang or a memory blow-up stays in that child.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run, type Io } from "../../bin/cli.js";
import { readSourceFile, writeOutputFile } from "../../bin/cli-files.js";

/** What one command did: its exit code, the start of its stderr, and whether it threw instead. */
export interface CommandOutcome {
  args: string[];
  code: number | "threw";
  err: string;
}

export const commandLines = (file: string, out: string): string[][] => [
  ["check", file],
  ["summary", file],
  ["summary", file, "--json", "--depth", "2"],
  ["export", file, "--to", "pytorch"],
  ["export", file, "--to", "keras"],
  ["export", file, "--to", "onnx", "-o", join(out, "model.onnx")],
];

async function main(file: string): Promise<void> {
  const out = mkdtempSync(join(tmpdir(), "cnnlens-hostile-"));
  const outcomes: CommandOutcome[] = [];
  try {
    for (const args of commandLines(file, out)) {
      const err: string[] = [];
      // Standard output is counted, not kept: a bomb's table may be large and only its survival matters.
      const io: Io = {
        readFile: readSourceFile,
        writeFile: writeOutputFile,
        out: () => undefined,
        err: (t) => err.push(t),
      };
      // Each command is a process of its own for a user: the previous command's garbage is not this one's memory.
      (globalThis as { gc?: () => void }).gc?.();
      try {
        outcomes.push({ args, code: await run(args, io), err: err.join("\n").slice(0, 2000) });
      } catch (e) {
        outcomes.push({ args, code: "threw", err: String((e as Error).stack ?? e).slice(0, 2000) });
      }
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  process.stdout.write(JSON.stringify({ outcomes, maxRssMiB: process.resourceUsage().maxRSS / 1024 }) + "\n");
}

// node --test may load this file as a test: without an argument it does nothing.
const file = process.argv[2];
if (file && process.argv[1]?.endsWith("cli-suite.js")) await main(file);
