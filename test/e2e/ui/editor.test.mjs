// A person's session with the PACKAGED extension: cnn-lens.vsix installed into code-server with
// --install-extension, driven in headless Chromium by mouse and keyboard. The steps build on each other
// (run.mjs runs this file with bail), and each leaves a screenshot for docs/images/. The summary table and the
// simulation report are driven in views.test.mjs.
/* global describe, it, before -- mocha's globals */
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { waitFor } from "../lib/proc.mjs";
import { STARTUP_STEPS, formatStartupTrace, readStartupTrace } from "./startup-trace.mjs";
import {
  clickToken,
  editorLines,
  openFromExplorer,
  runCommand,
  screenshot,
  token,
  waitText,
  closeAfterTests,
  copyExamples,
  openWorkbench,
  TINY,
} from "./workbench.mjs";

describe("the packaged extension in code-server", function () {
  const ui = {};
  let page, traceFile;

  before(async function () {
    this.timeout(120_000);
    await openWorkbench(ui, {
      name: "ui",
      fill(dirs) {
        copyExamples(dirs);
        writeFileSync(join(dirs.workspace, "tiny.cnn"), TINY);
        // The extension host and the language server inherit code-server's environment: both append their
        // start-up steps to this file.
        traceFile = join(dirs.root, "startup-trace.jsonl");
        dirs.env.CNNLENS_STARTUP_TRACE = traceFile;
      },
      viewport: { width: 1280, height: 800 },
      listed: "tiny.cnn",
    });
    page = ui.page;
  });

  closeAfterTests(() => ui);

  it("shows each line's output shape as an inlay hint, and the model's totals above it", async () => {
    // The first .cnn file since VS Code started: the start-up trace runs from the click to the first hint.
    const clicked = Date.now();
    await openFromExplorer(page, "tiny.cnn");
    await waitText(
      "the shape hint on conv(16, 5)",
      page.locator(".view-line", { hasText: "conv(16, 5)" }),
      /conv\(16, 5\) -> relu\s*→ 16×28×28/,
    );
    const hintShown = Date.now();
    const trace = readStartupTrace(traceFile, [
      { side: "test", step: "click on tiny.cnn", at: clicked },
      { side: "test", step: "first hint on screen", at: hintShown },
    ]);
    console.log(formatStartupTrace(trace));
    const missing = STARTUP_STEPS.filter((step) => !trace.some((s) => s.step === step));
    assert.deepEqual(missing, [], "every start-up step is traced");
    await waitText(
      "the code lenses",
      page.locator(".codelens-decoration"),
      /6\.25 k params · .* MACs · → 10 \| ▶ Simulate \| Summary/,
    );
    const lines = await editorLines(page);
    assert.ok(
      lines.some((l) => /dense\(10\)\s*→ 10$/.test(l)),
      lines.join("\n"),
    );
    await screenshot(page, "editor-inlay-hints.png");
  });

  it("hovering conv(16, 5) shows the parameter formula 5·5·3·16 + 16 = 1216", async () => {
    await token(page, "conv(16, 5)", "conv").hover();
    const hover = page.locator(".monaco-editor .monaco-hover:not(.hidden) .monaco-hover-content");
    await waitText("the hover", hover, /5·5·3·16 \+ 16 = 1216/);
    await screenshot(page, "editor-hover.png", { keepMouse: true });
    await page.keyboard.press("Escape");
    await page.mouse.move(5, 5);
  });

  it("a typo gets a squiggle and a Problems entry, and the quick fix corrects it", async () => {
    // Type a new line after maxpool(2), as a person would.
    await page.locator(".view-line", { hasText: "maxpool(2)" }).first().click();
    await page.keyboard.press("End");
    await page.keyboard.press("Enter");
    await page.keyboard.type("covn(8, 3)");
    await page.keyboard.press("Escape"); // close the suggestions, if any
    await waitText("the typed line", page.locator(".view-line", { hasText: "covn" }), /^\s*covn\(8, 3\)/);
    await page.locator(".squiggly-error").first().waitFor({ state: "visible" });

    // A model with an error offers nothing to run: its lens counts the errors and opens the Problems view.
    const lens = page.locator(".codelens-decoration");
    await waitText("the error lens", lens, /^1 error \| Summary \| Diagram$/);
    await lens.locator("a", { hasText: "1 error" }).click();
    await waitText(
      "the Problems entry",
      page.locator(".markers-panel .monaco-list-row", { hasText: "covn" }),
      /unknown layer or block 'covn'/,
    );

    // Back in the editor, on the typo: Ctrl+. offers the fix.
    await clickToken(page, "covn(8, 3)", "covn");
    await page.keyboard.press("Control+.");
    // The menu blocks the mouse until it moves; a person presses Enter on the highlighted fix.
    await page
      .locator(".action-widget .monaco-list-row.focused", { hasText: "Change to 'conv'" })
      .waitFor({ state: "visible" });
    await screenshot(page, "problems-quickfix.png");
    await page.keyboard.press("Enter");
    await waitText("the corrected line", page.locator(".view-line", { hasText: "(8, 3" }), /^\s*conv\(8, 3\)/);
    await page.locator(".squiggly-error").first().waitFor({ state: "detached" });
    await page.locator(".markers-panel .monaco-list-row", { hasText: "covn" }).waitFor({ state: "detached" });
    // The model's totals above it follow the edit (6.25 k params before it, one conv more now).
    await waitText("the code lens totals", page.locator(".codelens-decoration"), /5\.11 k params/);
  });

  it("CNN: Export to PyTorch asks where, suggesting tiny.py beside the source, and opens what it wrote", async () => {
    await page.locator(".tabs-container .tab", { hasText: "tiny.cnn" }).first().click();
    await runCommand(page, "View: Close Editors in Other Groups");
    await clickToken(page, "model Tiny", "model");
    await runCommand(page, "CNN: Export to PyTorch");
    // code-server's save dialog is VS Code's own: a path in a quick input, the suggested name filled in.
    const path = page.locator(".quick-input-widget input");
    await waitFor("the suggested path", async () => /\/tiny\.py$/.test(await path.inputValue()));
    await page.keyboard.press("Enter");
    await waitText("the exported file's tab", page.locator(".tabs-container .tab", { hasText: "tiny.py" }), /tiny\.py/);
    const written = join(ui.dirs.workspace, "tiny.py");
    await waitFor("tiny.py on disk", () => existsSync(written));
    assert.match(readFileSync(written, "utf8"), /class Tiny\(nn\.Module\)/);
  });
});
