// Shared test helpers: the repository root, fixtures, and a model wrapper for one-line cases.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { analyze, type Analysis, type Diagnostic } from "../../server/src/analysis/index.js";

/** The repository root, found from this file whether it runs from test/ or from the compiled out/test/. */
export const repoRoot: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  // package-lock.json, not package.json: tsc copies package.json into out/ (the CLI imports its version).
  while (!existsSync(join(dir, "package-lock.json"))) dir = dirname(dir);
  return dir;
})();

export function readRepoFile(path: string): string {
  return readFileSync(join(repoRoot, path), "utf8");
}

export function readJson<T>(path: string): T {
  return JSON.parse(readRepoFile(path)) as T;
}

/** Wraps layer lines in a model with the given input, so that layer i sits on line i + 2 (0-based). */
export function wrap(input: number[], lines: string[], framework: "pytorch" | "keras" = "pytorch"): string {
  return [
    `framework ${framework}`,
    `model Case {`,
    `  input(${input.join(", ")})`,
    ...lines.map((l) => `  ${l}`),
    "}",
  ].join("\n");
}

/** The first line of a wrapped model's layers. */
export const FIRST_LAYER_LINE = 3;

export function errors(a: Analysis): Diagnostic[] {
  return a.diagnostics.filter((d) => d.severity === "error");
}

/** The 0-based line of an offset. */
export function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split("\n").length - 1;
}

export { analyze };
