// Numbers as the CLI writes them (server/src/report/format.ts), for the webviews. Repeated here because a webview
// bundle that imported server/src/protocol.ts would carry the LSP library with it (140 KB); the summary view's
// unit test (test/unit/summary-rows.test.ts) compares every cell with `cnnlens summary`, so the two cannot drift.

/** 25557032 → "25,557,032". */
export function grouped(n: number): string {
  return Math.round(n).toLocaleString("en-US");
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
