// The editor VS Code opens for `*.onnx` files: a small page with the model's name, input and outputs, and buttons that
// run CNN: Open ONNX Model as CNN and CNN: Save as .cnn… on the file (or the sentence saying why it cannot be opened).
import * as path from "node:path";
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { ImportOnnxRequest, type ImportOnnxResult } from "../../server/src/protocol.js";
import { onnxPageHtml, type OnnxPageMessage } from "./onnx-page.js";

/** The custom editor's view type, as package.json's `customEditors` declares it. */
export const onnxEditorViewType = "cnnlens.onnx";

/** Registers the read-only editor for `.onnx` files. */
export function registerOnnxEditor(context: vscode.ExtensionContext, client: LanguageClient): void {
  context.subscriptions.push(
    vscode.window.registerCustomEditorProvider(onnxEditorViewType, new OnnxEditor(client), {
      // A large model's import takes a moment; a hidden tab keeps its page rather than importing again.
      webviewOptions: { retainContextWhenHidden: true },
    }),
  );
}

class OnnxEditor implements vscode.CustomReadonlyEditorProvider {
  constructor(private readonly client: LanguageClient) {}

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  async resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): Promise<void> {
    const uri = document.uri;
    const name = path.basename(uri.path);
    panel.webview.options = { enableScripts: true, localResourceRoots: [] };
    panel.webview.html = onnxPageHtml(name, undefined);
    panel.webview.onDidReceiveMessage((m: OnnxPageMessage) => {
      if (m?.type === "open") void vscode.commands.executeCommand("cnnlens.openOnnxAsCnn", uri);
      else if (m?.type === "save") void vscode.commands.executeCommand("cnnlens.saveImportedAsCnn", uri);
    });
    // preview: the page only looks; the weights are kept once the model is opened as CNN.
    const result: ImportOnnxResult =
      uri.scheme === "file"
        ? await this.client.sendRequest(ImportOnnxRequest, { uri: uri.toString(), preview: true }).then(
            (r) => r,
            (e: Error) => ({ refusal: `${name}: the language server failed (${e.message})` }),
          )
        : { refusal: `${name} is not a file on this machine; save it to disk to open it as CNN` };
    panel.webview.html = onnxPageHtml(name, result);
  }
}
