// Number formatting shared by the summary table, hovers and code lenses.

/** 25557032 → "25,557,032", as toLocaleString("en-US") writes it. */
export function grouped(n: number): string {
  const whole = Math.round(n);
  // By hand for the exact integers: the summary table writes two for each of 50,000 layers, and ICU's
  // toLocaleString took a third of its time.
  if (!Number.isSafeInteger(whole)) return whole.toLocaleString("en-US");
  const digits = String(Math.abs(whole));
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = out.length; i < digits.length; i += 3) out += "," + digits.slice(i, i + 3);
  return whole < 0 || Object.is(whole, -0) ? "-" + out : out;
}

/** 4089184256 → "4.09 G"; small numbers stay whole. */
export function compact(n: number): string {
  const units: [number, string][] = [
    [1e12, "T"],
    [1e9, "G"],
    [1e6, "M"],
    [1e3, "k"],
  ];
  for (const [size, unit] of units) if (Math.abs(n) >= size) return `${(n / size).toFixed(2)} ${unit}`;
  return String(Math.round(n));
}

/** Bytes in megabytes with two decimals, as torchinfo prints them (10^6 bytes). */
export function megabytes(bytes: number): string {
  return (bytes / 1e6).toFixed(2);
}

/**
 * A receptive-field axis value: whole numbers plainly, fractions (after upsampling) to three places. A
 * fraction that three places would round to a whole number (2.0001, a jump of 1e-8) keeps its significant
 * digits instead, so it never reads as `2.` or `0.`; the analysis leaves out fields that are not finite.
 */
export function fieldNumber(x: number): string {
  if (!Number.isFinite(x)) return "?";
  if (Number.isInteger(x)) return String(x);
  const short = x.toFixed(3).replace(/0+$/, "");
  if (!short.endsWith(".")) return short;
  const precise = String(Number(x.toPrecision(12)));
  return Number.isInteger(Number(precise)) ? `≈${precise}` : precise;
}
