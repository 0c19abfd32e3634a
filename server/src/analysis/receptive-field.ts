// The receptive-field recursion of the spec (section 5), per spatial axis of the model input.
import type { ReceptiveField } from "./types.js";

/** The model input: each position sees itself. Centres are 0-based pixel indices. */
export function inputField(rank: number): ReceptiveField {
  return { size: Array(rank).fill(1), jump: Array(rank).fill(1), start: Array(rank).fill(0), global: false };
}

export interface Window {
  kernel: number[];
  stride: number[];
  dilation: number[];
  /** Padding before the first element on each axis (the left or top side). */
  padBefore: number[];
}

/** Convolution and pooling: r += (K−1)·D·j, s += ((K−1)·D/2 − P)·j, j ·= S. */
export function throughWindow(rf: ReceptiveField, w: Window): ReceptiveField {
  if (rf.global) return rf;
  return {
    size: rf.size.map((r, i) => r + (w.kernel[i]! - 1) * w.dilation[i]! * rf.jump[i]!),
    start: rf.start.map((s, i) => s + (((w.kernel[i]! - 1) * w.dilation[i]!) / 2 - w.padBefore[i]!) * rf.jump[i]!),
    jump: rf.jump.map((j, i) => j * w.stride[i]!),
    global: false,
  };
}

/**
 * Transposed convolution: an output position sees at most ⌈(D(K−1)+1)/S⌉ consecutive inputs, and the
 * jump shrinks by S. The first output's centre maps back to input coordinate (P − D(K−1)/2)/S.
 */
export function throughTransposed(rf: ReceptiveField, w: Window): ReceptiveField {
  if (rf.global) return rf;
  return {
    size: rf.size.map(
      (r, i) => r + (Math.ceil((w.dilation[i]! * (w.kernel[i]! - 1) + 1) / w.stride[i]!) - 1) * rf.jump[i]!,
    ),
    start: rf.start.map(
      (s, i) => s + ((w.padBefore[i]! - (w.dilation[i]! * (w.kernel[i]! - 1)) / 2) / w.stride[i]!) * rf.jump[i]!,
    ),
    jump: rf.jump.map((j, i) => j / w.stride[i]!),
    global: false,
  };
}

/** Upsampling by `scale`: nearest keeps r, bilinear adds one input step; both divide the jump. */
export function throughUpsample(rf: ReceptiveField, scale: number[], bilinear: boolean): ReceptiveField {
  if (rf.global) return rf;
  return {
    size: rf.size.map((r, i) => (bilinear ? r + rf.jump[i]! : r)),
    // Output pixel 0's centre sits at input coordinate (0.5 / scale − 0.5) (half-pixel convention).
    start: rf.start.map((s, i) => s + (0.5 / scale[i]! - 0.5) * rf.jump[i]!),
    jump: rf.jump.map((j, i) => j / scale[i]!),
    global: false,
  };
}

/** Dense, flatten and global pools: every output sees the whole input. */
export function globalField(rf: ReceptiveField, modelInput: number[]): ReceptiveField {
  if (rf.global) return rf;
  return { size: modelInput.slice(), jump: rf.jump.slice(), start: rf.start.map(() => 0), global: true };
}

/** Zero padding shifts the centre of the first position back by the padding. */
export function throughPad(rf: ReceptiveField, padBefore: number[]): ReceptiveField {
  if (rf.global) return rf;
  const start = rf.start.map((s, i) => s - padBefore[i]! * rf.jump[i]!);
  return { size: rf.size, jump: rf.jump, start, global: rf.global };
}

/**
 * Merging paths takes the largest field; `aligned` is false when the paths disagree on jump or centre,
 * which the analysis reports as a warning.
 */
export function mergeFields(fields: ReceptiveField[]): { field: ReceptiveField; aligned: boolean } {
  const first = fields[0]!;
  if (fields.some((f) => f.global)) return { field: fields.find((f) => f.global)!, aligned: true };
  const aligned = fields.every(
    (f) => f.jump.every((j, i) => j === first.jump[i]) && f.start.every((s, i) => s === first.start[i]),
  );
  return {
    field: {
      size: first.size.map((_, i) => Math.max(...fields.map((f) => f.size[i]!))),
      jump: first.jump.slice(),
      start: first.start.slice(),
      global: false,
    },
    aligned,
  };
}
