// The `cnnlens` command line: summary and check over the same analysis the editor uses.
import { readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { analyze, type Analysis, type Diagnostic } from "../server/src/analysis/index.js";
import { toJson } from "../server/src/report/json.js";
import { summaryTable } from "../server/src/report/table.js";
import { LineIndex } from "../server/src/text/line-index.js";

export interface Io {
  readFile(path: string): string;
  writeFile(path: string, data: Uint8Array | string): void;
  out(text: string): void;
  err(text: string): void;
}

const usage = `usage: cnnlens <command> FILE [options]

commands:
  summary FILE    a table of every layer: output shape, parameters, MACs, receptive field; totals
  check FILE      diagnostics as file:line:col: severity: message [code]; exit 1 on errors
  simulate FILE   a real forward pass on ONNX Runtime: per-layer statistics, top-5, times
  export FILE     --to onnx: the model as an .onnx file (opset 17), with its weights;
                  --to pytorch / keras: framework code (an nn.Module, or the Keras functional API)

options:
  --json          print one JSON document instead of text
  --model NAME    only this model
  --help          this text
simulate:
  --weights F     a .safetensors file with <layer>.weight/.bias/.running_mean/.running_var
  --input F       a .npy tensor (one sample or a batch, in the file's layout), or a PNG/JPEG picture
                  (resized to the input, normalised with ImageNet's mean and std)
  --batch N       the batch size of the random input (default: the model's)
  --seed N        seed of the random weights and input (default 0)
  --threads N     ONNX Runtime threads
  --memory-limit MiB   refuse runs whose weights and activations need more (default 2048)
export:
  --to FORMAT     onnx, pytorch or keras
  -o, --output F  where to write (default: FILE with the format's extension)`;

/** Options that take a value, per command. */
const valued = new Set(["--model", "--weights", "--input", "--batch", "--seed", "--threads", "--memory-limit", "--to", "--output", "-o"]);

/** Options and the positional arguments, in any order (`export --to onnx FILE` and `export FILE --to onnx`). */
function parseOptions(rest: string[]): { flags: Set<string>; values: Map<string, string>; positional: string[]; error?: string } {
  const flags = new Set<string>();
  const values = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (!a.startsWith("-")) {
      positional.push(a);
      continue;
    }
    if (valued.has(a)) {
      const v = rest[++i];
      if (v === undefined || v.startsWith("--")) return { flags, values, positional, error: `${a} needs a value` };
      values.set(a === "-o" ? "--output" : a, v);
    } else if (a === "--json") flags.add(a);
    else return { flags, values, positional, error: `unknown option ${a}` };
  }
  return { flags, values, positional };
}

const commands = new Set(["summary", "check", "simulate", "export"]);

/** Runs one command line; resolves to the exit code (0 fine, 1 errors in the file or the run, 2 usage or unreadable file). */
export async function run(argv: string[], io: Io): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    io.out(usage);
    return 0;
  }
  const [command, ...rest] = argv;
  if (!command || !commands.has(command)) {
    io.err(command ? `cnnlens: unknown command '${command}'\n${usage}` : usage);
    return 2;
  }
  const options = parseOptions(rest);
  const file = options.positional[0];
  if (options.error || !file || options.positional.length > 1) {
    io.err(`cnnlens: ${options.error ?? (file ? `one file at a time, not ${options.positional.join(", ")}` : `${command} needs a FILE`)}\n${usage}`);
    return 2;
  }
  const json = options.flags.has("--json");
  const modelName = options.values.get("--model");
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
  if (command === "simulate") return simulateCommand(analysis, modelName, options.values, json, io);
  if (command === "export") return exportCommand(analysis, text, file, modelName, options.values, io);
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

async function simulateCommand(analysis: Analysis, model: string | undefined, values: Map<string, string>, json: boolean, io: Io): Promise<number> {
  const numbers: Record<string, number> = {};
  for (const key of ["--batch", "--seed", "--threads", "--memory-limit"]) {
    const v = values.get(key);
    if (v === undefined) continue;
    const n = Number(v);
    if (!Number.isInteger(n) || n < (key === "--seed" ? 0 : 1)) {
      io.err(`cnnlens: ${key} needs a whole number${key === "--seed" ? "" : " ≥ 1"}, not '${v}'`);
      return 2;
    }
    numbers[key] = n;
  }
  // Loaded here so that summary and check never pay for onnxruntime's native library.
  const { simulate } = await import("../server/src/simulation/simulate.js");
  const { simulationTable } = await import("../server/src/report/simulation-table.js");
  try {
    const report = await simulate(analysis, model, {
      ...(numbers["--seed"] !== undefined ? { seed: numbers["--seed"] } : {}),
      ...(numbers["--batch"] !== undefined ? { batch: numbers["--batch"] } : {}),
      ...(numbers["--threads"] !== undefined ? { threads: numbers["--threads"] } : {}),
      ...(numbers["--memory-limit"] !== undefined ? { memoryLimit: numbers["--memory-limit"] * 1024 ** 2 } : {}),
      ...(values.get("--weights") ? { weights: values.get("--weights")! } : {}),
      ...(values.get("--input") ? { input: values.get("--input")! } : {}),
    });
    if (json) {
      const { output, ...rest } = report;
      io.out(JSON.stringify({ ...rest, output: { shape: output.shape, data: Array.from(output.data) } }, null, 2));
    } else io.out(simulationTable(report));
    return 0;
  } catch (e) {
    io.err(`cnnlens: ${(e as Error).message}`);
    return 1;
  }
}

async function exportCommand(analysis: Analysis, text: string, file: string, model: string | undefined, values: Map<string, string>, io: Io): Promise<number> {
  const format = values.get("--to");
  if (format === "pytorch" || format === "keras") return exportCodeCommand(analysis, text, file, format, model, values, io);
  if (format !== "onnx") {
    io.err(`cnnlens: export needs --to onnx, pytorch or keras${format ? `, not '${format}'` : ""}`);
    return 2;
  }
  const target = values.get("--output") ?? file.replace(/\.cnn$/i, "") + ".onnx";
  try {
    const { exportOnnx } = await import("../server/src/export/onnx-export.js");
    const weights = values.get("--weights");
    const seed = values.has("--seed") ? Number(values.get("--seed")) : undefined;
    const result = await exportOnnx(analysis, model, { ...(weights ? { weights } : {}), ...(seed !== undefined ? { seed } : {}) });
    io.writeFile(target, result.bytes);
    io.out(`wrote ${target}: model ${result.model}, ${(result.bytes.length / 1e6).toFixed(1)} MB, ONNX opset 17${weights ? "" : " (random weights; --weights F for yours)"}`);
    return 0;
  } catch (e) {
    io.err(`cnnlens: ${(e as Error).message}`);
    return 1;
  }
}

/** Framework code to `-o FILE` or standard output; notes on what had to be written differently go to stderr. */
async function exportCodeCommand(analysis: Analysis, text: string, file: string, format: "pytorch" | "keras", model: string | undefined, values: Map<string, string>, io: Io): Promise<number> {
  const { exportCode } = await import("../server/src/export/code.js");
  const result = exportCode(format, analysis, text, { fileName: basename(file), ...(model ? { model } : {}) });
  if (result.errors.length > 0) {
    io.err(result.errors.map((e) => `cnnlens: ${e}`).join("\n"));
    return 1;
  }
  for (const note of result.notes) io.err(`note: ${note}`);
  const target = values.get("--output");
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
  readFile: (path) => readFileSync(path, "utf8"),
  writeFile: (path, data) => writeFileSync(path, data),
  out: (text) => process.stdout.write(text + "\n"),
  err: (text) => process.stderr.write(text + "\n"),
};

/** Entry point of the bundled CLI. */
export async function main(): Promise<void> {
  process.exitCode = await run(process.argv.slice(2), nodeIo);
}
