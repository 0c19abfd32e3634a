// Signature help at a `<|>` cursor, in process: which call, and which of its parameters is active.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { signatureHelp } from "../../server/src/lsp/signature-help.js";
import { atCursor } from "./cursor.js";

/** The signature's label and its active parameter's label, or null where there is no call. */
function help(source: string): { label: string; active: string } | null {
  const { doc, offset } = atCursor(source);
  const h = signatureHelp(doc, offset);
  if (!h) return null;
  const signature = h.signatures[h.activeSignature ?? 0]!;
  return { label: signature.label, active: signature.parameters![h.activeParameter ?? 0]!.label as string };
}

/** The call is `name(…)` and the parameter under the cursor is `active`. */
function check(source: string, name: string, active: string): void {
  const got = help(source);
  assert.ok(got, `signature help at the cursor of: ${source}`);
  assert.ok(got.label.startsWith(`${name}(`), got.label);
  assert.equal(got.active, active);
}

const conv =
  "conv(out_channels, kernel, stride = 1, padding = 0 (pytorch) / valid (keras), dilation = 1, groups = 1, " +
  "bias = true)";
const m = (call: string) => `model M {\n  input(3, 32, 32)\n  ${call}\n}`;

describe("signature help shows the call's parameters, the one under the cursor active", () => {
  it("a conv's whole signature, with both frameworks' defaults", () => {
    assert.deepEqual(help(m("conv(<|>)")), { label: conv, active: "out_channels" });
  });
  const cases: [string, string, string, string][] = [
    ["the second positional argument", m("conv(8, <|>)"), "conv", "kernel"],
    ["a keyword argument", m("conv(8, 3, padding: <|>)"), "conv", "padding = 0 (pytorch) / valid (keras)"],
    ["a keyword argument by its keras name", m("conv(8, 3, strides: <|>)"), "conv", "stride = 1"],
    ["inside a tuple: the argument the tuple is", m("conv(8, (3, <|>))"), "conv", "kernel"],
    ["after a tuple", m("conv(8, (3, 5), <|>)"), "conv", "stride = 1"],
    ["a keras class name with keras argument names", m("Conv2D(filters: 8, kernel_size: <|>)"), "Conv2D", "kernel"],
    ["a pool's default differs by framework", m("maxpool(<|>)"), "maxpool", "kernel = required (pytorch) / 2 (keras)"],
    ["past the last parameter: the last one", m("dense(10, true, <|>)"), "dense", "bias = true"],
    ["an argument written as arithmetic", m("conv(8 * (2 + 1), <|>)"), "conv", "kernel"],
    ["the inner of two calls on a line", m("conv(8, 3) -> maxpool(2, <|>)"), "maxpool", "stride (optional)"],
  ];
  for (const [name, source, call, active] of cases) it(name, () => check(source, call, active));

  it("input: the sizes in the file's layout and the batch", () => {
    assert.deepEqual(help("model M {\n  input(3, <|>)\n}"), {
      label: "input(channels, height, width, batch = 1)",
      active: "height",
    });
    assert.deepEqual(help("framework keras\nmodel M {\n  input(<|>)\n}"), {
      label: "input(height, width, channels, batch = 1)",
      active: "height",
    });
    assert.equal(help("model M {\n  input(3, 8, 8, batch: <|>)\n}")?.active, "batch = 1");
  });

  it("a block use: the block's parameters, a default shown as …", () => {
    const source = "block B(width, stride = 1) { relu }\n" + m("B(4, <|>)");
    assert.deepEqual(help(source), { label: "B(width, stride = …)", active: "stride = …" });
  });
});

describe("signature help stays quiet outside a call", () => {
  const cases: [string, string][] = [
    ["after a layer without brackets", m("relu <|>")],
    ["after a closed call", m("conv(8, 3)<|>")],
    ["in a comment that looks like a call", "model M {\n  input(3, 8, 8)\n  # conv(<|>\n}"],
    ["an unknown name", m("frobnicate(<|>)")],
  ];
  for (const [name, source] of cases) it(name, () => assert.equal(help(source), null));
});
