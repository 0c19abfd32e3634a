// Code lenses above each model: its totals, and the Simulate, Summary and Diagram actions.
import type { CodeLens } from "vscode-languageserver";
import { modelErrors } from "../analysis/index.js";
import { formatShape } from "../analysis/tensor.js";
import { ServerCommands } from "../protocol.js";
import { compact } from "../report/format.js";
import type { Analysed } from "./documents.js";
import { toRange } from "./convert.js";

/** Command ids, contributed by the VS Code client. */
export const Commands = {
  showSummary: "cnnlens.showSummary",
  showDiagram: "cnnlens.showDiagram",
  simulate: "cnnlens.simulate",
  exportOnnx: "cnnlens.exportOnnx",
  /** VS Code's own command that opens the Problems view. */
  showProblems: "workbench.actions.view.problems",
} as const;

export interface CodeLensOptions {
  /** The client registers Commands (our VS Code extension); otherwise every lens names a ServerCommands id. */
  clientCommands: boolean;
}

/**
 * The lenses of every model, each with a command the connected client can run: its totals, Simulate, Summary
 * and Diagram; a model with errors gets its error count (opening the Problems view), Summary and Diagram,
 * nothing to run.
 */
export function codeLenses(doc: Analysed, options: CodeLensOptions = { clientCommands: true }): CodeLens[] {
  const lenses: CodeLens[] = [];
  // VS Code shows a lens with an empty command as a label; other clients try to run it, so there the
  // totals open the summary.
  const ids = options.clientCommands
    ? { totals: "", simulate: Commands.simulate, summary: Commands.showSummary }
    : { totals: ServerCommands.summary, simulate: ServerCommands.simulate, summary: ServerCommands.summary };
  for (const m of doc.analysis.models) {
    const range = toRange(doc.index, m.nameSpan);
    const errors = modelErrors(doc.analysis, m).length;
    const args = [doc.uri, m.name];
    if (errors) {
      // Nothing to run: the lens counts the errors and, in VS Code, opens the Problems view that lists them.
      const title = `${errors} error${errors === 1 ? "" : "s"}`;
      const command = options.clientCommands ? Commands.showProblems : ServerCommands.summary;
      lenses.push({ range, command: { title, command, ...(options.clientCommands ? {} : { arguments: args }) } });
      lenses.push({ range, command: { title: "Summary", command: ids.summary, arguments: args } });
      // The diagram draws a model with errors too: the shapes stop at the first error.
      if (options.clientCommands)
        lenses.push({ range, command: { title: "Diagram", command: Commands.showDiagram, arguments: args } });
      continue;
    }
    const totals = `${compact(m.params.total)} params · ${compact(m.macs)} MACs · → ${formatShape(m.output)}`;
    lenses.push({ range, command: { title: totals, command: ids.totals, ...(ids.totals ? { arguments: args } : {}) } });
    lenses.push({ range, command: { title: "▶ Simulate", command: ids.simulate, arguments: args } });
    lenses.push({ range, command: { title: "Summary", command: ids.summary, arguments: args } });
    // The diagram is a webview of our extension: other editors have no command to show it.
    if (options.clientCommands)
      lenses.push({ range, command: { title: "Diagram", command: Commands.showDiagram, arguments: args } });
  }
  return lenses;
}
