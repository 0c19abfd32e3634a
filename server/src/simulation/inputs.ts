// The input batch of a simulation: seeded standard-normal noise, a float .npy array, or a picture.
import { readFile } from "node:fs/promises";
import type { FloatTensor } from "../export/onnx-params.js";
import type { Framework } from "../analysis/types.js";
import { decodeImage, imageTensor, isImagePath } from "./image-input.js";
import { parseNpy } from "./npy.js";
import { Random } from "./random.js";

export interface InputRequest {
  /** One sample's shape in the file's layout. */
  sample: number[];
  framework: Framework;
  /** The batch asked for (option or model); an array with a batch axis decides it. */
  batch: number;
  seed: number;
}

/** Standard-normal values from the seed's `input` stream, one batch in the file's layout. */
export function randomInput(req: InputRequest): FloatTensor {
  const shape = [req.batch, ...req.sample];
  const n = shape.reduce((p, d) => p * d, 1);
  return { shape, data: new Random(req.seed, "input").fillNormal(n) };
}

/**
 * An input array, checked against the model: either one sample (shape = the input line's shape) or a
 * batch (one more leading axis). `batchGiven` is true when the caller set the batch explicitly.
 */
export function checkInput(t: FloatTensor, req: InputRequest, batchGiven: boolean, source = "the input"): FloatTensor {
  const sample = req.sample;
  const layout = req.framework === "pytorch" ? "C, H, W" : "H, W, C";
  const same = (a: number[], b: number[]) => a.length === b.length && a.every((d, i) => d === b[i]);
  let batch: number;
  if (same(t.shape, sample)) batch = 1;
  else if (t.shape.length === sample.length + 1 && same(t.shape.slice(1), sample)) batch = t.shape[0]!;
  else {
    throw new Error(`${source} has shape (${t.shape.join(", ")}), but the model takes one sample of (${sample.join(", ")}) in the ${req.framework} layout (${layout}), or a batch (N, ${sample.join(", ")})`);
  }
  if (batchGiven && batch !== req.batch) {
    throw new Error(`${source} holds a batch of ${batch}, but batch ${req.batch} was asked for: drop the batch option or change the array`);
  }
  return { shape: [batch, ...sample], data: t.data };
}

/** Reads a .npy array, or a PNG/JPEG picture (resized and normalised, docs/simulation.md), as the input. */
export async function readInputFile(path: string, req: InputRequest, batchGiven: boolean): Promise<FloatTensor> {
  const bytes = new Uint8Array(await readFile(path));
  if (isImagePath(path)) return checkInput(imageTensor(decodeImage(bytes, path), req.sample, req.framework, path), req, batchGiven, path);
  return checkInput(parseNpy(bytes, path), req, batchGiven, path);
}
