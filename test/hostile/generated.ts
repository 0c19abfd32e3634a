// The hostile texts that the corpus test runs through every CLI command and LSP request: bombs.ts' generators
// plus a few that exist only here, each made at test time (too large to commit).
import {
  generateBlocks,
  generateBraceBomb,
  generateLabels,
  generateMinusRun,
  generateModels,
  random,
} from "./bombs.js";

/** A name, and the text it generates. */
export interface HostileText {
  name: string;
  text: string;
}

/** Every generated bomb; each stays under a few MB so the whole set runs in seconds. */
export function generatedTexts(): HostileText[] {
  const next = random(2026);
  const nestedBlocks = (depth: number) =>
    [
      ...Array.from({ length: depth }, (_, i) => `block B${i}() { B${i + 1}() B${i + 1}() }`),
      `block B${depth}() { relu }`,
      "model Exponential { input(3, 8, 8) B0() }",
    ].join("\n");
  return [
    { name: "a megabyte of open brackets", text: "model M { input(3, 8, 8) conv" + "(".repeat(1_000_000) },
    { name: "23,000 nested braces", text: generateBraceBomb(23_000) },
    {
      name: "binary garbage",
      text: String.fromCharCode(...Array.from({ length: 60_000 }, () => Math.floor(next() * 256))),
    },
    {
      name: "numbers past every range",
      text: "model M {\n  input(3, 1e400, 99999999999999999999999)\n  conv(1e308, 3)\n  dense(-0)\n}",
    },
    { name: "a block that expands 2^24 times", text: nestedBlocks(24) },
    { name: "2,000 models with an error each", text: generateModels(2_000) },
    { name: "2,000 blocks used once", text: generateBlocks(2_000) },
    { name: "20,000 labels", text: generateLabels(20_000) },
    { name: "20,000 minus signs", text: generateMinusRun(20_000) },
    { name: "CR-only line breaks", text: "# a comment\rmodel M {\r  input(3, 8, 8)\r  conv(4, 3) -> relu\r}\r" },
    {
      name: "unpaired surrogates and control characters",
      text: "model M\ud800 { input(3, 8, 8)\u0000 conv(4, 3) \udfff\u2028relu }",
    },
  ];
}
