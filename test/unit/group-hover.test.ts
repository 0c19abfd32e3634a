// Hovers on structure keywords and block uses: the figures of everything inside, rolled up.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hoverAt } from "../../server/src/lsp/hover.js";
import { atCursor } from "./cursor.js";

/** The hover text at the `<|>` cursor, or null. */
function hover(source: string, detail: "full" | "short" = "full"): string | null {
  const { doc, offset } = atCursor(source);
  const h = hoverAt(doc, offset, detail);
  return h ? (h.contents as { value: string }).value : null;
}

const model = (body: string, blocks = "") => `${blocks}model M {\n  input(3, 32, 32)\n${body}\n}`;
const unit =
  "block Unit(c, s = 1) {\n  residual {\n" +
  "    conv(c, 3, stride: s, padding: 1) -> batchnorm -> relu\n  } shortcut auto\n}\n";

describe("hover on a structure's keyword: its rolled-up figures", () => {
  it("residual: shapes, parameters, MACs, receptive field, memory and layer count", () => {
    const value = hover(model("  res<|>idual {\n    conv(8, 3, padding: 1)\n  } shortcut auto"))!;
    assert.match(value, /^\*\*residual\*\* · `residual` — the body added to its shortcut/);
    assert.ok(value.includes("`3×32×32` → `8×32×32`"), value);
    // conv 3·3·3·8 + 8 = 224, projection conv 3·8 = 24 and batchnorm 16: 264.
    assert.ok(value.includes("- Parameters: 264"), value);
    // MACs: 32·32·8·27 for the conv and 32·32·8·3 for the projection.
    assert.ok(value.includes(`- MACs: ${(32 * 32 * 8 * 30).toLocaleString("en-US")}`), value);
    assert.ok(value.includes("- Receptive field: size 3×3, jump 1, start 0"), value);
    // The three layers' outputs, 8×32×32 floats each: 98.3 kB.
    assert.ok(value.includes("- Memory: 98.30 kB of layer outputs"), value);
    assert.ok(value.includes("- Layers: 3"), value);
  });
  it("repeat: the figures of every iteration together", () => {
    const value = hover(model("  rep<|>eat 3 { conv(3, 1) }"))!;
    assert.ok(value.includes("**repeat1** · `repeat`"), value);
    assert.ok(value.includes("- Parameters: 36") && value.includes("- Layers: 3"), value);
  });
  it("concat and add with branches", () => {
    const source = (merge: string) =>
      model(`  ${merge} {\n    branch { conv(4, 1) }\n    branch { conv(4, 3, padding: 1) }\n  }`);
    assert.ok(hover(source("con<|>cat"))!.includes("`3×32×32` → `8×32×32`"));
    const add = hover(source("a<|>dd"))!;
    assert.ok(add.includes("`3×32×32` → `4×32×32`") && add.includes("- Parameters: 128"), add);
  });
  it("seq: its statements as one module", () => {
    assert.ok(hover(model("  s<|>eq { conv(4, 1) -> relu }"))!.includes("`3×32×32` → `4×32×32`"));
  });
  it("the keyword only: inside the body the layer under the cursor answers", () => {
    assert.match(hover(model("  residual {\n    co<|>nv(8, 3, padding: 1)\n  }"))!, /^\*\*conv1\*\*/);
    assert.equal(hover(model("  residual <|> {\n    conv(3, 3, padding: 1)\n  }")), null);
  });
  it("a structure inside a block used twice: the first use, and the range over all uses", () => {
    const value = hover(model("  Unit(8)\n  Unit(16, s: 2)", unit.replace("residual {", "resid<|>ual {")))!;
    assert.ok(value.includes("`3×32×32` → `8×32×32`"), value);
    assert.ok(value.includes("2 uses of this text") && value.includes("output `8–16×16–32×16–32`"), value);
  });
  it("short detail keeps the shapes and the parameters", () => {
    const value = hover(model("  res<|>idual {\n    conv(3, 3, padding: 1)\n  }"), "short")!;
    assert.ok(value.includes("- Parameters:") && !value.includes("MACs") && !value.includes("Memory"), value);
  });
});

describe("hover on a block use: the block's layers rolled up", () => {
  it("parameters, MACs, output shape, receptive field and memory of the use", () => {
    const value = hover(model("  Un<|>it(8, s: 2)", unit))!;
    assert.match(value, /^\*\*Unit1\*\* · block `Unit`/);
    assert.ok(value.includes("`3×32×32` → `8×16×16`"), value);
    // conv 3·3·3·8 + 8, batchnorm 16, projection conv 3·8 and batchnorm 16.
    assert.ok(value.includes(`- Parameters: ${224 + 16 + 24 + 16}`), value);
    assert.ok(value.includes("- Receptive field: size 3×3, jump 2, start 0"), value);
    assert.ok(/- Memory: [\d.]+ kB of layer outputs/.test(value) && value.includes("- Layers: 5"), value);
  });
});
