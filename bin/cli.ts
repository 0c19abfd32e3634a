// The `cnnlens` command line: summary, check, simulate and export over the same analysis the editor uses.
import { basename } from "node:path";
import packageJson from "../package.json" with { type: "json" };
import { analyze, type Analysis, type Diagnostic } from "../server/src/analysis/index.js";
import { toJson } from "../server/src/report/json.js";
import { writeJsonLines } from "./json-lines.js";
import { columnNames, summaryTable, type ColumnName, type TableOptions } from "../server/src/report/table.js";
import type { SimulationReport } from "../server/src/simulation/simulate.js";
import { LineIndex } from "../server/src/text/line-index.js";
import { InputFileError } from "../server/src/simulation/input-error.js";
import { FileAccessError, readSourceFile, writeOutputFile } from "./cli-files.js";
import {
  commandSpecs,
  helpText,
  parseCommandLine,
  UsageError,
  type CommandName,
  type ParsedCommandLine,
} from "./cli-options.js";

export interface Io {
  /** Reads a source file; throws InputFileError with a sentence when it cannot. */
  readFile(path: string): string;
  writeFile(path: string, data: Uint8Array | string): void;
  out(text: string): void;
  err(text: string): void;
  /** The terminal's width when standard output is a terminal. */
  columns?: number;
}

/**
 * Runs one command line; resolves to the exit code (0 fine, 1 errors in the file or the run, 2 usage or unreadable
 * input).
 */
export async function run(argv: string[], io: Io): Promise<number> {
  let cli: ParsedCommandLine;
  try {
    cli = parseCommandLine(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    const command = commandSpecs.find((c) => c.name === argv[0])?.name;
    const usage = command
      ? `usage: cnnlens ${command} ${commandSpecs.find((c) => c.name === command)!.synopsis} [options]; `
      : "";
    io.err(`cnnlens: ${e.message}\n${usage}cnnlens ${command ?? ""}${command ? " " : ""}--help lists the options`);
    return 2;
  }
  if (cli.flags.has("version")) {
    io.out(`cnnlens ${packageJson.version}`);
    return 0;
  }
  if (cli.flags.has("help") || !cli.command || !cli.file) {
    io.out(helpText(cli.command));
    return 0;
  }
  const { command, file } = cli;
  try {
    return await runCommand(command, file, cli, io);
  } catch (e) {
    const sentence = inputProblem(e);
    if (sentence === undefined) throw e;
    io.err(`cnnlens: ${sentence}`);
    return 2;
  }
}

async function runCommand(command: CommandName, file: string, cli: ParsedCommandLine, io: Io): Promise<number> {
  if (command === "import") return (await import("./cli-import.js")).importCommand(file, cli, io);
  const json = cli.flags.has("json");
  const modelName = cli.values.get("model");
  const text = io.readFile(file);
  const analysis = analyze(text);
  const hasErrors = analysis.diagnostics.some((d) => d.severity === "error");
  if (modelName && !analysis.models.some((m) => m.name === modelName)) {
    io.err(
      `cnnlens: no model '${modelName}' in ${file} ` +
        `(models: ${analysis.models.map((m) => m.name).join(", ") || "none"})`,
    );
    return 2;
  }
  const selected: Analysis = modelName
    ? { ...analysis, models: analysis.models.filter((m) => m.name === modelName) }
    : analysis;
  if (command === "simulate") return simulateCommand(analysis, modelName, cli, json, io);
  if (command === "export") return exportCommand(analysis, text, file, modelName, cli, io);
  if (json) {
    const doc = toJson(selected, text);
    writeJsonLines(command === "check" ? { diagnostics: doc.diagnostics } : doc, io.out);
    return hasErrors ? 1 : 0;
  }
  if (command === "summary") {
    const table = tableOptions(cli, io);
    if (typeof table === "string") {
      io.err(`cnnlens: ${table}`);
      return 2;
    }
    if (selected.models.length === 0) io.err(`cnnlens: ${file} defines no model`);
    io.out(selected.models.map((m) => summaryTable(m, table)).join("\n\n"));
    const problems = analysis.diagnostics.filter((d) => d.severity === "error" || d.severity === "warning");
    if (problems.length > 0) io.err(formatDiagnostics(problems, file, text));
  } else {
    const text2 = formatDiagnostics(analysis.diagnostics, file, text);
    if (text2) io.out(text2);
  }
  return hasErrors ? 1 : 0;
}

/** The summary's --width, --depth and --columns, or the sentence that refuses them. */
function tableOptions(cli: ParsedCommandLine, io: Io): TableOptions | string {
  const options: TableOptions = { width: cli.numbers.get("width") ?? io.columns ?? 100 };
  const depth = cli.numbers.get("depth");
  if (depth !== undefined) options.depth = depth;
  const list = cli.values.get("columns");
  if (list !== undefined) {
    const chosen = list
      .split(",")
      .map((c) => c.trim().toLowerCase())
      .filter((c) => c !== "" && c !== "name" && c !== "layer");
    const unknown = chosen.filter((c) => !(columnNames as readonly string[]).includes(c));
    if (unknown.length > 0)
      return `--columns: no column ${unknown.map((c) => `'${c}'`).join(", ")}; choose from ${columnNames.join(", ")}`;
    options.columns = chosen as ColumnName[];
  }
  return options;
}

/** The sentence for an input the command could not read or decode, or undefined for a real bug. */
function inputProblem(e: unknown): string | undefined {
  return e instanceof FileAccessError || e instanceof InputFileError ? e.message : undefined;
}

async function simulateCommand(
  analysis: Analysis,
  model: string | undefined,
  cli: ParsedCommandLine,
  json: boolean,
  io: Io,
): Promise<number> {
  const n = cli.numbers;
  // Loaded here so that summary and check never pay for onnxruntime's native library.
  const { simulate } = await import("../server/src/simulation/simulate.js");
  const { simulationTable } = await import("../server/src/report/simulation-table.js");
  const { readLabels } = await import("../server/src/simulation/labels.js");
  // Read before the run: a wrong path is a usage problem, found without waiting for the forward pass.
  const labelsFile = cli.values.get("labels");
  const labels = labelsFile === undefined ? undefined : readLabels(labelsFile);
  let report: Awaited<ReturnType<typeof simulate>>;
  try {
    report = await simulate(analysis, model, {
      ...(n.has("seed") ? { seed: n.get("seed")! } : {}),
      ...(n.has("batch") ? { batch: n.get("batch")! } : {}),
      ...(n.has("threads") ? { threads: n.get("threads")! } : {}),
      ...(n.has("memory-limit") ? { memoryLimit: n.get("memory-limit")! * 1024 ** 2 } : {}),
      ...(cli.values.has("weights") ? { weights: cli.values.get("weights")! } : {}),
      ...(cli.values.has("input") ? { input: cli.values.get("input")! } : {}),
    });
  } catch (e) {
    if (inputProblem(e) !== undefined) throw e;
    io.err(`cnnlens: ${(e as Error).message}`);
    return 1;
  }
  for (const note of report.notes) io.err(`note: ${note}`);
  if (json) writeJsonReport(report, io);
  else io.out(simulationTable(report, labels));
  return 0;
}

/** Values of the output per line of the JSON report: a large output is written in pieces, never as one string. */
const valuesPerChunk = 4096;

/**
 * The report as one JSON document. The output tensor can hold more numbers than one JavaScript string can
 * (a segmentation map of 27 M floats is past V8's 512 MiB limit), so its data goes out a chunk at a time.
 */
function writeJsonReport(report: SimulationReport, io: Io): void {
  // The kept tensors (a Map) are for in-process callers; JSON would print them as {}.
  const { output, outputs, ...rest } = report;
  delete rest.tensors;
  const placeholder = "\u0000data\u0000";
  // Every output's name and shape; the data of the first (`output`), which is the model's result by default.
  const list = outputs.map((o) => ({ name: o.name, shape: o.tensor.shape }));
  const [before, after] = JSON.stringify(
    { ...rest, outputs: list, output: { shape: output.shape, data: placeholder } },
    null,
    2,
  ).split(JSON.stringify(placeholder));
  io.out(`${before}[`);
  const data = output.data;
  for (let start = 0; start < data.length; start += valuesPerChunk) {
    const end = Math.min(start + valuesPerChunk, data.length);
    const chunk = Array.from(data.subarray(start, end), (v) => (Number.isFinite(v) ? String(v) : "null")).join(", ");
    io.out(`    ${chunk}${end < data.length ? "," : ""}`);
  }
  io.out(`  ]${after}`);
}

async function exportCommand(
  analysis: Analysis,
  text: string,
  file: string,
  model: string | undefined,
  cli: ParsedCommandLine,
  io: Io,
): Promise<number> {
  const format = cli.values.get("to");
  if (format === "pytorch" || format === "keras") {
    for (const option of ["weights", "seed"]) {
      if (cli.values.has(option)) {
        io.err(`cnnlens: --${option} applies only to --to onnx (the PyTorch and Keras code holds no weights)`);
        return 2;
      }
    }
    return exportCodeCommand(analysis, text, file, format, model, cli, io);
  }
  if (format !== "onnx") {
    io.err(`cnnlens: export needs --to onnx, pytorch or keras${format ? `, not '${format}'` : ""}`);
    return 2;
  }
  // Never next to the source: an .onnx file of 100 MB does not belong in the user's source tree unasked.
  const target = cli.values.get("output") ?? basename(file).replace(/\.cnn$/i, "") + ".onnx";
  const { exportOnnx } = await import("../server/src/export/onnx-export.js");
  const weights = cli.values.get("weights");
  const seed = cli.numbers.get("seed");
  let result: Awaited<ReturnType<typeof exportOnnx>>;
  try {
    result = await exportOnnx(analysis, model, {
      ...(weights ? { weights } : {}),
      ...(seed !== undefined ? { seed } : {}),
    });
  } catch (e) {
    if (inputProblem(e) !== undefined) throw e;
    io.err(`cnnlens: ${(e as Error).message}`);
    return 1;
  }
  io.writeFile(target, result.bytes);
  io.out(
    `wrote ${target}: model ${result.model}, ${(result.bytes.length / 1e6).toFixed(1)} MB, ` +
      `ONNX opset 17${weights ? "" : " (random weights; --weights F for yours)"}`,
  );
  return 0;
}

/** Framework code to `-o FILE` or standard output; notes on what had to be written differently go to stderr. */
async function exportCodeCommand(
  analysis: Analysis,
  text: string,
  file: string,
  format: "pytorch" | "keras",
  model: string | undefined,
  cli: ParsedCommandLine,
  io: Io,
): Promise<number> {
  const { exportCode } = await import("../server/src/export/code.js");
  const result = exportCode(format, analysis, text, { fileName: basename(file), ...(model ? { model } : {}) });
  if (result.errors.length > 0) {
    io.err(result.errors.map((e) => `cnnlens: ${e}`).join("\n"));
    return 1;
  }
  for (const note of result.notes) io.err(`note: ${note}`);
  const target = cli.values.get("output");
  if (target) {
    io.writeFile(target, result.code);
    io.out(`wrote ${target}`);
  } else io.out(result.code.trimEnd());
  return 0;
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
  readFile: readSourceFile,
  writeFile: writeOutputFile,
  ...(process.stdout.isTTY && process.stdout.columns ? { columns: process.stdout.columns } : {}),
  out: (text) => process.stdout.write(text + "\n"),
  err: (text) => process.stderr.write(text + "\n"),
};

/** Entry point of the bundled CLI. */
export async function main(): Promise<void> {
  process.exitCode = await run(process.argv.slice(2), nodeIo);
}
