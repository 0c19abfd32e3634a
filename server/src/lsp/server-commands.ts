// The commands the server runs itself (workspace/executeCommand): summary and simulation as text, quick fixes.
import type { Connection, ExecuteCommandParams, WorkDoneProgressReporter, WorkspaceEdit } from "vscode-languageserver";
import { MessageType } from "vscode-languageserver";
import { ServerCommands } from "../protocol.js";
import { EDITOR_TABLE_ROWS, summaryTable } from "../report/table.js";
import type { ClientFeatures } from "./client-capabilities.js";
import type { Analysed } from "./documents.js";
import { withOwnWeights, type ImportedModels } from "./imported-onnx.js";

/** What a command needs from the server: the connection, the client's features and the open documents. */
export interface CommandContext {
  connection: Connection;
  features: ClientFeatures;
  /** The analysis of an open document (no URI: the one last opened or edited), or undefined. */
  analysed(uri: string | undefined): Analysed | undefined;
  memoryBudgetMiB(): number;
  /** The models imported from .onnx files: a document of one simulates with the file's weights. */
  imported: ImportedModels;
}

/** The ids to declare in `executeCommandProvider`. */
export const serverCommandIds: string[] = Object.values(ServerCommands);

/**
 * Runs one server command on [uri, model?]; without a URI, on the document last opened or edited.
 * Summary and simulation answer their text and also show it with window/showMessage,
 * since clients such as Neovim drop the result of a command run from a code lens. A failure is a sentence
 * shown as an error message and answered as text; the request itself never fails.
 */
export async function runServerCommand(
  ctx: CommandContext,
  params: ExecuteCommandParams,
  workDone: WorkDoneProgressReporter,
): Promise<string | boolean> {
  const args = params.arguments ?? [];
  if (params.command === ServerCommands.applyFix) return applyFix(ctx, args[0] as WorkspaceEdit | undefined);
  if (params.command !== ServerCommands.summary && params.command !== ServerCommands.simulate) {
    const known = serverCommandIds.join(", ");
    return show(ctx, MessageType.Error, `CNN Lens: unknown command '${params.command}'; the server runs ${known}.`);
  }
  const uri = typeof args[0] === "string" ? args[0] : undefined;
  const model = typeof args[1] === "string" ? args[1] : undefined;
  const doc = ctx.analysed(uri);
  if (!doc) {
    const sentence = uri
      ? `CNN Lens: ${params.command} needs an open .cnn document, and ${uri} is not open: open it first.`
      : `CNN Lens: ${params.command} needs an open .cnn document: open one first.`;
    return show(ctx, MessageType.Error, sentence);
  }
  const models = doc.analysis.models.filter((m) => !model || m.name === model);
  if (models.length === 0) {
    const sentence = model ? `CNN Lens: this file has no model '${model}'.` : "CNN Lens: this file defines no model.";
    return show(ctx, MessageType.Warning, sentence);
  }
  if (params.command === ServerCommands.summary) {
    const tables = models.map((m) => summaryTable(m, { maxRows: EDITOR_TABLE_ROWS }));
    return show(ctx, MessageType.Info, tables.join("\n\n"));
  }
  const clientProgress = params.workDoneToken !== undefined ? workDone : undefined;
  return simulateText(ctx, doc, models[0]!.name, clientProgress);
}

async function simulateText(
  ctx: CommandContext,
  doc: Analysed,
  model: string,
  clientProgress: WorkDoneProgressReporter | undefined,
): Promise<string> {
  // A progress the client asked for needs no capability; one the server starts needs window.workDoneProgress.
  let progress = clientProgress;
  if (!progress && ctx.features.workDoneProgress) progress = await ctx.connection.window.createWorkDoneProgress();
  progress?.begin(`CNN Lens: simulating ${model} on ONNX Runtime…`);
  try {
    // Loaded on first use: onnxruntime's native library costs start-up time that editing never needs.
    const { simulate } = await import("../simulation/simulate.js");
    const { simulationTable } = await import("../report/simulation-table.js");
    const memoryLimit = ctx.memoryBudgetMiB() * 1024 ** 2;
    // A document imported from an .onnx file runs that file's weights, as cnnlens/simulate does.
    const imported = await ctx.imported.modelOf(doc.uri, { maxBytes: memoryLimit, keep: true });
    if (imported && "refusal" in imported) throw new Error(imported.refusal);
    const weights = imported ? { weights: imported.weights } : {};
    const report = await simulate(doc.analysis, model, { repeats: 2, memoryLimit, ...weights });
    return show(ctx, MessageType.Info, simulationTable(imported ? withOwnWeights(report, imported) : report));
  } catch (e) {
    return show(ctx, MessageType.Error, `CNN Lens: the simulation of ${model} failed: ${(e as Error).message}`);
  } finally {
    progress?.done();
  }
}

async function applyFix(ctx: CommandContext, edit: WorkspaceEdit | undefined): Promise<boolean> {
  if (!edit || !ctx.features.applyEdit) return false;
  const result = await ctx.connection.workspace.applyEdit(edit).catch(() => undefined);
  return result?.applied === true;
}

function show(ctx: CommandContext, type: MessageType, text: string): string {
  // window/showMessage is a notification every client takes; no capability gates it.
  void ctx.connection.sendNotification("window/showMessage", { type, message: text });
  return text;
}
