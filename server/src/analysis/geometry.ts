// Output sizes of sliding windows (conv, pooling, transposed conv) per axis, with each framework's rules.

/** One axis of a sliding window; `padBefore`/`padAfter` are in pixels (asymmetric for `same`). */
export interface AxisWindow {
  size: number;
  kernel: number;
  stride: number;
  dilation: number;
  padBefore: number;
  padAfter: number;
}

export interface AxisOutcome {
  out: number;
  /** The formula with the numbers put in, ending in `= out`. */
  formula: string;
  /** Input rows (or columns) at the end that no window reaches: a division that is not whole. */
  dropped: number;
}

const effective = (a: AxisWindow) => a.dilation * (a.kernel - 1) + 1;

function paddingTerm(a: AxisWindow): string {
  if (a.padBefore === a.padAfter) return a.padBefore === 0 ? "" : ` + 2·${a.padBefore}`;
  return ` + ${a.padBefore} + ${a.padAfter}`;
}

function kernelTerm(a: AxisWindow): string {
  return a.dilation === 1 ? `${a.kernel}` : `${a.dilation}·(${a.kernel} − 1) − 1`;
}

/**
 * PyTorch's conv and pool size: ⌊(W + 2P − D(K−1) − 1)/S⌋ + 1, or with ceil_mode ⌈…⌉ + 1 where the last
 * window must start inside the input or the left padding (else one less).
 */
export function windowOutput(a: AxisWindow, ceilMode = false): AxisOutcome {
  const span = a.size + a.padBefore + a.padAfter - effective(a);
  let out = (ceilMode ? Math.ceil(span / a.stride) : Math.floor(span / a.stride)) + 1;
  if (ceilMode && (out - 1) * a.stride >= a.size + a.padBefore) out -= 1;
  const bracket = ceilMode ? ["⌈", "⌉"] : ["⌊", "⌋"];
  const inner = `${a.size}${paddingTerm(a)} − ${kernelTerm(a)}`;
  const formula =
    a.stride === 1 && !ceilMode
      ? `${inner} + 1 = ${out}`
      : `${bracket[0]}(${inner})/${a.stride}${bracket[1]} + 1 = ${out}`;
  return { out, formula, dropped: droppedRows(a, out) };
}

/** Real input rows past the end of the last window (padding that no window reaches does not count). */
function droppedRows(a: AxisWindow, out: number): number {
  if (out <= 0) return 0;
  const lastCovered = (out - 1) * a.stride + effective(a) - 1;
  const lastReal = a.padBefore + a.size - 1;
  return Math.max(0, lastReal - lastCovered);
}

/** TensorFlow's `same`: out = ⌈W/S⌉, total padding max((out−1)S + D(K−1) + 1 − W, 0), the odd pixel after. */
export function samePadding(
  size: number,
  kernel: number,
  stride: number,
  dilation: number,
): { padBefore: number; padAfter: number; out: number } {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + dilation * (kernel - 1) + 1 - size, 0);
  const padBefore = Math.floor(total / 2);
  return { padBefore, padAfter: total - padBefore, out };
}

/** PyTorch ConvTranspose: (W − 1)S − 2P + D(K − 1) + output_padding + 1. */
export function transposedOutput(a: AxisWindow, outputPadding: number): AxisOutcome {
  const out = (a.size - 1) * a.stride - a.padBefore - a.padAfter + a.dilation * (a.kernel - 1) + outputPadding + 1;
  const pad =
    a.padBefore === a.padAfter ? (a.padBefore ? ` − 2·${a.padBefore}` : "") : ` − ${a.padBefore} − ${a.padAfter}`;
  const dil = a.dilation === 1 ? `${a.kernel - 1}` : `${a.dilation}·(${a.kernel} − 1)`;
  const op = outputPadding ? ` + ${outputPadding}` : "";
  return { out, formula: `(${a.size} − 1)·${a.stride}${pad} + ${dil}${op} + 1 = ${out}`, dropped: 0 };
}

/**
 * Keras Conv*DTranspose (keras' deconv_output_length): without output_padding, `valid` gives
 * W·S + max(K_eff − S, 0) and `same` gives W·S; with it, (W − 1)S + K_eff − 2·pad + output_padding.
 */
export function kerasTransposedOutput(
  size: number,
  kernel: number,
  stride: number,
  dilation: number,
  same: boolean,
  outputPadding: number | undefined,
): { out: number; padBefore: number; formula: string } {
  const k = dilation * (kernel - 1) + 1;
  if (outputPadding === undefined) {
    const out = same ? size * stride : size * stride + Math.max(k - stride, 0);
    const formula = same ? `${size}·${stride} = ${out}` : `${size}·${stride} + max(${k} − ${stride}, 0) = ${out}`;
    // The kernel overhang beyond W·S is cropped evenly, as TensorFlow's conv2d_transpose does.
    // With K < S the output is longer than the kernels reach: nothing is cropped.
    const overhang = Math.max(0, (size - 1) * stride + k - out);
    return { out, padBefore: Math.floor(overhang / 2), formula };
  }
  const pad = same ? Math.floor(k / 2) : 0;
  const out = (size - 1) * stride + k - 2 * pad + outputPadding;
  // The full result is cropped by 2·pad − output_padding in all, the smaller half before (TensorFlow).
  return {
    out,
    padBefore: Math.max(0, Math.floor((2 * pad - outputPadding) / 2)),
    formula: `(${size} − 1)·${stride} + ${k} − 2·${pad} + ${outputPadding} = ${out}`,
  };
}
