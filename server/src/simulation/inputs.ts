// The input batch of a simulation: seeded standard-normal noise, a float .npy array, or a picture.
import type { FloatTensor } from "../onnx/tensors.js";
import type { Framework } from "../analysis/types.js";
import { decodeImage, imageTensor, isImagePath } from "./image-input.js";
import { formatBytes, InputFileError } from "./input-error.js";
import { DEFAULT_MEMORY_LIMIT } from "./memory-budget.js";
import { readNpyFile } from "./npy.js";
import { Random } from "./random.js";
import { readRegularFile } from "./read-file.js";

export interface InputRequest {
  /** One sample's shape in the file's layout. */
  sample: number[];
  framework: Framework;
  /** The batch asked for (option or model); an array with a batch axis decides it. */
  batch: number;
  seed: number;
}

/** Standard-normal values from the seed's `input` stream, one batch in the file's layout. */
export function randomInput(req: InputRequest, stream = "input"): FloatTensor {
  const shape = [req.batch, ...req.sample];
  const n = shape.reduce((p, d) => p * d, 1);
  return { shape, data: new Random(req.seed, stream).fillNormal(n) };
}

/**
 * An input array, checked against the model: either one sample (shape = the input line's shape) or a
 * batch (one more leading axis). `batchGiven` is true when the caller set the batch explicitly.
 */
export function checkInput(t: FloatTensor, req: InputRequest, batchGiven: boolean, source?: string): FloatTensor {
  return { shape: [batchOf(t.shape, req, batchGiven, source), ...req.sample], data: t.data };
}

/** The batch an array of `shape` holds, or an error saying how it fails the model (naming the file, if any). */
export function batchOf(shape: number[], req: InputRequest, batchGiven: boolean, path?: string): number {
  const fail = (why: string) => (path ? new InputFileError(path, why, false) : new Error(`the input ${why}`));
  const sample = req.sample;
  const layout = req.framework === "pytorch" ? "C, H, W" : "H, W, C";
  const same = (a: number[], b: number[]) => a.length === b.length && a.every((d, i) => d === b[i]);
  let batch: number;
  if (same(shape, sample)) batch = 1;
  else if (shape.length === sample.length + 1 && same(shape.slice(1), sample)) batch = shape[0]!;
  else {
    throw fail(
      `has shape (${shape.join(", ")}), but the model takes one sample of (${sample.join(", ")}) in the ` +
        `${req.framework} layout (${layout}), or a batch (N, ${sample.join(", ")})`,
    );
  }
  if (batch === 0) throw fail(`holds no samples: its batch axis is 0`);
  if (batchGiven && batch !== req.batch) {
    throw fail(
      `holds a batch of ${batch}, but batch ${req.batch} was asked for: drop the batch option or change ` + `the array`,
    );
  }
  return batch;
}

export interface InputFileLimits {
  /** The simulation's memory limit: a picture may take half of it to decode. */
  memoryLimit?: number;
  /** Called with the batch once the file's header is read, before its data: throws to refuse it. */
  admit?: (batch: number) => void;
}

/**
 * Reads a .npy array, or a PNG/JPEG picture (resized and normalised, docs/simulation.md), as the input. Only the
 * header is read before `admit` sees the batch; every problem is an InputFileError naming the file.
 */
export async function readInputFile(
  path: string,
  req: InputRequest,
  batchGiven: boolean,
  limits: InputFileLimits = {},
): Promise<FloatTensor> {
  const admit = limits.admit ?? (() => undefined);
  const memoryLimit = limits.memoryLimit ?? DEFAULT_MEMORY_LIMIT;
  const decodeBudget = memoryLimit / 2;
  if (isImagePath(path)) {
    const bytes = readRegularFile(path, decodeBudget);
    admit(1);
    return checkInput(
      imageTensor(decodeImage(bytes, path, decodeBudget), req.sample, req.framework, path),
      req,
      batchGiven,
      path,
    );
  }
  const array = readNpyFile(path, (shape) => {
    const batch = batchOf(shape, req, batchGiven, path);
    const bytes = shape.reduce((p, d) => p * d, 4);
    if (bytes > memoryLimit)
      throw new InputFileError(
        path,
        `the array takes ${formatBytes(bytes)} as float32, more than the memory limit of ` +
          `${formatBytes(memoryLimit)}`,
        false,
      );
    admit(batch);
  });
  return checkInput(array, req, batchGiven, path);
}
