// The cases of test/golden/structures.json (scripts/golden/structures.py) and the .cnn text of each.
import { readJson } from "./helpers.js";

export interface StructureCase {
  id: string;
  inputs: { label: string | null; shape: number[] }[];
  blocks?: string[];
  body: string[];
  torch: string;
  expect: { outputs: number[][]; params: number; keys: string[] } | { error: string };
}

/** The .cnn text of a case: its blocks, then `model M` with its inputs and body. */
export function structureSource(c: StructureCase): string {
  const inputs = c.inputs.map((i) => `  ${i.label ? `${i.label}: ` : ""}input(${i.shape.join(", ")})`);
  return [...(c.blocks ?? []), "model M {", ...inputs, ...c.body.map((l) => `  ${l}`), "}", ""].join("\n");
}

export const structureCases = readJson<{ cases: StructureCase[] }>("test/golden/structures.json").cases;
