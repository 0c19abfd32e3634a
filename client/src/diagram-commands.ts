// The diagram's commands: Show Architecture Diagram (from the palette or a model's code lens) and Export SVG.
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { DiagramPanel, type RenderReport } from "./diagram-panel.js";

/** How long the show command waits for the first drawing before it returns without one. */
const FIRST_RENDER_TIMEOUT_MS = 30_000;

export function registerDiagramCommands(context: vscode.ExtensionContext, client: LanguageClient): void {
  context.subscriptions.push(
    vscode.commands.registerCommand("cnnlens.showDiagram", async (uri?: unknown, model?: unknown) => {
      const editor = await editorFor(uri);
      if (!editor) {
        void vscode.window.showWarningMessage("CNN Lens: open a .cnn file to see its architecture diagram.");
        return undefined;
      }
      const panel = DiagramPanel.show(context, client, editor, typeof model === "string" ? model : undefined);
      // Resolves with the first drawing (tests and other extensions wait for it), or undefined after a while.
      return Promise.race<RenderReport | undefined>([
        panel.nextRender(),
        new Promise((resolve) => setTimeout(() => resolve(undefined), FIRST_RENDER_TIMEOUT_MS)),
      ]);
    }),
    vscode.commands.registerCommand("cnnlens.exportDiagramSvg", async (destination?: unknown) => {
      const panel = DiagramPanel.active;
      if (!panel) {
        void vscode.window.showWarningMessage("CNN Lens: show an architecture diagram first, then export it.");
        return undefined;
      }
      const markup = await panel.svg();
      if (!markup) return undefined;
      // A destination argument (tests, other extensions) skips the dialog.
      const where =
        destination instanceof vscode.Uri
          ? destination
          : await vscode.window.showSaveDialog({
              defaultUri: panel.suggestedSvgUri(),
              filters: { SVG: ["svg"] },
              saveLabel: "Export diagram",
            });
      if (!where) return undefined;
      await vscode.workspace.fs.writeFile(where, Buffer.from(markup, "utf8"));
      void vscode.window.showInformationMessage(
        `CNN Lens: wrote the diagram to ${vscode.workspace.asRelativePath(where)}.`,
      );
      return where;
    }),
  );
}

/** The editor of the document a command names (a code lens passes its URI), or the active .cnn editor. */
async function editorFor(uri: unknown): Promise<vscode.TextEditor | undefined> {
  const target = typeof uri === "string" ? vscode.Uri.parse(uri) : uri instanceof vscode.Uri ? uri : undefined;
  if (target) {
    const open = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === target.toString());
    return open ?? vscode.window.showTextDocument(await vscode.workspace.openTextDocument(target));
  }
  const editor = vscode.window.activeTextEditor;
  return editor?.document.languageId === "cnn" ? editor : undefined;
}
