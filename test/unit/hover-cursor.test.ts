// Hover at a `<|>` cursor, in process: the lines a user reads and the range the hover underlines.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hoverAt } from "../../server/src/lsp/hover.js";
import { atCursor } from "./cursor.js";

interface Shown {
  /** The hover's text, one entry per line. */
  lines: string[];
  /** The source text the hover's range covers. */
  underlined: string;
}

function hover(source: string, detail: "full" | "short" = "full", markdown = true): Shown | null {
  const { doc, offset } = atCursor(source);
  const h = hoverAt(doc, offset, detail, markdown);
  if (!h) return null;
  const range = h.range!;
  const underlined = doc.text.slice(doc.index.offset(range.start), doc.index.offset(range.end));
  return { lines: (h.contents as { value: string }).value.split("\n"), underlined };
}

/** Every expected line is a whole line of the hover, in this order; the hover underlines `underlined`. */
function check(source: string, underlined: string, expected: string[]): void {
  const shown = hover(source);
  assert.ok(shown, `a hover at the cursor of: ${source}`);
  assert.equal(shown.underlined, underlined);
  let from = 0;
  for (const line of expected) {
    const at = shown.lines.indexOf(line, from);
    assert.ok(at >= 0, `the line "${line}" (in order) in:\n${shown.lines.join("\n")}`);
    from = at + 1;
  }
}

describe("hover on a layer: shapes and the formulas with the numbers put in", () => {
  const cases: [string, string, string, string[]][] = [
    [
      "a conv",
      "model M { input(3, 32, 32) con<|>v(16, 3) }",
      "conv(16, 3)",
      [
        "**conv1** · `conv`",
        "`3×32×32` → `16×30×30`",
        "- Output size: 32 − 3 + 1 = 30",
        "- Parameters: 3·3·3·16 + 16 = 448",
        "- MACs: 388,800 (388.80 k; FLOPs 777.60 k)",
        "- Receptive field: size 3×3, jump 1, start 1",
      ],
    ],
    [
      "a strided, padded conv",
      "model M { input(3, 32, 32) conv(16, 3, stride: 2, padding: 1<|>) }",
      "conv(16, 3, stride: 2, padding: 1)",
      [
        "`3×32×32` → `16×16×16`",
        "- Output size: ⌊(32 + 2·1 − 3)/2⌋ + 1 = 16",
        "- Receptive field: size 3×3, jump 2, start 0",
      ],
    ],
    [
      "the second layer of a chain",
      "model M { input(3, 32, 32) conv(16, 3) -> re<|>lu }",
      "relu",
      ["**relu1** · `relu`", "`16×30×30` → `16×30×30`", "- Parameters: 0", "- MACs: 0"],
    ],
    [
      "a 1-D conv",
      "model M { input(2, 100) con<|>v(4, 5, stride: 2) }",
      "conv(4, 5, stride: 2)",
      [
        "`2×100` → `4×48`",
        "- Output size: ⌊(100 − 5)/2⌋ + 1 = 48",
        "- Parameters: 5·2·4 + 4 = 44",
        "- Receptive field: size 5, jump 2, start 2",
      ],
    ],
    [
      "a 3-D conv with a formula per axis",
      "model M { input(3, 16, 32, 32) con<|>v(4, (3, 5, 5), padding: (1, 0, 0)) }",
      "conv(4, (3, 5, 5), padding: (1, 0, 0))",
      [
        "`3×16×32×32` → `4×16×28×28`",
        "- Output size: D: 16 + 2·1 − 3 + 1 = 16; H: 32 − 5 + 1 = 28; W: 32 − 5 + 1 = 28",
        "- Parameters: 3·5·5·3·4 + 4 = 904",
      ],
    ],
    [
      "a transposed conv",
      "model M { input(8, 4, 4) convtrans<|>pose(4, 3, stride: 2, padding: 1, output_padding: 1) }",
      "convtranspose(4, 3, stride: 2, padding: 1, output_padding: 1)",
      [
        "`8×4×4` → `4×8×8`",
        "- Output size: (4 − 1)·2 − 2·1 + 2 + 1 + 1 = 8",
        "- Parameters: 3·3·8·4 + 4 = 292",
        "- Receptive field: size 2×2, jump 0.5, start 0",
      ],
    ],
    [
      "a dense after flatten",
      "model M { input(3, 8, 8) flatten -> den<|>se(10) }",
      "dense(10)",
      [
        "`192` → `10`",
        "- Parameters: 192·10 + 10 = 1930",
        "- Receptive field: global (every output sees the whole input)",
      ],
    ],
    [
      "a keras batchnorm with its non-trainable statistics",
      "framework keras\nmodel M { input(8, 8, 32) batch<|>norm }",
      "batchnorm",
      [
        "`8×8×32` → `8×8×32`",
        "- Parameters: 2·32 trainable (γ, β) + 2·32 non-trainable (running mean, variance) = 128",
      ],
    ],
    [
      "a layer inside a block used twice shows its first use, and the range over both",
      "block P(c) { con<|>v(c, 3, padding: 1) }\nmodel M { input(3, 8, 8) P(4) P(8) }",
      "conv(c, 3, padding: 1)",
      [
        "**P1.conv1** · `conv`",
        "`3×8×8` → `4×8×8`",
        "- Parameters: 3·3·3·4 + 4 = 112",
        "_2 uses of this line; figures of the first. Over all uses: `4–8×8×8`, 112–296 parameters._",
      ],
    ],
  ];
  for (const [name, source, underlined, expected] of cases) it(name, () => check(source, underlined, expected));
});

describe("hover on names: block uses, models, labels and block definitions", () => {
  const pair = "block Pair(c) {\n  conv(c, 3, padding: 1) -> relu\n  conv(c, 3, padding: 1)\n}\n";
  const cases: [string, string, string, string[]][] = [
    [
      "a block use gives the block's totals",
      `${pair}model M {\n  input(3, 8, 8)\n  Pa<|>ir(4)\n}`,
      "Pair(4)",
      ["**Pair1** · block `Pair`", "`3×8×8` → `4×8×8`", "- Parameters: 260", "- Layers: 3"],
    ],
    [
      "a model's name gives the model's totals",
      `${pair}model <|>M {\n  input(3, 8, 8)\n  Pair(4)\n}`,
      "M",
      ["**model M** (pytorch)", "`3×8×8` → `4×8×8`", "- Parameters: 260", "- Layers: 3"],
    ],
    [
      "a label gives its shape and line",
      "model M {\n  input(3, 8, 8)\n  st<|>em: conv(4, 1)\n}",
      "stem",
      ["**stem**: `4×8×8`", "label defined on line 3"],
    ],
    [
      "a block's name counts its uses",
      `${pair.replace("block Pair", "block Pa<|>ir")}model M {\n  input(3, 8, 8)\n  Pair(4) -> Pair(8)\n}`,
      "Pair",
      ["**block Pair** — used 2 times"],
    ],
  ];
  for (const [name, source, underlined, expected] of cases) it(name, () => check(source, underlined, expected));

  it("has nothing to say between statements or in a comment", () => {
    assert.equal(hover("model M {\n  input(3, 8, 8)\n<|>\n  conv(4, 1)\n}"), null);
    assert.equal(hover("model M {\n  input(3, 8, 8)\n  # a co<|>nv here\n  conv(4, 1)\n}"), null);
  });
});

describe("hover forms the client asked for", () => {
  const source = "model M { input(3, 96, 96) co<|>nv(16, 5) }";
  it("short detail keeps the shapes and parameters only", () => {
    const lines = hover(source, "short")!.lines;
    assert.deepEqual(
      lines.filter((l) => l.startsWith("- ")),
      ["- Parameters: 5·5·3·16 + 16 = 1216"],
    );
    assert.ok(lines.includes("`3×96×96` → `16×92×92`"));
  });
  it("plain text drops the markdown marks", () => {
    const lines = hover(source, "full", false)!.lines;
    assert.equal(lines[0], "conv1 · conv");
    assert.ok(lines.includes("3×96×96 → 16×92×92"), lines.join("\n"));
  });
});
