// The status bar item: the totals of the model under the cursor.
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { compact, ModelAtRequest } from "../../server/src/protocol.js";

export class ModelStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Right, 100);
  private readonly subscriptions: vscode.Disposable[] = [];
  private pending = 0;

  constructor(private readonly client: LanguageClient) {
    this.item.name = "CNN Lens model";
    this.item.command = "cnnlens.showSummary";
    this.subscriptions.push(
      vscode.window.onDidChangeTextEditorSelection((e) => this.update(e.textEditor)),
      vscode.window.onDidChangeActiveTextEditor((e) => this.update(e)),
      vscode.workspace.onDidChangeTextDocument(
        (e) => vscode.window.activeTextEditor?.document === e.document && this.update(vscode.window.activeTextEditor),
      ),
    );
    this.update(vscode.window.activeTextEditor);
  }

  private async update(editor: vscode.TextEditor | undefined): Promise<void> {
    if (!editor || editor.document.languageId !== "cnn") {
      this.item.hide();
      return;
    }
    const ticket = ++this.pending;
    const uri = editor.document.uri.toString();
    const position = editor.selection.active;
    const totals = await this.client
      .sendRequest(ModelAtRequest, { uri, position: { line: position.line, character: position.character } })
      .catch(() => null);
    if (ticket !== this.pending) return; // a newer cursor position has been asked for meanwhile
    if (!totals) {
      this.item.hide();
      return;
    }
    this.item.text = totals.errors
      ? `$(error) ${totals.name}: ${totals.errors} error${totals.errors === 1 ? "" : "s"}`
      : `$(symbol-class) ${totals.name}: ${compact(totals.params)} params · ${compact(totals.macs)} MACs`;
    this.item.tooltip =
      `${totals.name}: ${totals.params.toLocaleString("en-US")} parameters ` +
      `(${totals.trainable.toLocaleString("en-US")} trainable), ` +
      `${totals.macs.toLocaleString("en-US")} MACs, output ${totals.output?.join("×") ?? "?"}`;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
