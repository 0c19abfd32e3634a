// `cnnlens import MODEL.onnx`: reads the file (and its external data), runs the pure importer, writes only on success.
import { basename } from "node:path";
import { filesBeside, readRegularFile } from "../server/src/simulation/read-file.js";
import { writeAllOrNone, type FileToWrite } from "../server/src/simulation/write-files.js";
import type { ParsedCommandLine } from "./cli-options.js";

/** The largest .onnx file read into memory (protobuf's own limit); larger models keep their weights external. */
const maxModelBytes = 2 ** 31 - 1;

/** What the command needs of the CLI's input and output (cli.ts' Io has it; importing that type would be a cycle). */
interface ImportIo {
  out(text: string): void;
  err(text: string): void;
}

/** Exit codes as the other commands: 0 written, 2 a usage problem or a model the language cannot hold. */
export async function importCommand(file: string, cli: ParsedCommandLine, io: ImportIo): Promise<number> {
  const shapeText = cli.values.get("input-shape");
  const inputShape = shapeText === undefined ? undefined : parseShape(shapeText);
  if (inputShape === null) {
    io.err(`cnnlens: --input-shape needs whole sizes separated by commas, such as 3,224,224, not '${shapeText}'`);
    return 2;
  }
  const bytes = readRegularFile(file, maxModelBytes);
  const { importOnnx } = await import("../server/src/import/import-onnx.js");
  const result = importOnnx(bytes, {
    fileName: basename(file),
    external: filesBeside(file),
    ...(inputShape ? { inputShape } : {}),
  });
  if ("refusal" in result) {
    io.err(`cnnlens: ${file}: ${result.refusal}`);
    return 2;
  }
  // Only now, after everything succeeded, is anything written, and both files or neither: a refusal or a failed
  // write leaves no half-written pair behind.
  const weightsFile = cli.values.get("weights");
  const target = cli.values.get("output");
  const files: FileToWrite[] = [];
  if (weightsFile) {
    const { encodeSafetensors } = await import("../server/src/simulation/safetensors.js");
    files.push({ path: weightsFile, data: encodeSafetensors(result.weights) });
  }
  if (target) files.push({ path: target, data: result.text });
  try {
    writeAllOrNone(files);
  } catch (e) {
    io.err(`cnnlens: ${(e as Error).message}`);
    return 2;
  }
  if (target) {
    const tensors = weightsFile ? ` and ${result.weights.size} tensors to ${weightsFile}` : "";
    io.out(`wrote ${target} (model ${result.model})${tensors}`);
  } else io.out(result.text.trimEnd());
  return 0;
}

/** `3,224,224` → [3, 224, 224]; null when it is not a list of whole sizes. */
function parseShape(text: string): number[] | null {
  const parts = text.split(",").map((p) => p.trim());
  if (parts.some((p) => !/^[0-9]+$/.test(p))) return null;
  const sizes = parts.map(Number);
  return sizes.every((s) => Number.isSafeInteger(s) && s > 0) && sizes.length <= 4 ? sizes : null;
}
