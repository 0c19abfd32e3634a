// CNN: Simulate Forward Pass with Weights…: a .safetensors file chosen by the user, so the report shows the
// top-5 classes (named by the setting cnnlens.simulation.labelsFile); random weights show none.
import * as vscode from "vscode";

/** Registers `cnnlens.simulateWithWeights` ([uri?, model?, weights?: Uri]; a dialog when `weights` is not given). */
export function registerWeightsCommand(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(
      "cnnlens.simulateWithWeights",
      async (uri?: unknown, model?: unknown, weights?: unknown) => {
        const chosen =
          weights instanceof vscode.Uri
            ? [weights]
            : await vscode.window.showOpenDialog({
                canSelectMany: false,
                openLabel: "Simulate with these weights",
                filters: { "Weights (safetensors)": ["safetensors"] },
              });
        if (!chosen?.[0]) return undefined;
        return vscode.commands.executeCommand("cnnlens.simulate", uri, model, undefined, chosen[0].fsPath);
      },
    ),
  );
}
