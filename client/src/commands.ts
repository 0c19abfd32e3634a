// The commands: Show Summary (a webview table), Simulate Forward Pass and Export.
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { SummaryRequest } from "../../server/src/protocol.js";
import { summaryHtml } from "./summary-view.js";

/** The document and model a command applies to: its arguments (from a code lens) or the active editor. */
function target(uri?: unknown, model?: unknown): { uri: string; model?: string } | undefined {
  if (typeof uri === "string") return typeof model === "string" ? { uri, model } : { uri };
  if (uri instanceof vscode.Uri) return { uri: uri.toString() };
  const editor = vscode.window.activeTextEditor;
  return editor?.document.languageId === "cnn" ? { uri: editor.document.uri.toString() } : undefined;
}

export function registerCommands(context: vscode.ExtensionContext, client: LanguageClient): void {
  context.subscriptions.push(
    vscode.commands.registerCommand("cnnlens.showSummary", async (uri?: unknown, model?: unknown) => {
      const t = target(uri, model);
      if (!t) {
        void vscode.window.showWarningMessage("CNN Lens: open a .cnn file to see its summary.");
        return undefined;
      }
      const summary = await client.sendRequest(SummaryRequest, t);
      if (!summary || summary.tables.length === 0) {
        void vscode.window.showWarningMessage("CNN Lens: this file defines no model.");
        return undefined;
      }
      const panel = vscode.window.createWebviewPanel("cnnlens.summary", `Summary: ${summary.tables.map((s) => s.model).join(", ")}`, vscode.ViewColumn.Beside, { enableScripts: false });
      panel.webview.html = summaryHtml(summary.tables, panel.webview.cspSource);
      return summary;
    }),
  );
}
