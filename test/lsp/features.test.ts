// The language server over stdio: diagnostics, inlay hints, hover, completion, rename, formatting, quick fixes.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type {
  CodeAction,
  CompletionItem,
  Diagnostic,
  Hover,
  InlayHint,
  TextEdit,
  WorkspaceEdit,
} from "vscode-languageserver-protocol";
import { readJson, readRepoFile } from "../unit/helpers.js";
import { applyEdits, markers, TestClient } from "./lsp-client.js";
import { vscodeProfile } from "./profiles/index.js";

const client = new TestClient(vscodeProfile);
before(() => client.initialize());
after(() => client.stop());

let counter = 0;
async function openDoc(text: string): Promise<string> {
  const uri = `file:///test/doc${++counter}.cnn`;
  await client.open(uri, text);
  return uri;
}

async function hover(source: string): Promise<string> {
  const { text, positions } = markers(source);
  const uri = await openDoc(text);
  const h = await client.request<Hover | null>("textDocument/hover", { textDocument: { uri }, position: positions[0] });
  return h ? (h.contents as { value: string }).value : "";
}

describe("opening examples/resnet50.cnn", () => {
  const text = readRepoFile("examples/resnet50.cnn");
  let uri: string;
  before(async () => {
    uri = await openDoc(text);
  });

  it("gives no diagnostics", async () => {
    assert.deepEqual(await client.diagnosticsFor(uri), []);
  });

  it("gives an inlay hint on every layer line, with PyTorch's shapes", async () => {
    const lines = text.split("\n");
    const hints = await client.request<InlayHint[]>("textDocument/inlayHint", {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } },
    });
    const hinted = new Map(hints.map((h) => [h.position.line, String(h.label)]));
    // Every line that holds a layer, a block use or a repeat has its hint, at the end of the code.
    lines.forEach((line, i) => {
      const code = line.replace(/#.*/, "").trim();
      if (/^(conv|maxpool|relu|Bottleneck|repeat|adaptiveavgpool)/.test(code))
        assert.ok(hinted.has(i), `line ${i + 1}: ${code}`);
    });
    // The model's lines against torchvision's shapes: the stem, the stages and the head.
    const golden = readJson<{ layers: { module: string; outputShape: number[] }[] }>(
      "test/golden/examples/resnet50.json",
    ).layers;
    // A module called several times (torchvision reuses one ReLU per block) counts by its last call.
    const torch = (module: string) => `→ ${golden.findLast((l) => l.module === module)!.outputShape.join("×")}`;
    const lineOf = (needle: string) => lines.findIndex((l) => l.includes(needle));
    assert.equal(hinted.get(lineOf("input(3, 224, 224)")), "→ 3×224×224");
    assert.equal(hinted.get(lineOf("conv(64, 7")), torch("relu"));
    assert.equal(hinted.get(lineOf("maxpool(3")), torch("maxpool"));
    assert.equal(hinted.get(lineOf("repeat 2 { Bottleneck(64) }")), torch("layer1.2.relu"));
    assert.equal(hinted.get(lineOf("Bottleneck(128, stride: 2)")), torch("layer2.0.relu"));
    assert.equal(hinted.get(lineOf("repeat 2 { Bottleneck(512) }")), torch("layer4.2.relu"));
    assert.equal(hinted.get(lineOf("adaptiveavgpool(1)")), torch("fc"));
  });
});

describe("a typo", () => {
  it("gives one diagnostic at the typo, and a quick fix that corrects it", async () => {
    const text = "model M {\n  input(3, 32, 32)\n  covn(16, 3, padding: 1) -> relu\n}\n";
    const uri = await openDoc(text);
    const diagnostics = await client.diagnosticsFor(uri);
    assert.equal(diagnostics.length, 1);
    const d = diagnostics[0]!;
    assert.deepEqual(
      [d.code, d.range],
      ["unknown-layer", { start: { line: 2, character: 2 }, end: { line: 2, character: 6 } }],
    );
    const actions = await client.request<CodeAction[]>("textDocument/codeAction", {
      textDocument: { uri },
      range: d.range,
      context: { diagnostics },
    });
    assert.equal(actions[0]!.title, "Change to 'conv'");
    const edits = (actions[0]!.edit as WorkspaceEdit).changes![uri]!;
    assert.deepEqual(edits, [{ range: d.range, newText: "conv" }]);
  });

  it("quick fixes: flatten before dense, shortcut auto, padding that keeps the size", async () => {
    const text = "model M {\n  input(3, 8, 8)\n  residual { conv(8, 3, padding: 1) }\n  conv(8, 11)\n  dense(10)\n}\n";
    const uri = await openDoc(text);
    const diagnostics = await client.diagnosticsFor(uri);
    const actions = await client.request<CodeAction[]>("textDocument/codeAction", {
      textDocument: { uri },
      range: diagnostics[0]!.range,
      context: { diagnostics },
    });
    assert.deepEqual(
      actions.map((a) => a.title),
      ["Add `shortcut auto` (a 1×1 conv + batchnorm projection)", "Insert padding: 5 to keep the size"],
    );
    const dense = await openDoc("model M {\n  input(3, 8, 8)\n  dense(10)\n}\n");
    const dd = await client.diagnosticsFor(dense);
    const fix = await client.request<CodeAction[]>("textDocument/codeAction", {
      textDocument: { uri: dense },
      range: dd[0]!.range,
      context: { diagnostics: dd },
    });
    assert.deepEqual((fix[0]!.edit as WorkspaceEdit).changes![dense], [
      { range: { start: { line: 2, character: 2 }, end: { line: 2, character: 2 } }, newText: "flatten -> " },
    ]);
  });
});

describe("hover", () => {
  it("shows the seed's parameter formula 5·5·3·16 + 16 = 1216 and the output-size formula", async () => {
    const value = await hover("model M {\n  input(3, 96, 96)\n  co<|>nv(16, 5)\n}");
    assert.match(value, /5·5·3·16 \+ 16 = 1216/);
    assert.match(value, /96 − 5 \+ 1 = 92/);
    assert.match(value, /`3×96×96` → `16×92×92`/);
    assert.match(value, /Receptive field: size 5×5, jump 1, start 2/);
  });
  it("on a block use gives the block's totals; on the model line, the model's", async () => {
    const text =
      "block Pair(c) {\n  conv(c, 3, padding: 1) -> relu\n  conv(c, 3, padding: 1)\n}\n" +
      "model <|>M {\n  input(3, 8, 8)\n  Pa<|>ir(4)\n}";
    const { text: clean, positions } = markers(text);
    const uri = await openDoc(clean);
    const onModel = await client.request<Hover>("textDocument/hover", {
      textDocument: { uri },
      position: positions[0],
    });
    const onBlock = await client.request<Hover>("textDocument/hover", {
      textDocument: { uri },
      position: positions[1],
    });
    assert.match((onModel.contents as { value: string }).value, /Parameters: 260/);
    assert.match(
      (onBlock.contents as { value: string }).value,
      /\*\*Pair1\*\* · block `Pair`[\s\S]*Parameters: 260[\s\S]*Layers: 3/,
    );
  });
  it("on a label gives its shape", async () => {
    assert.match(await hover("model M {\n  input(3, 8, 8)\n  st<|>em: conv(4, 1)\n}"), /\*\*stem\*\*: `4×8×8`/);
  });
});

describe("completion", () => {
  const labels = async (source: string) => {
    const { text, positions } = markers(source);
    const uri = await openDoc(text);
    const items = await client.request<CompletionItem[]>("textDocument/completion", {
      textDocument: { uri },
      position: positions[0],
    });
    return items.map((i) => i.label);
  };
  it("offers argument names inside a layer call, without those already given", async () => {
    const got = await labels("model M {\n  input(3, 8, 8)\n  conv(8, 3, stride: 2, <|>)\n}");
    assert.ok(got.includes("padding:") && got.includes("dilation:") && got.includes("groups:"), got.join(" "));
    assert.ok(!got.includes("stride:"));
  });
  it("offers values after a keyword", async () => {
    assert.deepEqual(await labels("framework keras\nmodel M {\n  input(8, 8, 3)\n  conv(8, 3, padding: <|>)\n}"), [
      "same",
      "valid",
    ]);
  });
  it("offers layers, blocks and labels in a body, and definitions at the top", async () => {
    const got = await labels("block Pair(c) { conv(c, 1) }\nmodel M {\n  input(3, 8, 8)\n  a: conv(4, 1)\n  <|>\n}");
    for (const want of ["conv", "batchnorm", "Pair", "a", "residual", "repeat"]) assert.ok(got.includes(want), want);
    assert.deepEqual(await labels("<|>"), ["model", "block", "framework"]);
  });
});

describe("rename, references, definition", () => {
  it("renames a block at its definition and every use", async () => {
    const { text, positions } = markers(
      "block <|>Pair(c) { conv(c, 1) }\nmodel M {\n  input(3, 8, 8)\n  Pair(4) -> Pair(8)\n}",
    );
    const uri = await openDoc(text);
    const edit = await client.request<WorkspaceEdit>("textDocument/rename", {
      textDocument: { uri },
      position: positions[0],
      newName: "Twin",
    });
    const edits = edit.changes![uri]!.map((e: TextEdit) => [e.range.start.line, e.range.start.character, e.newText]);
    assert.deepEqual(edits, [
      [0, 6, "Twin"],
      [3, 2, "Twin"],
      [3, 13, "Twin"],
    ]);
  });
  it("renames a label with its uses in concat and chains", async () => {
    const { text, positions } = markers(
      "model M {\n  input(3, 8, 8)\n  sk<|>ip: conv(4, 1)\n  conv(4, 1)\n  concat(skip)\n  up: skip -> relu\n}",
    );
    const uri = await openDoc(text);
    const edit = await client.request<WorkspaceEdit>("textDocument/rename", {
      textDocument: { uri },
      position: positions[0],
      newName: "enc1",
    });
    assert.equal(edit.changes![uri]!.length, 3);
    const refs = await client.request<unknown[]>("textDocument/references", {
      textDocument: { uri },
      position: positions[0],
      context: { includeDeclaration: false },
    });
    assert.equal(refs.length, 2);
  });
  it("refuses a reserved word", async () => {
    const { text, positions } = markers("model M {\n  input(3, 8, 8)\n  sk<|>ip: conv(4, 1)\n}");
    const uri = await openDoc(text);
    await assert.rejects(
      client.request("textDocument/rename", { textDocument: { uri }, position: positions[0], newName: "model" }),
      /reserved word/,
    );
  });
});

describe("formatting", () => {
  it("gives the canonical layout and keeps comments", async () => {
    const text = "model   M{\ninput(3,8,8)   # the input\n    conv( 8,3 ,padding:1)->relu\nrepeat 2{maxpool(2)}\n\n\n}";
    const uri = await openDoc(text);
    const format = () =>
      client.request<TextEdit[]>("textDocument/formatting", {
        textDocument: { uri },
        options: { tabSize: 2, insertSpaces: true },
      });
    const formatted =
      "model M {\n  input(3, 8, 8)   # the input\n  conv(8, 3, padding: 1) -> relu\n  repeat 2 { maxpool(2) }\n}\n";
    assert.equal(applyEdits(text, await format()), formatted);
    // One edit, from the first character that changes (after `model `) to the last (the text had no final line break).
    const [edit, ...more] = await format();
    assert.equal(more.length, 0);
    assert.deepEqual(edit!.range, { start: { line: 0, character: 6 }, end: { line: 6, character: 1 } });
  });

  it("after an edit deep in a model, changes only the lines that need it", async () => {
    const lines = ["model Long {", "  input(3, 8, 8)", ...Array.from({ length: 300 }, () => "  relu"), "}", ""];
    const uri = await openDoc(lines.join("\n"));
    await client.diagnosticsFor(uri);
    await client.edit(uri, { start: { line: 200, character: 0 }, end: { line: 200, character: 0 } }, "   ");
    await client.diagnosticsFor(uri);
    const edits = await client.request<TextEdit[]>("textDocument/formatting", {
      textDocument: { uri },
      options: { tabSize: 2, insertSpaces: true },
    });
    assert.deepEqual(edits, [
      { range: { start: { line: 200, character: 2 }, end: { line: 200, character: 5 } }, newText: "" },
    ]);
  });
});

describe("requests that have nothing to answer", () => {
  it("a document never opened, or a position past the end, gets an empty answer", async () => {
    const never = { textDocument: { uri: "file:///never.cnn" }, position: { line: 0, character: 0 } };
    assert.equal(await client.request("textDocument/hover", never), null);
    assert.deepEqual(await client.request("textDocument/completion", never), []);
    const uri = await openDoc("model M { input(4) dense(2) }");
    assert.equal(
      await client.request("textDocument/hover", { textDocument: { uri }, position: { line: 99, character: 99 } }),
      null,
    );
    const diagnostics = await client.diagnosticsFor(uri);
    assert.deepEqual(diagnostics as Diagnostic[], []);
  });
});

describe("the rest of the language features", () => {
  const source =
    "# a block\n# with two lines of comment\nblock Pair(c) {\n  conv(c, 3, padding: 1) -> relu\n}\n" +
    "model M {\n  input(3, 8, 8)\n  skip: Pair(4)\n" +
    "  conv(8, 3, stride: <|>)\n  concat(skip)\n}";
  let uri: string;
  let position: { line: number; character: number };
  before(async () => {
    const { text, positions } = markers(source);
    uri = await openDoc(text);
    position = positions[0]!;
  });
  it("signature help shows the layer's parameters with defaults, the current one active", async () => {
    const help = await client.request<{ signatures: { label: string }[]; activeParameter: number }>(
      "textDocument/signatureHelp",
      { textDocument: { uri }, position },
    );
    assert.match(
      help.signatures[0]!.label,
      new RegExp(
        String.raw`^conv\(out_channels, kernel, stride = 1, padding = 0 \(pytorch\) \/ valid \(keras\), ` +
          String.raw`dilation = 1, groups = 1, bias = true\)$`,
      ),
    );
    assert.equal(help.activeParameter, 2);
  });
  it("document symbols outline the block, the model, its layers, labels and label merges", async () => {
    const symbols = await client.request<
      { name: string; detail: string; children?: { name: string; detail: string }[] }[]
    >("textDocument/documentSymbol", { textDocument: { uri } });
    assert.deepEqual(
      symbols.map((s) => [s.name, s.children?.map((c) => [c.name, c.detail])]),
      [
        [
          "Pair",
          [
            ["conv1", "4×8×8"],
            ["relu1", "4×8×8"],
          ],
        ],
        [
          "M",
          [
            ["input", "3×8×8"],
            ["skip", "4×8×8"],
            ["conv1", "?"],
            ["concat(skip)", ""],
          ],
        ],
      ],
    );
  });
  it("go to definition from a block use and from a label use", async () => {
    const fromUse = await client.request<{ range: { start: { line: number } } }>("textDocument/definition", {
      textDocument: { uri },
      position: { line: 7, character: 9 },
    });
    assert.equal(fromUse.range.start.line, 2);
    const fromLabel = await client.request<{ range: { start: { line: number; character: number } } }>(
      "textDocument/definition",
      { textDocument: { uri }, position: { line: 9, character: 10 } },
    );
    assert.deepEqual(fromLabel.range.start, { line: 7, character: 2 });
  });
  it("folding covers bodies and comment runs", async () => {
    const ranges = await client.request<{ startLine: number; endLine: number; kind?: string }[]>(
      "textDocument/foldingRange",
      { textDocument: { uri } },
    );
    assert.deepEqual(
      ranges.map((r) => [r.startLine, r.endLine, r.kind ?? ""]),
      [
        [2, 3, ""],
        [5, 9, ""],
        [0, 1, "comment"],
      ],
    );
  });
  it("a model with errors: lenses for its errors (opening Problems), Summary and Diagram, nothing to run", async () => {
    const lenses = await client.request<{ command: { title: string; command: string } }[]>("textDocument/codeLens", {
      textDocument: { uri },
    });
    assert.deepEqual(
      lenses.map((l) => [l.command.title, l.command.command]),
      [
        ["1 error", "workbench.actions.view.problems"],
        ["Summary", "cnnlens.showSummary"],
        ["Diagram", "cnnlens.showDiagram"],
      ],
    );
  });
  it("code lenses of a model without errors: its totals, Simulate, Summary and Diagram", async () => {
    const clean = await openDoc("model Ok {\n  input(3, 8, 8)\n  conv(4, 3)\n}");
    const lenses = await client.request<{ command: { title: string; command: string } }[]>("textDocument/codeLens", {
      textDocument: { uri: clean },
    });
    assert.deepEqual(
      lenses.map((l) => [l.command.title, l.command.command]),
      [
        ["112 params · 3.89 k MACs · → 4×6×6", ""],
        ["▶ Simulate", "cnnlens.simulate"],
        ["Summary", "cnnlens.showSummary"],
        ["Diagram", "cnnlens.showDiagram"],
      ],
    );
  });
  it("a diagnostic on one character is shown over its layer call (or its keyword argument)", async () => {
    const bad = await openDoc(
      "model A {\n  input(3, 8, 8)\n  conv(4, 9)\n}\nmodel B {\n  input(3, 8, 8)\n  conv(4, kernel: 9)\n}",
    );
    const diagnostics = (await client.diagnosticsFor(bad)) as Diagnostic[];
    const tooLarge = diagnostics.filter((d) => d.code === "kernel-too-large").map((d) => d.range);
    assert.deepEqual(tooLarge, [
      { start: { line: 2, character: 2 }, end: { line: 2, character: 12 } },
      { start: { line: 6, character: 10 }, end: { line: 6, character: 19 } },
    ]);
  });
  it("semantic tokens mark layers, blocks, labels and argument names", async () => {
    const tokens = await client.request<{ data: number[] }>("textDocument/semanticTokens/full", {
      textDocument: { uri },
    });
    assert.equal(tokens.data.length % 5, 0);
    assert.ok(tokens.data.length / 5 > 20);
  });
});

describe("edits inside a long model", () => {
  it("each version's diagnostics and hints are those of the whole text, edit after edit", async () => {
    const lines = ["model Long {", "  input(3, 32, 32)"];
    for (let i = 0; i < 200; i++) lines.push(i % 10 === 0 ? "  conv(8, 3, padding: 1)" : "  relu");
    lines.push("}");
    const uri = await openDoc(lines.join("\n"));
    assert.deepEqual(await client.diagnosticsFor(uri), []);
    // A kernel too large for a 32-pixel input, 150 lines down; then fixed; then a layer that halves the size.
    const line = 2 + 150;
    const at = (character: number) => ({ line, character });
    await client.edit(uri, { start: at(2), end: at(24) }, "conv(8, 40)");
    const broken = await client.diagnosticsFor(uri);
    assert.deepEqual(
      broken.map((d) => [d.code, d.range.start.line]),
      [["kernel-too-large", line]],
    );
    await client.edit(uri, { start: at(2), end: at(13) }, "maxpool(2)");
    assert.deepEqual(await client.diagnosticsFor(uri), []);
    const hints = await client.request<InlayHint[]>("textDocument/inlayHint", {
      textDocument: { uri },
      range: { start: { line: line - 1, character: 0 }, end: { line: line + 1, character: 0 } },
    });
    assert.deepEqual(
      hints.map((h) => [h.position.line, h.label]),
      [
        [line - 1, "→ 8×32×32"],
        [line, "→ 8×16×16"],
        [line + 1, "→ 8×16×16"],
      ],
    );
  });
});

describe("cnnlens/summary", () => {
  it("gives each model's table, the JSON document only when asked, and the view's part alone", async () => {
    const uri = await openDoc("model Ok {\n  input(3, 8, 8)\n  conv(4, 3)\n}");
    const plain = await client.request<{ tables: { model: string; text: string }[]; json?: unknown }>(
      "cnnlens/summary",
      { uri },
    );
    assert.deepEqual(Object.keys(plain), ["tables"]);
    assert.match(plain.tables[0]!.text, /Model Ok \(pytorch\), input 3×8×8[\s\S]*Total params: 112/);
    const full = await client.request<{ json: { models: { name: string }[] } }>("cnnlens/summary", { uri, json: true });
    assert.equal(full.json.models[0]!.name, "Ok");
    const view = await client.request<{ view: { models: { name: string }[] } }>("cnnlens/summary", { uri, view: true });
    assert.deepEqual(Object.keys(view), ["view"]);
  });

  it("shows the first 10,000 rows of a longer model and counts the rest, the totals counting every layer", async () => {
    const relus = Array.from({ length: 12_000 }, () => "  relu").join("\n");
    const uri = await openDoc(`model Long {\n  input(3, 8, 8)\n  conv(4, 3)\n${relus}\n}`);
    const plain = await client.request<{ tables: { text: string }[] }>("cnnlens/summary", { uri });
    const text = plain.tables[0]!.text;
    const rows = text.split("\n").filter((l) => /^(conv|relu)\d+ /.test(l));
    assert.equal(rows.length, 10_000);
    assert.match(text, /… 2,001 more rows, counted in the totals: cnnlens summary prints every row/);
    assert.match(text, /Total params: 112\n/);
  });
});
