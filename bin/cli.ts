// The `cnnlens` command line: summary and check over the same analysis the editor uses.
import { readFileSync } from "node:fs";
import { analyze, type Analysis, type Diagnostic } from "../server/src/analysis/index.js";
import { toJson } from "../server/src/report/json.js";
import { summaryTable } from "../server/src/report/table.js";
import { LineIndex } from "../server/src/text/line-index.js";

export interface Io {
  readFile(path: string): string;
  out(text: string): void;
  err(text: string): void;
}

const usage = `usage: cnnlens <command> FILE [options]

commands:
  summary FILE   a table of every layer: output shape, parameters, MACs, receptive field; totals
  check FILE     diagnostics as file:line:col: severity: message [code]; exit 1 on errors

options:
  --json         print one JSON document instead of text
  --model NAME   only this model (summary)
  --help         this text`;

/** Runs one command line; returns the exit code (0 fine, 1 errors in the file, 2 usage or unreadable file). */
export function run(argv: string[], io: Io): number {
  if (argv.includes("--help") || argv.includes("-h")) {
    io.out(usage);
    return 0;
  }
  const [command, file, ...rest] = argv;
  if ((command !== "summary" && command !== "check") || !file || file.startsWith("--")) {
    io.err(command && command !== "summary" && command !== "check" ? `cnnlens: unknown command '${command}'\n${usage}` : usage);
    return 2;
  }
  const json = rest.includes("--json");
  const modelFlag = rest.indexOf("--model");
  const modelName = modelFlag >= 0 ? rest[modelFlag + 1] : undefined;
  const unknown = rest.filter((a, i) => a.startsWith("--") && a !== "--json" && a !== "--model" && rest[i - 1] !== "--model");
  if (unknown.length > 0 || (modelFlag >= 0 && !modelName)) {
    io.err(`cnnlens: ${unknown.length ? `unknown option ${unknown[0]}` : "--model needs a name"}\n${usage}`);
    return 2;
  }
  let text: string;
  try {
    text = io.readFile(file);
  } catch (e) {
    io.err(`cnnlens: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    return 2;
  }
  const analysis = analyze(text);
  const hasErrors = analysis.diagnostics.some((d) => d.severity === "error");
  if (modelName && !analysis.models.some((m) => m.name === modelName)) {
    io.err(`cnnlens: no model '${modelName}' in ${file} (models: ${analysis.models.map((m) => m.name).join(", ") || "none"})`);
    return 2;
  }
  const selected: Analysis = modelName ? { ...analysis, models: analysis.models.filter((m) => m.name === modelName) } : analysis;
  if (json) {
    const doc = toJson(selected, text);
    io.out(JSON.stringify(command === "check" ? { diagnostics: doc.diagnostics } : doc, null, 2));
    return hasErrors ? 1 : 0;
  }
  if (command === "summary") {
    if (selected.models.length === 0) io.err(`cnnlens: ${file} defines no model`);
    io.out(selected.models.map(summaryTable).join("\n\n"));
    const problems = analysis.diagnostics.filter((d) => d.severity === "error" || d.severity === "warning");
    if (problems.length > 0) io.err(formatDiagnostics(problems, file, text));
  } else {
    const text2 = formatDiagnostics(analysis.diagnostics, file, text);
    if (text2) io.out(text2);
  }
  return hasErrors ? 1 : 0;
}

/** `file:line:col: severity: message [code]`, 1-based as compilers print them. */
export function formatDiagnostics(diagnostics: Diagnostic[], file: string, text: string): string {
  const index = new LineIndex(text);
  return diagnostics
    .map((d) => {
      const p = index.position(d.span.start);
      return `${file}:${p.line + 1}:${p.character + 1}: ${d.severity}: ${d.message} [${d.code}]`;
    })
    .join("\n");
}

const nodeIo: Io = {
  readFile: (path) => readFileSync(path, "utf8"),
  out: (text) => process.stdout.write(text + "\n"),
  err: (text) => process.stderr.write(text + "\n"),
};

/** Entry point of the bundled CLI. */
export function main(): void {
  process.exitCode = run(process.argv.slice(2), nodeIo);
}
