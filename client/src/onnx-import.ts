// CNN: Open ONNX Model as CNN and CNN: Save as .cnn…: an .onnx file as a read-only `.cnn` document (scheme
// cnnlens-onnx) that the language server imports and analyses like any other, and that document saved as a file.
import * as path from "node:path";
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import {
  ImportOnnxRequest,
  importedDocumentUri,
  importedScheme,
  onnxOfImported,
  SaveImportedRequest,
  type ImportOnnxResult,
} from "../../server/src/protocol.js";
import { onDisk } from "./disk-uri.js";

/** Registers the virtual documents' provider and the two commands. */
export function registerOnnxImport(context: vscode.ExtensionContext, client: LanguageClient): void {
  const documents = new ImportedDocuments(client);
  context.subscriptions.push(
    documents,
    vscode.workspace.registerTextDocumentContentProvider(importedScheme, documents),
    // [file?: Uri, inputShape?: number[]] → the virtual document's URI (a string), undefined when nothing opened.
    vscode.commands.registerCommand("cnnlens.openOnnxAsCnn", (file?: unknown, shape?: unknown) =>
      openAsCnn(client, documents, file, shape),
    ),
    // [document?: Uri (the virtual one, or its .onnx file), target?: Uri] → the two paths written, or undefined.
    vscode.commands.registerCommand("cnnlens.saveImportedAsCnn", (document?: unknown, target?: unknown) =>
      saveAsCnn(client, document, target),
    ),
  );
}

/** The virtual document of an .onnx file (a `file:` Uri), with the input shape when one was given. */
export function importedUri(file: vscode.Uri, inputShape?: number[]): vscode.Uri {
  return vscode.Uri.parse(importedDocumentUri(file.toString(), inputShape));
}

/**
 * The read-only documents. The command imports first (to show a refusal instead of opening anything) and leaves the
 * text here for the open that follows; a document VS Code opens by itself (a restored editor) is imported here.
 */
class ImportedDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly pending = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly client: LanguageClient) {}

  /** The text for `uri`'s next read; an open document of that URI is read again at once. */
  offer(uri: vscode.Uri, text: string): void {
    this.pending.set(uri.toString(), text);
    if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString())) this.changed.fire(uri);
  }

  async provideTextDocumentContent(uri: vscode.Uri, token?: vscode.CancellationToken): Promise<string> {
    const key = uri.toString();
    const offered = this.pending.get(key);
    if (offered !== undefined) {
      this.pending.delete(key);
      return offered;
    }
    const result = await importDocument(this.client, uri, token);
    if (result === undefined) return "# CNN Lens: the import was cancelled; reopen the model to import it again.\n";
    if (!("refusal" in result)) return result.text;
    void vscode.window.showErrorMessage(`CNN Lens: ${result.refusal}`);
    // A document must have some text: the refusal as comments, one per line, so that it analyses as an empty file.
    return `# CNN Lens cannot open this model as CNN:\n${result.refusal.replace(/^/gm, "# ")}\n`;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/**
 * Imports the .onnx file of a virtual document, keeping its weights in the server under the document's URI;
 * undefined when `token` cancelled the import (the server ends its import thread and keeps nothing).
 */
async function importDocument(
  client: LanguageClient,
  document: vscode.Uri,
  token?: vscode.CancellationToken,
): Promise<ImportOnnxResult | undefined> {
  const source = onnxOfImported(document.toString());
  if (!source) return { refusal: `${document.toString()} names no .onnx file` };
  try {
    return await client.sendRequest(ImportOnnxRequest, { ...source, document: document.toString() }, token);
  } catch (e) {
    // A cancelled request rejects (RequestCancelled from the server, or the client's own cancellation error).
    if (token?.isCancellationRequested) return undefined;
    throw e;
  }
}

async function openAsCnn(
  client: LanguageClient,
  documents: ImportedDocuments,
  given: unknown,
  givenShape: unknown,
): Promise<string | undefined> {
  const file = given instanceof vscode.Uri ? given : typeof given === "string" ? vscode.Uri.parse(given) : undefined;
  const chosen = file ?? activeOnnx() ?? (await chooseOnnx());
  if (!chosen) return undefined;
  const name = path.basename(chosen.path);
  if (chosen.scheme !== "file") {
    void vscode.window.showErrorMessage(`CNN Lens: ${name} is not a file on this machine; save it to disk first.`);
    return undefined;
  }
  let shape = isShape(givenShape) ? givenShape : undefined;
  for (;;) {
    const uri = importedUri(chosen, shape);
    // Cancellable: a large model takes a while, and the server stops its import thread when asked to.
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `CNN Lens: importing ${name}…`, cancellable: true },
      (_progress, token) => importDocument(client, uri, token),
    );
    if (result === undefined) return undefined;
    if (!("refusal" in result)) {
      documents.offer(uri, result.text);
      const doc = await vscode.workspace.openTextDocument(uri);
      // The `.cnn` ending gives the language; a user's files.associations could say otherwise.
      if (doc.languageId !== "cnn") await vscode.languages.setTextDocumentLanguage(doc, "cnn");
      await vscode.window.showTextDocument(doc, { preview: false });
      return uri.toString();
    }
    // A file whose input sizes are symbolic needs them from the user (the command line's --input-shape).
    // Awaited only with a button: a message without one may resolve only when the user dismisses it.
    if (!result.needsInputShape) {
      void vscode.window.showErrorMessage(`CNN Lens: ${result.refusal}`);
      return undefined;
    }
    const action = await vscode.window.showErrorMessage(`CNN Lens: ${result.refusal}`, "Give the Input Shape…");
    if (!action) return undefined;
    shape = await askShape(name);
    if (!shape) return undefined;
  }
}

async function saveAsCnn(client: LanguageClient, given: unknown, givenTarget: unknown): Promise<unknown> {
  const document = importedDocument(given);
  const source = document && onnxOfImported(document.toString());
  if (!document || !source) {
    void vscode.window.showWarningMessage("CNN Lens: open an .onnx model as CNN first (CNN: Open ONNX Model as CNN).");
    return undefined;
  }
  // Opening the document makes sure the server holds the model (it imports the file if the document was closed).
  await vscode.workspace.openTextDocument(document);
  const target =
    givenTarget instanceof vscode.Uri
      ? givenTarget
      : await vscode.window.showSaveDialog({
          defaultUri: onDisk(document),
          filters: { "CNN files": ["cnn"] },
          saveLabel: "Save as .cnn",
          title: "Save the imported model and its weights (.safetensors beside it)",
        });
  if (!target) return undefined;
  const result = await client.sendRequest(SaveImportedRequest, { uri: document.toString(), target: target.toString() });
  if ("error" in result) {
    void vscode.window.showErrorMessage(`CNN Lens: ${result.error}`);
    return undefined;
  }
  await vscode.window.showTextDocument(vscode.Uri.file(result.cnn), { preview: false });
  void vscode.window.showInformationMessage(
    `CNN Lens: wrote ${path.basename(result.cnn)} and ${path.basename(result.weights)} (${result.tensors} ` +
      `tensors); run it with CNN: Simulate Forward Pass with Weights….`,
  );
  return result;
}

/** The virtual document a save applies to: given (it, or its .onnx file), else the active editor's or tab's. */
function importedDocument(given: unknown): vscode.Uri | undefined {
  const uri = given instanceof vscode.Uri ? given : typeof given === "string" ? vscode.Uri.parse(given) : undefined;
  if (uri?.scheme === importedScheme) return uri;
  if (uri?.scheme === "file" && /\.onnx$/i.test(uri.path)) return importedUri(uri);
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active?.scheme === importedScheme) return active;
  // The .onnx editor's page is active (the palette's Save as .cnn… there): the document of its file.
  const onnx = activeOnnx();
  return onnx?.scheme === "file" ? importedUri(onnx) : undefined;
}

/** The .onnx file of the active tab (the .onnx editor, or a text editor showing one). */
function activeOnnx(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  const uri = input instanceof vscode.TabInputCustom || input instanceof vscode.TabInputText ? input.uri : undefined;
  return uri && /\.onnx$/i.test(uri.path) ? uri : undefined;
}

async function chooseOnnx(): Promise<vscode.Uri | undefined> {
  const chosen = await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel: "Open as CNN",
    filters: { "ONNX models": ["onnx"] },
  });
  return chosen?.[0];
}

/** Asks for the sizes without the batch, in the file's order (the refusal before names it); undefined on cancel. */
async function askShape(name: string): Promise<number[] | undefined> {
  const text = await vscode.window.showInputBox({
    title: `The input shape of ${name}`,
    prompt:
      "The sizes of one sample without the batch, separated by commas, in the file's order: C,H,W such as " +
      "3,224,224 for most files, H,W,C such as 224,224,3 for a Keras model's export",
    placeHolder: "3,224,224",
    validateInput: (v) => (parseShape(v) ? undefined : "Give one to three whole sizes such as 3,224,224"),
  });
  return text === undefined ? undefined : parseShape(text);
}

/** `3, 224, 224` → [3, 224, 224]; undefined when it is not one to three whole positive sizes. */
function parseShape(text: string): number[] | undefined {
  const parts = text.split(",").map((p) => p.trim());
  const sizes = parts.map(Number);
  return parts.length <= 3 && parts.every((p) => /^[1-9][0-9]{0,6}$/.test(p)) ? sizes : undefined;
}

function isShape(value: unknown): value is number[] {
  return Array.isArray(value) && value.length > 0 && value.every((d) => Number.isSafeInteger(d) && d > 0);
}
