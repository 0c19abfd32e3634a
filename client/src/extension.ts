// The VS Code extension: starts the bundled language server and registers the commands and the status bar.
import * as path from "node:path";
import * as vscode from "vscode";
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from "vscode-languageclient/node";
import { importedScheme, type InitializationOptions } from "../../server/src/protocol.js";
import { registerCommands } from "./commands.js";
import { registerDiagramCommands } from "./diagram-commands.js";
import { registerOnnxEditor } from "./onnx-editor.js";
import { registerOnnxImport } from "./onnx-import.js";
import { registerSummaryCommand } from "./summary-command.js";
import { registerWeightsCommand } from "./weights-command.js";
import { ModelStatus } from "./status-bar.js";
import { traceStep } from "./startup-trace.js";

/** When the extension host started running this bundle (esbuild.mjs's banner) and when the bundle had run. */
const bundleStart = (globalThis as { __cnnlensBundleStart?: number }).__cnnlensBundleStart;
const loadedAt = Date.now();
let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  traceStep("extension host started", Date.now() - process.uptime() * 1000);
  if (bundleStart !== undefined) traceStep("extension bundle started", bundleStart);
  traceStep("extension bundle loaded", loadedAt);
  traceStep("activate called");
  const module = context.asAbsolutePath(path.join("dist", "server.cjs"));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ["--nolazy", "--inspect=6009"] } },
  };
  const clientOptions: LanguageClientOptions = {
    // Every cnn document, named here with the read-only ones imported from .onnx files (client/src/onnx-import.ts),
    // which get every feature too.
    documentSelector: [{ language: "cnn" }, { scheme: importedScheme, language: "cnn" }],
    synchronize: { configurationSection: "cnnlens" },
    // clientCommands: code lenses may name the commands registered below (webviews) rather than the server's.
    initializationOptions: {
      settings: vscode.workspace.getConfiguration("cnnlens"),
      clientCommands: true,
    } satisfies InitializationOptions,
  };
  client = new LanguageClient("cnnlens", "CNN Lens", serverOptions, clientOptions);
  await client.start();
  traceStep("language client started");
  registerCommands(context, client);
  registerDiagramCommands(context, client);
  registerSummaryCommand(context, client);
  registerWeightsCommand(context);
  registerOnnxImport(context, client);
  registerOnnxEditor(context, client);
  context.subscriptions.push(new ModelStatus(client));
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
