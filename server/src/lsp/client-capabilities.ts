// What the connected editor can take, read once from InitializeParams into plain booleans every feature consults.
import type { InitializeParams } from "vscode-languageserver";
import { MarkupKind } from "vscode-languageserver";
import type { InitializationOptions } from "../protocol.js";

/**
 * The optional LSP features the server uses, each true only when the client advertised it. Anything the
 * client left out is false: the server then sends the plainer form, or nothing (a request the client did
 * not advertise may be answered with an error, or never, which would leave the server waiting).
 */
export interface ClientFeatures {
  /** Completion items may be snippets (`${1:name}` placeholders). */
  snippets: boolean;
  /** Hover contents may be markdown; plain text otherwise. */
  markdownHover: boolean;
  /** Completion documentation may be markdown; plain text otherwise. */
  markdownCompletionDocs: boolean;
  /** documentSymbol may answer DocumentSymbol[] (a tree); SymbolInformation[] otherwise. */
  hierarchicalSymbols: boolean;
  /** Code actions may be CodeAction literals; otherwise only Commands, which need `applyEdit`. */
  codeActionLiterals: boolean;
  /** The server may send `workspace/applyEdit`. */
  applyEdit: boolean;
  /** The client asks `textDocument/prepareRename`, so the server may declare `prepareProvider`. */
  prepareRename: boolean;
  /** Diagnostics may carry related locations and tags. */
  diagnosticRelated: boolean;
  diagnosticTags: boolean;
  /** Server-to-client requests, each allowed only by its own capability. */
  inlayHintRefresh: boolean;
  semanticTokensRefresh: boolean;
  codeLensRefresh: boolean;
  /** `workspace/configuration`: pull the settings; otherwise read what didChangeConfiguration pushes. */
  configurationPull: boolean;
  /** `window/workDoneProgress/create`. */
  workDoneProgress: boolean;
  /** Our VS Code extension runs the `cnnlens.*` client commands (webviews); other editors get server commands. */
  clientCommands: boolean;
}

/** Reads the client's capabilities and our own client's initialization options into ClientFeatures. */
export function readClientFeatures(
  params: Pick<InitializeParams, "capabilities" | "initializationOptions">,
): ClientFeatures {
  const text = params.capabilities.textDocument;
  const workspace = params.capabilities.workspace;
  const options = (params.initializationOptions ?? {}) as InitializationOptions;
  const markdown = (formats: MarkupKind[] | undefined) => formats?.includes(MarkupKind.Markdown) === true;
  return {
    snippets: text?.completion?.completionItem?.snippetSupport === true,
    markdownHover: markdown(text?.hover?.contentFormat),
    markdownCompletionDocs: markdown(text?.completion?.completionItem?.documentationFormat),
    hierarchicalSymbols: text?.documentSymbol?.hierarchicalDocumentSymbolSupport === true,
    codeActionLiterals: text?.codeAction?.codeActionLiteralSupport !== undefined,
    applyEdit: workspace?.applyEdit === true,
    prepareRename: text?.rename?.prepareSupport === true,
    diagnosticRelated: text?.publishDiagnostics?.relatedInformation === true,
    diagnosticTags: text?.publishDiagnostics?.tagSupport !== undefined,
    inlayHintRefresh: workspace?.inlayHint?.refreshSupport === true,
    semanticTokensRefresh: workspace?.semanticTokens?.refreshSupport === true,
    codeLensRefresh: workspace?.codeLens?.refreshSupport === true,
    configurationPull: workspace?.configuration === true,
    workDoneProgress: params.capabilities.window?.workDoneProgress === true,
    clientCommands: options.clientCommands === true,
  };
}
