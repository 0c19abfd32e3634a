// Every feature twice: for an editor that advertises nothing optional, and for VS Code's capabilities.
// The server must fit its answers to each, and never send a request the client did not advertise.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type {
  CodeAction,
  CodeLens,
  Command,
  CompletionItem,
  Diagnostic,
  DocumentSymbol,
  FoldingRange,
  Hover,
  InlayHint,
  Location,
  MarkupContent,
  Position,
  SignatureHelp,
  SymbolInformation,
  TextEdit,
  WorkspaceEdit,
} from "vscode-languageserver-protocol";
import { applyEdits, markers, TestClient } from "./lsp-client.js";
import { minimalProfile, vscodeProfile, type ClientProfile } from "./profiles/index.js";

const source = [
  "# a block",
  "# with two lines of comment",
  "block Pair(c) {",
  "  conv(c, 3, padding: 1) -> relu",
  "}",
  "model <|>M {",
  "  input(3, 8, 8)",
  "  sk<|>ip: Pair(4)",
  "  co<|>nv(8, 3, stride: <|>1, padding: 1)",
  "  concat(skip)",
  "  <|>",
  "}",
].join("\n");

/** Related places (the other input of `add`), a tag (`inexact-division`) and a quick fix (`covn`). */
const broken = [
  "model M {",
  "  input(3, 9, 9)",
  "  maxpool(2)",
  "  add {",
  "    branch { conv(4, 1) }",
  "    branch { conv(8, 1) }",
  "  }",
  "  covn(3, 1)",
  "}",
  "",
].join("\n");
const everyLine = { start: { line: 0, character: 0 }, end: { line: 12, character: 0 } };
const serverCommands = ["cnnlens.server.summary", "cnnlens.server.simulate", "cnnlens.server.applyFix"];

for (const profile of [minimalProfile, vscodeProfile]) {
  describe(`with ${profile.name}'s capabilities`, () => suite(profile));
}

function suite(profile: ClientProfile): void {
  const rich = profile === vscodeProfile;
  const client = new TestClient(profile);
  const { text, positions } = markers(source);
  const [onModel, onLabel, onConv, inCall, inBody] = positions as [Position, Position, Position, Position, Position];
  const uri = `file:///profiles/${rich ? "vscode" : "minimal"}.cnn`;
  const brokenUri = `file:///profiles/${rich ? "vscode" : "minimal"}-broken.cnn`;
  const at = (position: Position) => ({ textDocument: { uri }, position });
  const whole = { textDocument: { uri } };
  const execute = (command: string, args: unknown[]) =>
    client.request<string>("workspace/executeCommand", { command, arguments: args });
  before(async () => {
    await client.initialize();
    await client.open(uri, text);
    await client.open(brokenUri, broken);
  });
  after(() => client.stop());

  it("declares only the options the client can take, and its commands", () => {
    const caps = client.initializeResult!.capabilities;
    assert.deepEqual(caps.renameProvider, rich ? { prepareProvider: true } : true);
    assert.deepEqual(caps.codeActionProvider, rich ? { codeActionKinds: ["quickfix"] } : true);
    assert.deepEqual(caps.executeCommandProvider?.commands, serverCommands);
  });

  it("diagnostics: the codes, with related places and tags only where advertised", async () => {
    assert.deepEqual(await client.diagnosticsFor(uri), []);
    const diagnostics = await client.diagnosticsFor(brokenUri);
    const codes = diagnostics.map((d) => d.code);
    assert.deepEqual(codes, ["inexact-division", "inexact-division", "shape-mismatch", "unknown-layer"]);
    assert.equal(
      diagnostics.some((d) => d.relatedInformation),
      rich,
    );
    assert.equal(
      diagnostics.some((d) => d.tags),
      rich,
    );
  });

  it("hover: markdown for VS Code, the same words without marks otherwise", async () => {
    const hover = await client.request<Hover>("textDocument/hover", at(onConv));
    const contents = hover.contents as MarkupContent;
    assert.equal(contents.kind, rich ? "markdown" : "plaintext");
    const expected = rich ? /^\*\*conv1\*\* · `conv`\n\n`4×8×8` → `8×8×8`\n/ : /^conv1 · conv\n\n4×8×8 → 8×8×8\n/;
    assert.match(contents.value, expected);
    if (!rich) assert.doesNotMatch(contents.value, /[`*]/);
  });

  it("completion: snippets only where supported; plain items insert their name", async () => {
    const items = await client.request<CompletionItem[]>("textDocument/completion", at(inBody));
    const conv = items.find((i) => i.label === "conv")!;
    const concat = items.find((i) => i.label === "concat")!;
    if (rich) {
      assert.deepEqual([conv.insertText, conv.insertTextFormat], ["conv(${1:out_channels}, ${2:kernel})", 2]);
      assert.equal(typeof conv.documentation, "object");
    } else {
      for (const item of items) assert.ok(item.insertTextFormat !== 2 && !item.insertText?.includes("$"), item.label);
      assert.deepEqual([conv.insertText ?? conv.label, concat.insertText ?? concat.label], ["conv", "concat"]);
      assert.equal(typeof conv.documentation, "string");
    }
  });

  it("signature help shows the parameter being typed", async () => {
    const help = await client.request<SignatureHelp>("textDocument/signatureHelp", at(inCall));
    assert.match(help.signatures[0]!.label, /^conv\(out_channels, kernel, stride = 1/);
    assert.equal(help.activeParameter, 2);
  });

  it("symbols: a tree where supported, a flat list naming containers otherwise", async () => {
    const symbols = await client.request<(DocumentSymbol | SymbolInformation)[]>("textDocument/documentSymbol", whole);
    if (rich) {
      const tree = symbols as DocumentSymbol[];
      assert.deepEqual(
        tree.map((s) => [s.name, s.children?.map((c) => c.name)]),
        [
          ["Pair", ["conv1", "relu1"]],
          ["M", ["input", "skip", "conv1", "concat(skip)"]],
        ],
      );
    } else {
      const flat = symbols as SymbolInformation[];
      const rows = flat.map((s) => [s.name, s.containerName ?? "", s.location.uri]);
      assert.deepEqual(rows, [
        ["Pair", "", uri],
        ["conv1", "Pair", uri],
        ["relu1", "Pair", uri],
        ["M", "", uri],
        ["input", "M", uri],
        ["skip", "M", uri],
        ["conv1", "M", uri],
        ["concat(skip)", "M", uri],
      ]);
      assert.ok(flat.every((s) => !("children" in s)));
    }
  });

  it("definition, references and rename of a label", async () => {
    const use = { line: 9, character: 10 };
    const definition = await client.request<Location>("textDocument/definition", at(use));
    assert.deepEqual(definition.range.start, { line: 7, character: 2 });
    const context = { includeDeclaration: true };
    const refs = await client.request<Location[]>("textDocument/references", { ...at(onLabel), context });
    assert.deepEqual(
      refs.map((r) => r.range.start.line),
      [7, 9],
    );
    const edit = await client.request<WorkspaceEdit>("textDocument/rename", { ...at(onLabel), newName: "enc" });
    assert.deepEqual(
      edit.changes![uri]!.map((e) => [e.range.start.line, e.newText]),
      [
        [7, "enc"],
        [9, "enc"],
      ],
    );
  });

  it("folding, semantic tokens and formatting", async () => {
    const ranges = await client.request<FoldingRange[]>("textDocument/foldingRange", whole);
    assert.deepEqual(
      ranges.map((r) => [r.startLine, r.endLine]),
      [
        [2, 3],
        [5, 10],
        [0, 1],
      ],
    );
    const tokens = await client.request<{ data: number[] }>("textDocument/semanticTokens/full", whole);
    assert.ok(tokens.data.length > 0 && tokens.data.length % 5 === 0);
    const options = { tabSize: 2, insertSpaces: true };
    const edits = await client.request<TextEdit[]>("textDocument/formatting", { ...whole, options });
    assert.match(applyEdits(text, edits), /\n {2}conv\(8, 3, stride: 1, padding: 1\)\n/);
  });

  it("code actions: literals for VS Code; none for a client that can neither take them nor apply an edit", async () => {
    const diagnostics = (await client.diagnosticsFor(brokenUri)).filter((d: Diagnostic) => d.code === "unknown-layer");
    const params = { textDocument: { uri: brokenUri }, range: diagnostics[0]!.range, context: { diagnostics } };
    const actions = await client.request<(CodeAction | Command)[]>("textDocument/codeAction", params);
    const edits = actions.map((a) => [a.title, (a as CodeAction).edit?.changes?.[brokenUri]?.[0]?.newText]);
    assert.deepEqual(edits, rich ? [["Change to 'conv'", "conv"]] : []);
  });

  it("code lenses name commands the client runs; the server's run through executeCommand", async () => {
    const lenses = await client.request<CodeLens[]>("textDocument/codeLens", whole);
    const commands = lenses.map((l) => l.command!.command);
    const [summaryId, simulateId] = serverCommands as [string, string];
    const expected = rich
      ? ["", "cnnlens.simulate", "cnnlens.showSummary", "cnnlens.showDiagram"]
      : [summaryId, simulateId, summaryId];
    assert.deepEqual(commands, expected);
    const declared = client.initializeResult!.capabilities.executeCommandProvider!.commands;
    if (!rich) assert.ok(commands.every((c) => declared.includes(c)));
    assert.deepEqual(lenses[0]!.range.start, onModel);
    // The server's own commands work for every client (VS Code could run them too).
    const summary = await execute(summaryId, lenses[2]!.command!.arguments ?? [uri, "M"]);
    assert.match(summary, /Model M \(pytorch\), input 3×8×8[\s\S]*Total params: 408/);
    assert.equal(client.messages.at(-1)?.message, summary);
    const simulation = await execute(simulateId, lenses[1]!.command!.arguments!);
    assert.match(simulation, /^Simulation of M \(pytorch\) on onnxruntime/);
  });

  it("executeCommand explains a wrong URI in a sentence; without arguments it takes the last document", async () => {
    const answer = await execute("cnnlens.server.summary", ["file:///not-open.cnn"]);
    const sentence = "needs an open .cnn document, and file:///not-open.cnn is not open: open it first.";
    assert.equal(answer, `CNN Lens: cnnlens.server.summary ${sentence}`);
    // The broken document was opened last; its model has errors, and the summary says so in its table.
    assert.match(await execute("cnnlens.server.summary", []), /Model M \(pytorch\), input 3×9×9/);
  });

  it("inlay hints and the custom summary request", async () => {
    const hints = await client.request<InlayHint[]>("textDocument/inlayHint", { ...whole, range: everyLine });
    assert.ok(
      hints.some((h) => h.position.line === 8 && h.label === "→ 8×8×8"),
      JSON.stringify(hints),
    );
    const summary = await client.request<{ tables: { model: string }[] }>("cnnlens/summary", { uri });
    assert.deepEqual(
      summary.tables.map((t) => t.model),
      ["M"],
    );
  });

  it("a settings change: pulled and refreshed where advertised, read from the notification otherwise", async () => {
    client.configuration = { cnnlens: { framework: "keras" } };
    await client.connection.sendNotification("workspace/didChangeConfiguration", { settings: client.configuration });
    // The framework change republishes the diagnostics; keras's `valid` default turns the 8×8 of Pair into 6×6.
    const hints = await waitFor(async () => {
      const got = await client.request<InlayHint[]>("textDocument/inlayHint", { ...whole, range: everyLine });
      return got.find((h) => h.position.line === 8)?.label !== "→ 8×8×8" ? got : undefined;
    });
    assert.ok(hints.length > 0);
    const methods = client.serverRequests.map((r) => r.method);
    const pulledAndRefreshed = ["workspace/configuration", "workspace/inlayHint/refresh", "workspace/codeLens/refresh"];
    for (const m of rich ? pulledAndRefreshed : []) assert.ok(methods.includes(m), m);
  });

  it("the server sent no request the client did not advertise", () => {
    const unadvertised = client.serverRequests.filter((r) => !r.advertised).map((r) => r.method);
    assert.deepEqual(unadvertised, []);
    if (!rich) assert.deepEqual(client.serverRequests, []);
  });
}

/** Polls `probe` until it gives a value (the server applies settings asynchronously); fails after 5 s. */
async function waitFor<T>(probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("the condition did not hold within 5 s");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("a client that applies edits but takes no CodeAction literals (LSP before 3.8)", () => {
  const profile = {
    name: "commands only",
    capabilities: { workspace: { applyEdit: true } },
    initializationOptions: {},
  };
  const client = new TestClient(profile);
  before(() => client.initialize());
  after(() => client.stop());

  it("gets each quick fix as a command that sends the edit by workspace/applyEdit", async () => {
    const uri = "file:///profiles/commands-only.cnn";
    await client.open(uri, broken);
    const diagnostics = (await client.diagnosticsFor(uri)).filter((d) => d.code === "unknown-layer");
    const params = { textDocument: { uri }, range: diagnostics[0]!.range, context: { diagnostics } };
    const [fix] = await client.request<Command[]>("textDocument/codeAction", params);
    assert.deepEqual([fix!.title, fix!.command], ["Change to 'conv'", "cnnlens.server.applyFix"]);
    const execute = { command: fix!.command, arguments: fix!.arguments };
    const applied = await client.request<boolean>("workspace/executeCommand", execute);
    assert.equal(applied, true);
    const sent = client.serverRequests.map((r) => [r.method, r.advertised, r.params]);
    const edit = { changes: { [uri]: [{ range: diagnostics[0]!.range, newText: "conv" }] } };
    assert.deepEqual(sent, [["workspace/applyEdit", true, { edit }]]);
  });
});
