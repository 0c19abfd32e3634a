// An .onnx file in the packaged extension, as a person meets it: a click in the Explorer opens the model's page, its
// Open as CNN button opens the imported text with its shapes as inlay hints, and CNN: Save as .cnn… suggests the name
// beside the .onnx and writes the .cnn file and its weights. Steps build on each other (run.mjs bails).
/* global describe, it, before -- mocha's globals */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { waitFor } from "../lib/proc.mjs";
import { ROOT } from "../lib/vscode.mjs";
import {
  editorLines,
  openFromExplorer,
  openWorkbench,
  runCommand,
  waitText,
  webviewBody,
  closeAfterTests,
} from "./workbench.mjs";

describe("an .onnx model opened as CNN", function () {
  const ui = {};
  let page;

  before(async function () {
    this.timeout(120_000);
    await openWorkbench(ui, {
      name: "ui-onnx",
      fill(dirs) {
        // The project's own exporter writes the model (cnnlens export --to onnx), so no .onnx file is committed.
        const onnx = join(dirs.workspace, "lenet5.onnx");
        const exportArgs = [join(ROOT, "examples/lenet5.cnn"), "--to", "onnx", "-o", onnx];
        execFileSync(process.execPath, [join(ROOT, "bin/cnnlens.js"), "export", ...exportArgs]);
      },
      viewport: { width: 1400, height: 900 },
      listed: "lenet5.onnx",
    });
    page = ui.page;
  });

  closeAfterTests(() => ui);

  it("a click on the .onnx file shows its page; Open as CNN opens the imported text with its shapes", async () => {
    // A file opened before VS Code has read the extensions' contributions gets the text editor: wait for them as a
    // person, who opens a file a moment after the window, would. The palette lists commands as they were when it
    // opened, so it is opened again until it lists the extension's.
    await waitFor(
      "the extension's commands in the palette",
      async () => {
        await page.keyboard.press("F1");
        await page.locator(".quick-input-widget input").fill(">CNN: Open ONNX Model as CNN");
        const row = page.locator(".quick-input-list .monaco-list-row", { hasText: "Open ONNX Model as CNN" });
        const listed = await row
          .waitFor({ timeout: 1_000 })
          .then(() => true)
          .catch(() => false);
        await page.keyboard.press("Escape");
        return listed;
      },
      { timeoutMs: 60_000 },
    );
    await openFromExplorer(page, "lenet5.onnx");
    const body = webviewBody(page);
    await waitText(
      "the model's page",
      body,
      /LeNet5\s*lenet5\.onnx\s*input\s*1×28×28\s*output\s*output 10\s*parameters\s*61\.71 k\s*Open as CNN/,
    );
    await body.locator("#open").click();
    await waitText("the imported document's tab", page.locator(".tabs-container .tab.active"), /lenet5\.onnx\.cnn/);
    await waitFor("the imported text with its inlay hints", async () => {
      const text = (await editorLines(page)).join("\n");
      return /# Imported from lenet5\.onnx/.test(text) && /conv\(6, 5, padding: 2\) -> relu\s*→ 6×28×28/.test(text);
    });
  });

  it("CNN: Save as .cnn… suggests lenet5.cnn beside the .onnx, writes it and its weights, and opens it", async () => {
    await runCommand(page, "CNN: Save as .cnn…");
    // VS Code's own save dialog in the browser: a path in the quick input, the suggested name at its end.
    const input = page.locator(".quick-input-widget input");
    await input.waitFor({ state: "visible" });
    await waitFor("the suggested path", async () => /\/lenet5\.cnn$/.test(await input.inputValue()));
    await page.keyboard.press("Enter");
    const cnn = join(ui.dirs.workspace, "lenet5.cnn");
    await waitFor("the two files", () => existsSync(cnn) && existsSync(join(ui.dirs.workspace, "lenet5.safetensors")));
    assert.match(readFileSync(cnn, "utf8"), /^# Imported from lenet5\.onnx .*\nmodel LeNet5 \{/);
    await waitText("the saved file's tab", page.locator(".tabs-container .tab.active"), /^\s*lenet5\.cnn/);
  });
});
