// The summary table's digit grouping is written by hand for speed; it must read exactly as ICU's en-US grouping.
import assert from "node:assert/strict";
import { test } from "node:test";
import { grouped } from "../../server/src/report/format.js";

test("grouped writes every count as toLocaleString('en-US') does", () => {
  const counts = [0, 1, -1, 7, 999, 1000, -1000, 12_345, 999_999, 1_000_000, 25_557_032, -1_234_567.6, 0.4, -0.4, -0.6];
  for (let digits = 1; digits <= 16; digits++) counts.push(10 ** digits - 1, 10 ** digits, -(10 ** digits) + 1);
  counts.push(Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 60, Infinity, -Infinity, NaN);
  for (const n of counts) assert.equal(grouped(n), Math.round(n).toLocaleString("en-US"), String(n));
});
