// The commands: Simulate Forward Pass and Export (Show Summary is in summary-command.ts).
import * as path from "node:path";
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { ExportRequest, SimulateRequest, type SimulateResult } from "../../server/src/protocol.js";
import { simulationHtml, simulationScript, simulationStyle } from "./simulation-view.js";
import { onDisk } from "./disk-uri.js";
import { givenOrChosen } from "./weights-command.js";

/** The document and model a command applies to: its arguments (from a code lens) or the active editor. */
export function target(uri?: unknown, model?: unknown): { uri: string; model?: string } | undefined {
  if (typeof uri === "string") return typeof model === "string" ? { uri, model } : { uri };
  if (uri instanceof vscode.Uri) return { uri: uri.toString() };
  const editor = vscode.window.activeTextEditor;
  return editor?.document.languageId === "cnn" ? { uri: editor.document.uri.toString() } : undefined;
}

/**
 * The setting `cnnlens.simulation.labelsFile` as an absolute path: a relative one is read from the document's
 * workspace folder (or the document's own folder outside a workspace); undefined when it is not set.
 */
function labelsFile(document: vscode.Uri | undefined): string | undefined {
  const setting = vscode.workspace.getConfiguration("cnnlens", document).get<string>("simulation.labelsFile", "");
  if (!setting.trim()) return undefined;
  if (path.isAbsolute(setting)) return setting;
  const folder = document && vscode.workspace.getWorkspaceFolder(document);
  const base = folder ? folder.uri.fsPath : document ? path.dirname(document.fsPath) : process.cwd();
  return path.resolve(base, setting);
}

export function registerCommands(context: vscode.ExtensionContext, client: LanguageClient): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(
      "cnnlens.simulateWithInput",
      async (uri?: unknown, model?: unknown, input?: unknown) => {
        // A picture shows the feature maps of what a network sees; a .npy array gives an exact input.
        const chosen = await givenOrChosen(input, "Simulate with this input", {
          "Pictures and arrays": ["png", "jpg", "jpeg", "npy"],
        });
        if (!chosen) return undefined;
        return vscode.commands.executeCommand("cnnlens.simulate", uri, model, chosen);
      },
    ),
    // [uri?, model?, input?, weights?]: `input` and `weights` are file paths (simulateWithInput, simulateWithWeights).
    vscode.commands.registerCommand(
      "cnnlens.simulate",
      async (uri?: unknown, model?: unknown, input?: unknown, weights?: unknown) => {
        const labels = labelsFile(
          typeof uri === "string" ? vscode.Uri.parse(uri) : vscode.window.activeTextEditor?.document.uri,
        );
        const t = {
          ...target(uri, model),
          ...(typeof input === "string" ? { input } : {}),
          ...(typeof weights === "string" ? { weights } : {}),
          ...(labels ? { labels } : {}),
        };
        if (!t.uri) {
          void vscode.window.showWarningMessage("CNN Lens: open a .cnn file to simulate it.");
          return undefined;
        }
        const result: SimulateResult = await vscode.window
          .withProgress(
            {
              location: vscode.ProgressLocation.Notification,
              title: `CNN Lens: simulating ${t.model ?? "the model"} on ONNX Runtime…`,
              cancellable: true,
            },
            (_progress, token) => client.sendRequest(SimulateRequest, { ...t, uri: t.uri! }, token),
          )
          .then(
            (r) => r,
            (e: Error) => ({ error: e.message }),
          );
        if (!result.view) {
          if (result.refused) void refuse(result.error);
          else if (result.error !== "cancelled")
            void vscode.window.showErrorMessage(`CNN Lens: the simulation failed: ${result.error}`);
          return undefined;
        }
        const view = result.view;
        // The page may load only the bundled scripts in dist/.
        const dist = vscode.Uri.joinPath(context.extensionUri, "dist");
        const panel = vscode.window.createWebviewPanel(
          "cnnlens.simulation",
          `Simulation: ${view.model}`,
          vscode.ViewColumn.Beside,
          { enableScripts: true, localResourceRoots: [dist] },
        );
        const asset = (path: readonly string[]) =>
          panel.webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, ...path)).toString();
        const assets = { script: asset(simulationScript), style: asset(simulationStyle) };
        panel.webview.html = simulationHtml(view, panel.webview.cspSource, assets);
        return view;
      },
    ),
    vscode.commands.registerCommand(
      "cnnlens.exportOnnx",
      async (uri?: unknown, model?: unknown, destination?: unknown) => {
        const t = target(uri, model);
        if (!t) {
          void vscode.window.showWarningMessage("CNN Lens: open a .cnn file to export it.");
          return undefined;
        }
        const result = await client.sendRequest(ExportRequest, { ...t, format: "onnx" });
        if (!result.base64) {
          void (result.refused ? refuse(result.error) : exportFailed(result.error));
          return undefined;
        }
        const where = await saveLocation(t.uri, ".onnx", { ONNX: ["onnx"] }, destination);
        if (!where) return undefined;
        await vscode.workspace.fs.writeFile(where, Buffer.from(result.base64, "base64"));
        void vscode.window.showInformationMessage(
          `CNN Lens: wrote ${result.model} to ${vscode.workspace.asRelativePath(where)} ` +
            `(random weights; cnnlens export --weights F for yours).`,
        );
        return where;
      },
    ),
    ...(["pytorch", "keras"] as const).map((format) =>
      vscode.commands.registerCommand(
        format === "pytorch" ? "cnnlens.exportPyTorch" : "cnnlens.exportKeras",
        async (uri?: unknown, model?: unknown, destination?: unknown) => {
          const t = target(uri, model);
          if (!t) {
            void vscode.window.showWarningMessage("CNN Lens: open a .cnn file to export it.");
            return undefined;
          }
          const result = await client.sendRequest(ExportRequest, { ...t, format });
          if (result.code === undefined) {
            void (result.refused ? refuse(result.error) : exportFailed(result.error));
            return undefined;
          }
          // A .py file beside the source (the user confirms where), then opened beside the editor to read.
          const suffix = format === "pytorch" ? ".py" : "_keras.py";
          const where = await saveLocation(t.uri, suffix, { Python: ["py"] }, destination);
          if (!where) return undefined;
          await vscode.workspace.fs.writeFile(where, Buffer.from(result.code, "utf8"));
          const doc = await vscode.workspace.openTextDocument(where);
          await vscode.window.showTextDocument(doc, vscode.ViewColumn.Beside);
          for (const note of result.notes ?? []) void vscode.window.showInformationMessage(`CNN Lens: ${note}`);
          return where;
        },
      ),
    ),
  );
}

/**
 * Where to write an export: `destination` when a caller gives one (tests, other extensions), otherwise the
 * save dialog, suggesting the source's name with `suffix` in the source's folder.
 */
async function saveLocation(
  source: string,
  suffix: string,
  filters: Record<string, string[]>,
  destination: unknown,
): Promise<vscode.Uri | undefined> {
  if (destination instanceof vscode.Uri) return destination;
  const uri = onDisk(vscode.Uri.parse(source));
  const base = uri.path.slice(uri.path.lastIndexOf("/") + 1).replace(/\.cnn$/i, "");
  const defaultUri = vscode.Uri.joinPath(uri, "..", `${base}${suffix}`);
  return vscode.window.showSaveDialog({ defaultUri, filters, title: "CNN Lens: export to" });
}

/** A refusal (the model has errors), said once, with the way to the errors themselves. */
async function refuse(sentence: string | undefined): Promise<void> {
  const show = "Show Problems";
  const choice = await vscode.window.showErrorMessage(`CNN Lens: ${sentence}`, show);
  if (choice === show) await vscode.commands.executeCommand("workbench.actions.view.problems");
}

function exportFailed(error: string | undefined): Thenable<unknown> {
  return vscode.window.showErrorMessage(`CNN Lens: the export failed: ${error}`);
}
