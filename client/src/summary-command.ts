// CNN: Show Summary: the summary view beside the editor, whose rows reveal their lines in the document.
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { SummaryRequest } from "../../server/src/protocol.js";
import { target } from "./commands.js";
import { summaryHtml, summaryScript } from "./summary-view.js";

/** Registers `cnnlens.showSummary` ([uri?, model?] → the view's data, or undefined when there is none). */
export function registerSummaryCommand(context: vscode.ExtensionContext, client: LanguageClient): void {
  context.subscriptions.push(
    vscode.commands.registerCommand("cnnlens.showSummary", async (uri?: unknown, model?: unknown) => {
      const t = target(uri, model);
      if (!t) {
        void vscode.window.showWarningMessage("CNN Lens: open a .cnn file to see its summary.");
        return undefined;
      }
      const summary = await client.sendRequest(SummaryRequest, { ...t, view: true });
      if (!summary || !("view" in summary) || summary.view.models.length === 0) {
        void vscode.window.showWarningMessage("CNN Lens: this file defines no model.");
        return undefined;
      }
      const models = summary.view.models;
      const panel = vscode.window.createWebviewPanel(
        "cnnlens.summary",
        `Summary: ${models.map((m) => m.name).join(", ")}`,
        vscode.ViewColumn.Beside,
        { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, "dist")] },
      );
      const script = panel.webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, ...summaryScript));
      panel.webview.html = summaryHtml(summary.view, t.model, panel.webview.cspSource, script.toString());
      panel.webview.onDidReceiveMessage((m: unknown) => revealLine(vscode.Uri.parse(t.uri), m));
      const following = followEdits(panel, client, t.uri);
      panel.onDidDispose(() => following.dispose());
      return summary.view;
    }),
  );
}

/** Quiet time after a keystroke before the table is asked for again: one request per pause, not per key. */
const UPDATE_DELAY_MS = 300;

/**
 * Keeps the view's table in step with the document as it is edited: after each pause in typing the server's
 * summary is sent to the page, which keeps the model, open rows, sort and selection it shows.
 */
function followEdits(panel: vscode.WebviewPanel, client: LanguageClient, uri: string): vscode.Disposable {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let asked = 0;
  const update = async () => {
    const ask = ++asked;
    const summary = await client.sendRequest(SummaryRequest, { uri, view: true }).catch(() => null);
    // An answer overtaken by a later edit's is dropped; a file with no model left keeps the last table.
    if (ask !== asked || !summary || !("view" in summary) || summary.view.models.length === 0) return;
    const models = summary.view.models;
    panel.title = `Summary: ${models.map((m) => m.name).join(", ")}`;
    void panel.webview.postMessage({ type: "update", models });
  };
  const listener = vscode.workspace.onDidChangeTextDocument((e) => {
    if (e.document.uri.toString() !== uri || e.contentChanges.length === 0) return;
    clearTimeout(timer);
    timer = setTimeout(() => void update(), UPDATE_DELAY_MS);
  });
  return new vscode.Disposable(() => {
    clearTimeout(timer);
    listener.dispose();
  });
}

/** A row of the summary view was clicked: show its line in the document's editor (the first column if none). */
async function revealLine(uri: vscode.Uri, message: unknown): Promise<void> {
  const line = (message as { type?: string; line?: unknown })?.line;
  if ((message as { type?: string })?.type !== "reveal" || typeof line !== "number") return;
  const shown = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
  const position = new vscode.Position(line, 0);
  const editor = await vscode.window.showTextDocument(uri, {
    viewColumn: shown?.viewColumn ?? vscode.ViewColumn.One,
    selection: new vscode.Range(position, position),
  });
  // The cursor goes to the line's first character that is not white space, as "Go to Line" puts it.
  const start = editor.document.lineAt(Math.min(line, editor.document.lineCount - 1)).firstNonWhitespaceCharacterIndex;
  const at = new vscode.Position(line, start);
  editor.selection = new vscode.Selection(at, at);
  editor.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}
