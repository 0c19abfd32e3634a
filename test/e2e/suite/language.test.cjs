// The language features through VS Code's own API, as an editor sees them: diagnostics, hover, inlay hints,
// code lenses, completion, rename, formatting and quick fixes, on files in the opened workspace folder.

/* global describe, it -- mocha's globals */
const assert = require("node:assert/strict");
const vscode = require("vscode");
const { hoverText, openFile, openFixture, waitFor } = require("./helpers.cjs");

const exec = (command, ...args) => vscode.commands.executeCommand(command, ...args);

describe("the extension", () => {
  it("is active once a .cnn file is open", () => {
    assert.ok(vscode.extensions.getExtension("cnn-lens.cnn-lens").isActive);
  });
});

describe("diagnostics", () => {
  it("examples/resnet50.cnn has none", async () => {
    const { uri } = await openFile("resnet50.cnn");
    assert.deepEqual(vscode.languages.getDiagnostics(uri), []);
  });

  it("a typo gives one unknown-layer error at the typo", async () => {
    const { uri } = await openFixture("model M {\n  input(3, 32, 32)\n  covn(16, 3, padding: 1) -> relu\n}\n");
    const [d, ...rest] = vscode.languages.getDiagnostics(uri);
    assert.equal(rest.length, 0);
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(typeof d.code === "object" ? d.code.value : d.code, "unknown-layer");
    assert.deepEqual([d.range.start.line, d.range.start.character, d.range.end.character], [2, 2, 6]);
  });
});

describe("hover", () => {
  it("on conv(16, 5) after 3 channels shows 5·5·3·16 + 16 = 1216 and the output size", async () => {
    const { uri, positions } = await openFixture("model M {\n  input(3, 96, 96)\n  co<|>nv(16, 5)\n}\n");
    const text = await hoverText(uri, positions[0]);
    assert.match(text, /5·5·3·16 \+ 16 = 1216/);
    assert.match(text, /3×96×96` → `16×92×92/);
  });
});

describe("structures, block uses and block bodies (issue 13)", () => {
  const unit =
    "block Unit(c, s = 1) {\n  residual {\n    conv(c, 3, stride: s, padding: 1) -> batchnorm -> relu\n" +
    "  } shortcut auto\n}\n";

  it("a hover on residual gives its rolled-up shapes, parameters, MACs, receptive field and memory", async () => {
    const { uri, positions } = await openFixture(
      "model M {\n  input(3, 32, 32)\n  res<|>idual {\n    conv(8, 3, padding: 1)\n  } shortcut auto\n}\n",
    );
    const text = await hoverText(uri, positions[0]);
    assert.ok(text.includes("`3×32×32` → `8×32×32`"), text);
    assert.ok(text.includes("- Parameters: 264"), text);
    assert.ok(text.includes(`- MACs: ${(32 * 32 * 8 * 30).toLocaleString("en-US")}`), text);
    assert.ok(text.includes("- Receptive field: size 3×3, jump 1, start 0"), text);
    assert.ok(text.includes("- Memory: 98.30 kB of layer outputs"), text);
  });

  it("the outline nests block uses and repeats with their layers, shapes as details", async () => {
    const { uri } = await openFixture(`${unit}model M {\n  input(3, 32, 32)\n  Unit(8)\n  repeat 2 { Unit(8) }\n}\n`);
    const symbols = await exec("vscode.executeDocumentSymbolProvider", uri);
    const tree = (s, depth = 0) => [
      `${"  ".repeat(depth)}${s.name} [${s.detail}]`,
      ...s.children.flatMap((c) => tree(c, depth + 1)),
    ];
    const model = tree(symbols.find((s) => s.name === "M"));
    // The block's residual adds a projection (3 → 8 channels) in the first use only.
    assert.deepEqual(model.slice(0, 8), [
      "M [model 3×32×32 → 8×32×32]",
      "  input [3×32×32]",
      "  Unit1 [Unit → 8×32×32]",
      "    conv1 [8×32×32]",
      "    batchnorm1 [8×32×32]",
      "    relu1 [8×32×32]",
      "    conv2 [8×32×32]",
      "    batchnorm2 [8×32×32]",
    ]);
    assert.ok(model.includes("  repeat1 [×2 → 8×32×32]"), model.join("\n"));
  });

  it("a line in a block used with different arguments hints the range of its shapes", async () => {
    const { uri, doc } = await openFixture(`${unit}model M {\n  input(3, 32, 32)\n  Unit(8)\n  Unit(16, s: 2)\n}\n`);
    const hints = await exec("vscode.executeInlayHintProvider", uri, new vscode.Range(0, 0, doc.lineCount, 0));
    const label = (h) => (typeof h.label === "string" ? h.label : h.label.map((p) => p.value).join(""));
    assert.equal(label(hints.find((h) => h.position.line === 2)).trim(), "→ 8–16×16–32×16–32");
  });

  it("a kernel too large is underlined over its layer call, not one character", async () => {
    const { uri } = await openFixture("model M {\n  input(3, 8, 8)\n  conv(4, 11)\n}\n");
    const [d] = await waitFor("the diagnostic", async () => vscode.languages.getDiagnostics(uri));
    assert.equal(typeof d.code === "object" ? d.code.value : d.code, "kernel-too-large");
    assert.ok(d.range.end.character - d.range.start.character >= "11".length, JSON.stringify(d.range));
    assert.ok(d.range.start.character >= 2 && d.range.end.character <= "  conv(4, 11)".length);
  });

  it("the settings are titled in words: CNN Lens, no run of capitals split into letters", () => {
    const { contributes } = vscode.extensions.getExtension("cnn-lens.cnn-lens").packageJSON;
    assert.equal(contributes.configuration.title, "CNN Lens");
    for (const key of Object.keys(contributes.configuration.properties))
      assert.doesNotMatch(key.split(".").pop(), /[A-Z]{2}/, key);
  });
});

describe("inlay hints", () => {
  it("give each line's output shape at its end (lenet5)", async () => {
    const { uri, doc } = await openFile("lenet5.cnn");
    const range = new vscode.Range(0, 0, doc.lineCount, 0);
    const hints = await exec("vscode.executeInlayHintProvider", uri, range);
    const label = (h) => (typeof h.label === "string" ? h.label : h.label.map((p) => p.value).join(""));
    const byLine = new Map(hints.map((h) => [h.position.line, label(h).trim()]));
    const lineOf = (needle) =>
      doc
        .getText()
        .split("\n")
        .findIndex((l) => l.includes(needle));
    assert.equal(byLine.get(lineOf("conv(6, 5")), "→ 6×14×14");
    assert.equal(byLine.get(lineOf("conv(16, 5)")), "→ 16×5×5");
    assert.equal(byLine.get(lineOf("flatten")), "→ 400");
    assert.equal(byLine.get(lineOf("dense(10)")), "→ 10");
    // At the end of the code, not in the middle of it.
    const conv = lineOf("conv(16, 5)");
    assert.equal(
      hints.find((h) => h.position.line === conv).position.character,
      doc.lineAt(conv).text.trimEnd().length,
    );
  });
});

describe("code lenses", () => {
  it("above the model: its totals, ▶ Simulate and Summary, wired to the extension's commands", async () => {
    const { uri } = await openFile("lenet5.cnn");
    const lenses = await exec("vscode.executeCodeLensProvider", uri);
    const titles = lenses.map((l) => l.command?.title);
    assert.ok(
      titles.some((t) => /params · .* MACs · → 10$/.test(t)),
      titles.join(" | "),
    );
    const simulate = lenses.find((l) => l.command?.title === "▶ Simulate");
    const summary = lenses.find((l) => l.command?.title === "Summary");
    assert.equal(simulate?.command.command, "cnnlens.simulate");
    assert.equal(summary?.command.command, "cnnlens.showSummary");
    assert.deepEqual(summary.command.arguments, [uri.toString(), "LeNet5"]);
  });
});

describe("code lenses after edits", () => {
  it("follow the text: an error count while it is broken, the new totals once it is fixed", async () => {
    const { uri, doc } = await openFixture(
      "model Tiny {\n  input(3, 32, 32)\n  conv(16, 5) -> relu\n" +
        "  maxpool(2)\n  adaptiveavgpool(1) -> flatten -> dense(10)\n}\n",
    );
    const totals = async () => (await exec("vscode.executeCodeLensProvider", uri)).map((l) => l.command?.title)[0];
    assert.match(await totals(), /^1\.39 k params/);
    const edit = (text) => {
      const e = new vscode.WorkspaceEdit();
      e.insert(uri, new vscode.Position(4, 0), text);
      return vscode.workspace.applyEdit(e);
    };
    assert.ok(await edit("  covn(8, 3)\n"));
    await waitFor("the error count lens", async () => (await totals()) === "1 error");
    const fix = new vscode.WorkspaceEdit();
    fix.replace(uri, new vscode.Range(4, 2, 4, 6), "conv");
    assert.ok(await vscode.workspace.applyEdit(fix));
    assert.equal(doc.lineAt(4).text, "  conv(8, 3)");
    await waitFor("the new totals", async () => /^2\.47 k params/.test(await totals()));
  });
});

describe("completion", () => {
  it("offers layers, blocks and labels in a model body", async () => {
    const { uri, positions } = await openFixture(
      "block Pair(c) { conv(c, 1) }\nmodel M {\n  input(3, 8, 8)\n  a: conv(4, 1)\n  <|>\n}\n",
    );
    const list = await exec("vscode.executeCompletionItemProvider", uri, positions[0]);
    const labels = list.items.map((i) => (typeof i.label === "string" ? i.label : i.label.label));
    for (const want of ["conv", "batchnorm", "Pair", "a", "residual", "repeat"])
      assert.ok(labels.includes(want), `${want} in ${labels.join(" ")}`);
  });

  it("offers the argument names a layer still lacks", async () => {
    const { uri, positions } = await openFixture("model M {\n  input(3, 8, 8)\n  conv(8, 3, stride: 2, <|>)\n}\n");
    const list = await exec("vscode.executeCompletionItemProvider", uri, positions[0]);
    const labels = list.items.map((i) => (typeof i.label === "string" ? i.label : i.label.label));
    assert.ok(labels.includes("padding:") && !labels.includes("stride:"), labels.join(" "));
  });
});

describe("rename", () => {
  it("renames a block at its definition and both uses, and the file compiles the same", async () => {
    const { uri, doc, positions } = await openFixture(
      "block <|>Pair(c) { conv(c, 1) }\nmodel M {\n  input(3, 8, 8)\n  Pair(4) -> Pair(8)\n}\n",
    );
    const edit = await exec("vscode.executeDocumentRenameProvider", uri, positions[0], "Twin");
    assert.deepEqual(
      edit.get(uri).map((e) => [e.range.start.line, e.range.start.character, e.newText]),
      [
        [0, 6, "Twin"],
        [3, 2, "Twin"],
        [3, 13, "Twin"],
      ],
    );
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.equal(doc.getText(), "block Twin(c) { conv(c, 1) }\nmodel M {\n  input(3, 8, 8)\n  Twin(4) -> Twin(8)\n}\n");
  });
});

describe("formatting", () => {
  it("gives the canonical layout and keeps comments", async () => {
    const { uri, doc } = await openFixture(
      "model   M{\ninput(3,8,8)   # the input\n    conv( 8,3 ,padding:1)->relu\nrepeat 2{maxpool(2)}\n\n\n}\n",
    );
    const edits = await exec("vscode.executeFormatDocumentProvider", uri, { tabSize: 2, insertSpaces: true });
    const edit = new vscode.WorkspaceEdit();
    edit.set(uri, edits);
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.equal(
      doc.getText(),
      "model M {\n  input(3, 8, 8)   # the input\n  conv(8, 3, padding: 1) -> relu\n  repeat 2 { maxpool(2) }\n}\n",
    );
  });
});

describe("quick fixes", () => {
  it("'Change to conv' fixes a typo and the error goes away", async () => {
    const { uri, doc } = await openFixture("model M {\n  input(3, 32, 32)\n  covn(16, 3, padding: 1) -> relu\n}\n");
    const [d] = vscode.languages.getDiagnostics(uri);
    const actions = await exec("vscode.executeCodeActionProvider", uri, d.range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((a) => a.title === "Change to 'conv'");
    assert.ok(fix, actions.map((a) => a.title).join(" | "));
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.equal(doc.lineAt(2).text, "  conv(16, 3, padding: 1) -> relu");
    await waitFor("the error to clear", () => vscode.languages.getDiagnostics(uri).length === 0);
  });
});
