// Writes one layer call of the .cnn language (`conv(64, 3, stride: 2, bias: false)`) from numbers.

export type ArgValue = number | boolean | string | number[];

/** `kind(p1, p2, key: value)`, leaving out keyword arguments that are undefined; `kind` alone without arguments. */
export function layerCall(kind: string, positional: ArgValue[], named: [string, ArgValue | undefined][] = []): string {
  const parts = [
    ...positional.map(formatArg),
    ...named.filter(([, v]) => v !== undefined).map(([k, v]) => `${k}: ${formatArg(v!)}`),
  ];
  return parts.length === 0 ? kind : `${kind}(${parts.join(", ")})`;
}

/** A per-axis value: one number when every axis has it, a tuple otherwise. */
export function axes(values: number[]): number | number[] {
  return values.every((v) => v === values[0]) ? values[0]! : values;
}

function formatArg(v: ArgValue): string {
  if (Array.isArray(v)) return `(${v.map(formatNumber).join(", ")})`;
  if (typeof v === "number") return formatNumber(v);
  return String(v);
}

/**
 * The shortest decimal that is the same float32: ONNX stores eps 1e-5 as 9.99999974737875e-6, and the file
 * should say 1e-5, which the simulation turns back into the same float32.
 */
export function formatNumber(x: number): string {
  if (Number.isInteger(x)) return String(x);
  const single = Math.fround(x);
  for (let p = 1; p <= 17; p++) {
    const candidate = Number(x.toPrecision(p));
    if (Math.fround(candidate) === single) return shortest(candidate);
  }
  return shortest(x);
}

/** `0.00001` → `1e-5`: the language reads exponents, and they are easier to read for small numbers. */
function shortest(x: number): string {
  const plain = String(x);
  const exponential = x.toExponential().replace("e+", "e");
  return exponential.length < plain.length ? exponential : plain;
}
