// CNN: Simulate Forward Pass with Weights…: a .safetensors file chosen by the user, so the report shows the
// top-5 classes (named by the setting cnnlens.simulation.labelsFile); random weights show none.
import * as vscode from "vscode";

/** Registers `cnnlens.simulateWithWeights` ([uri?, model?, weights?: Uri]; a dialog when `weights` is not given). */
export function registerWeightsCommand(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(
      "cnnlens.simulateWithWeights",
      async (uri?: unknown, model?: unknown, weights?: unknown) => {
        const chosen = await givenOrChosen(weights, "Simulate with these weights", {
          "Weights (safetensors)": ["safetensors"],
        });
        if (!chosen) return undefined;
        return vscode.commands.executeCommand("cnnlens.simulate", uri, model, undefined, chosen);
      },
    ),
  );
}

/** The path of the file a command was given (a Uri), or of one the user picks in an open dialog. */
export async function givenOrChosen(
  given: unknown,
  openLabel: string,
  filters: Record<string, string[]>,
): Promise<string | undefined> {
  if (given instanceof vscode.Uri) return given.fsPath;
  const chosen = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel, filters });
  return chosen?.[0]?.fsPath;
}
