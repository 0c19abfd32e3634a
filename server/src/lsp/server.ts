// Registers every language feature on a connection; each answers from the analysis cache and never throws.
import type { Connection } from "vscode-languageserver";
import { CodeLensRefreshRequest, ResponseError, TextDocuments, TextDocumentSyncKind } from "vscode-languageserver";
import { TextDocument } from "vscode-languageserver-textdocument";
import { indentUnit } from "../format/format.js";
import { formattingEdits } from "./formatting.js";
import { readClientFeatures, type ClientFeatures } from "./client-capabilities.js";
import { asFixCommands, codeActions } from "./code-actions.js";
import { codeLenses } from "./code-lens.js";
import { completions } from "./completion.js";
import { registerCustomRequests } from "./custom-requests.js";
import { ImportedModels } from "./imported-onnx.js";
import { toLspDiagnostic, toOffset } from "./convert.js";
import { readableSpans } from "./diagnostic-range.js";
import { AnalysisCache, type Analysed } from "./documents.js";
import { foldingRanges } from "./folding.js";
import { hoverAt } from "./hover.js";
import { inlayHints } from "./inlay-hints.js";
import { flattenSymbols } from "./flat-symbols.js";
import { definition, prepareRename, references, rename } from "./navigation.js";
import { documentSymbols } from "./outline.js";
import { semanticLegend, semanticTokens } from "./semantic-tokens.js";
import { runServerCommand, serverCommandIds } from "./server-commands.js";
import { defaultSettings, readSettings, type Settings } from "./settings.js";
import { signatureHelp } from "./signature-help.js";
import { traceOnce } from "./startup-trace.js";

/** Wires the features to `connection` and starts listening. */
export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const cache = new AnalysisCache();
  const imported = new ImportedModels();
  let settings: Settings = defaultSettings;
  // Until initialize says otherwise, assume a client that takes nothing optional.
  let features: ClientFeatures = readClientFeatures({ capabilities: {} });

  /** Runs a handler on an open document; unknown documents and any failure give `empty`, never an error. */
  function answer<T>(uri: string, empty: T, handler: (doc: Analysed) => T): T {
    const doc = documents.get(uri);
    if (!doc) return empty;
    try {
      return handler(cache.get(doc));
    } catch (e) {
      // A deliberate refusal (an invalid new name) reaches the user; anything else is logged and answered empty.
      if (e instanceof ResponseError) throw e;
      connection.console.error(`cnn-lens: ${(e as Error).stack ?? e}`);
      return empty;
    }
  }

  connection.onInitialize((params) => {
    traceOnce("initialize received");
    features = readClientFeatures(params);
    // Our client sends { settings }; Helix sends its `config` table, which holds the `cnnlens` section.
    const options = params.initializationOptions as { settings?: unknown; cnnlens?: unknown } | undefined;
    settings = readSettings(options?.settings ?? options?.cnnlens);
    cache.setOptions({ defaultFramework: settings.framework });
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        inlayHintProvider: true,
        codeLensProvider: { resolveProvider: false },
        completionProvider: { triggerCharacters: ["(", ",", ":", " ", ">"] },
        signatureHelpProvider: { triggerCharacters: ["(", ","], retriggerCharacters: [":"] },
        documentSymbolProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        // Both options objects are only allowed when the client advertised what they describe.
        renameProvider: features.prepareRename ? { prepareProvider: true } : true,
        foldingRangeProvider: true,
        documentFormattingProvider: true,
        semanticTokensProvider: { legend: semanticLegend, full: true },
        codeActionProvider: features.codeActionLiterals ? { codeActionKinds: ["quickfix"] } : true,
        executeCommandProvider: { commands: serverCommandIds },
      },
      serverInfo: { name: "cnn-lens" },
    };
  });

  connection.onDidChangeConfiguration(async (change) => {
    const raw = features.configurationPull
      ? await connection.workspace.getConfiguration("cnnlens").catch(() => undefined)
      : change.settings?.cnnlens;
    const previous = settings;
    settings = readSettings(raw ?? change.settings?.cnnlens);
    // Each refresh is a request only the clients that advertised it can answer; the others ask again on
    // their own. Semantic tokens do not depend on any setting and need no refresh.
    const frameworkChanged = settings.framework !== previous.framework;
    if (frameworkChanged) {
      cache.setOptions({ defaultFramework: settings.framework });
      for (const doc of documents.all()) publishDiagnostics(cache.get(doc));
      if (features.codeLensRefresh) connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
    }
    // Only a change the hints show: VS Code sends the settings once at start-up, and a refresh then would
    // cancel the first hints while they are on their way (the start-up trace in the UI suite).
    const hintsChanged =
      settings.inlayHints.shapes !== previous.inlayHints.shapes ||
      settings.inlayHints.params !== previous.inlayHints.params;
    if (features.inlayHintRefresh && (frameworkChanged || hintsChanged))
      connection.languages.inlayHint.refresh().catch(() => undefined);
  });

  function publishDiagnostics(doc: Analysed): void {
    const options = { related: features.diagnosticRelated, tags: features.diagnosticTags };
    const spans = readableSpans(doc.analysis.ast, doc.analysis.diagnostics);
    const diagnostics = doc.analysis.diagnostics.map((d, i) =>
      toLspDiagnostic({ ...d, span: spans[i]! }, doc.index, doc.uri, options),
    );
    void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics });
  }
  // The document a server command without a URI applies to (Helix and eglot run commands without arguments).
  let lastTouched: string | undefined;
  documents.onDidChangeContent((e) => {
    lastTouched = e.document.uri;
    traceOnce("first document received");
    publishDiagnostics(cache.get(e.document));
    traceOnce("first analysis published");
  });
  documents.onDidClose((e) => {
    cache.delete(e.document.uri);
    imported.forget(e.document.uri);
    connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  const at = (doc: Analysed, position: { line: number; character: number }) => toOffset(doc.index, position);
  connection.onHover((p) =>
    answer(p.textDocument.uri, null, (doc) =>
      hoverAt(doc, at(doc, p.position), settings.hoverDetail, features.markdownHover),
    ),
  );
  connection.languages.inlayHint.on((p) => {
    const hints = answer(p.textDocument.uri, [], (doc) => inlayHints(doc, p.range, settings.inlayHints));
    if (hints.length > 0) traceOnce("first inlay hints answered");
    return hints;
  });
  connection.onCodeLens((p) =>
    answer(p.textDocument.uri, [], (doc) => codeLenses(doc, { clientCommands: features.clientCommands })),
  );
  connection.onCompletion((p) =>
    answer(p.textDocument.uri, [], (doc) => {
      const list = completions(doc, at(doc, p.position), {
        snippets: features.snippets,
        markdownDocs: features.markdownCompletionDocs,
      });
      // A plain list when it is complete, as the simplest clients read it.
      return list.isIncomplete ? list : list.items;
    }),
  );
  connection.onSignatureHelp((p) => answer(p.textDocument.uri, null, (doc) => signatureHelp(doc, at(doc, p.position))));
  connection.onDocumentSymbol((p) =>
    answer(p.textDocument.uri, [], (doc) => {
      const symbols = documentSymbols(doc);
      return features.hierarchicalSymbols ? symbols : flattenSymbols(symbols, doc.uri);
    }),
  );
  connection.onDefinition((p) => answer(p.textDocument.uri, null, (doc) => definition(doc, at(doc, p.position))));
  connection.onReferences((p) =>
    answer(p.textDocument.uri, [], (doc) => references(doc, at(doc, p.position), p.context.includeDeclaration)),
  );
  connection.onPrepareRename((p) => answer(p.textDocument.uri, null, (doc) => prepareRename(doc, at(doc, p.position))));
  connection.onRenameRequest((p) =>
    answer(p.textDocument.uri, null, (doc) => rename(doc, at(doc, p.position), p.newName)),
  );
  connection.onFoldingRanges((p) => answer(p.textDocument.uri, [], foldingRanges));
  connection.onDocumentFormatting((p) =>
    answer(p.textDocument.uri, [], (doc) => formattingEdits(doc, indentUnit(p.options))),
  );
  connection.languages.semanticTokens.on((p) => answer(p.textDocument.uri, { data: [] }, semanticTokens));
  connection.onCodeAction((p) =>
    answer(p.textDocument.uri, [], (doc) => {
      const actions = codeActions(doc, p.context.diagnostics);
      return features.codeActionLiterals ? actions : asFixCommands(actions, features.applyEdit);
    }),
  );
  connection.onExecuteCommand((p, _token, workDone) =>
    runServerCommand(
      {
        connection,
        features,
        memoryBudgetMiB: () => settings.memoryBudgetMiB,
        imported,
        analysed: (uri) => {
          const doc = documents.get(uri ?? lastTouched ?? "");
          return doc ? cache.get(doc) : undefined;
        },
      },
      p,
      workDone,
    ),
  );

  registerCustomRequests(connection, {
    documents,
    cache,
    answer,
    memoryBudgetMiB: () => settings.memoryBudgetMiB,
    imported,
  });

  documents.listen(connection);
  connection.listen();
}
