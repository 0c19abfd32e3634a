// The summary table and the simulation report in the PACKAGED extension (cnn-lens.vsix in code-server), as a
// person uses them: the table beside the editor in a half-width pane, collapsed and expanded, sorted, a row
// clicked to reach its line; the report's charts and table. Steps build on each other (run.mjs bails).
/* global describe, it, before -- mocha's globals */
/* global document, getComputedStyle -- in functions that playwright runs inside the webview */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { waitFor } from "../lib/proc.mjs";
import { ROOT } from "../lib/vscode.mjs";
import {
  clickToken,
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

/** The body of the webview whose tab is active (webviews sit in two nested iframes; hidden ones stay). */
function activeWebview(page) {
  return page.frameLocator("iframe.webview.ready:visible").last().frameLocator("iframe#active-frame");
}

/** Opens a workspace file with Quick Open (Ctrl+P), as a person does with the side bar closed. */
async function quickOpen(page, name) {
  await page.keyboard.press("Control+P");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible" });
  await input.fill(name);
  await page.locator(".quick-input-list .monaco-list-row", { hasText: name }).first().waitFor({ state: "visible" });
  await page.keyboard.press("Enter");
  await waitText(`the ${name} tab`, page.locator(".tabs-container .tab.active"), new RegExp(name.replace(".", "\\.")));
}

/** "Ln 19, Col 3" of the status bar: the editor's cursor. */
async function cursorLine(page) {
  const text = await page.locator('[id="status.editor.selection"]').textContent();
  return Number(/Ln (\d+)/.exec(text ?? "")?.[1]);
}

describe("the summary table and the simulation report", function () {
  const ui = {};
  let page;
  const webviewErrors = [];
  const resnet18 = readFileSync(join(ROOT, "examples/resnet18.cnn"), "utf8").split("\n");

  before(async function () {
    this.timeout(120_000);
    await openWorkbench(ui, {
      name: "ui-views",
      fill(dirs) {
        copyExamples(dirs);
        writeFileSync(join(dirs.workspace, "tiny.cnn"), TINY);
      },
      // 1400 px: the editor and the view beside it get about 700 px each, a half-width pane.
      viewport: { width: 1400, height: 900 },
      listed: "resnet18.cnn",
      // An exception in a webview's script (a chart that fails to draw, say) fails the steps that show it.
      watch: (p) =>
        p.on("pageerror", (e) => {
          if (/webview-(summary|simulation)\.js/.test(e.stack ?? "")) webviewErrors.push(e.stack);
        }),
    });
    page = ui.page;
  });

  closeAfterTests(() => ui);

  it("CNN: Show Summary opens a table that fits a half-width pane, its blocks and repeats collapsed", async () => {
    await openFromExplorer(page, "resnet18.cnn");
    await runCommand(page, "View: Close Primary Side Bar");
    await clickToken(page, "model ResNet18", "model");
    await runCommand(page, "CNN: Show Summary");
    await waitText(
      "the summary tab",
      page.locator(".tabs-container .tab", { hasText: "Summary" }),
      /Summary: ResNet18/,
    );
    const view = activeWebview(page);
    await waitText("the totals", view.locator("#totals"), /Params\s*11,689,512/);
    // Collapsed: one row per top-level layer, block use and repeat, with the rolled-up figures of the CLI.
    const repeat = view.locator('#rows tr[data-name="repeat1"]');
    await waitText("the repeat's row", repeat, /repeat1\s*repeat\s*64×56×56\s*147,968\s*462,422,016/);
    assert.equal(await view.locator('#rows tr[data-name="repeat1.0"]').count(), 0);
    const fit = await view.locator("body").evaluate(() => ({
      width: document.documentElement.clientWidth,
      scroll: document.documentElement.scrollWidth,
    }));
    assert.ok(fit.width < 760 && fit.width > 500, `the pane is ${fit.width} px wide`);
    assert.ok(fit.scroll <= fit.width, `no horizontal scroll: ${fit.scroll} > ${fit.width}`);
    assert.deepEqual(webviewErrors, []);
  });

  it("a click on a twisty expands a repeat into its iterations and collapses it again", async () => {
    const view = activeWebview(page);
    await view.locator('#rows tr[data-name="repeat1"] .twisty').click();
    await waitText("the first iteration", view.locator('#rows tr[data-name="repeat1.0"]'), /0\s*iteration\s*64×56×56/);
    await view.locator('#rows tr[data-name="repeat1.0"] .twisty').click();
    await waitText(
      "the block use in it",
      view.locator('#rows tr[data-name="repeat1.0.BasicBlock1"]'),
      /BasicBlock1\s*BasicBlock\s*64×56×56\s*73,984/,
    );
    await view.locator('#rows tr[data-name="repeat1"] .twisty').click();
    await waitFor(
      "the iterations to go",
      async () => (await view.locator('#rows tr[data-name^="repeat1."]').count()) === 0,
    );
  });

  it("a click on Params sorts the rows by parameters, largest first", async () => {
    const view = activeWebview(page);
    await view.locator('th[data-sort="params"]').click();
    await waitFor(
      "the sorted order",
      async () => (await view.locator('th[data-sort="params"]').getAttribute("aria-sort")) === "descending",
    );
    const params = (await view.locator("#rows tr:not(.spacer) td:nth-child(4)").allTextContents()).map((t) =>
      t === "--" ? 0 : Number(t.replace(/,/g, "")),
    );
    assert.ok(params.length > 5, params.join(" "));
    assert.deepEqual(
      params,
      [...params].sort((a, b) => b - a),
    );
    // The largest is the last BasicBlock (4.7 M of ResNet-18's 11.7 M), shown with its share bar.
    await waitText("the top row", view.locator("#rows tr:not(.spacer)").first(), /BasicBlock6\s*BasicBlock/);
    assert.equal(await view.locator("#rows tr:not(.spacer)").first().locator(".bar").count(), 2);
    await screenshot(page, "summary-view.png");
  });

  it("a click on a row puts the editor's cursor on its line", async () => {
    const view = activeWebview(page);
    await view.locator('#rows tr[data-name="BasicBlock3"] td.name').click();
    const line = resnet18.findIndex((l) => l.includes("BasicBlock(256, stride: 2)")) + 1;
    await waitFor("the cursor on BasicBlock(256, stride: 2)", async () => (await cursorLine(page)) === line);
    await view.locator('#rows tr[data-name="BasicBlock3"] .twisty').click();
    await view.locator('#rows tr[data-name="BasicBlock3.conv1"] td.name').click();
    // A layer of a block use is written in the block's body.
    const conv = resnet18.findIndex((l) => l.includes("conv(width, 3, stride: stride")) + 1;
    await waitFor("the cursor in the block's body", async () => (await cursorLine(page)) === conv);
  });

  it("an edit in the editor updates the table after a pause in typing, and so does its undo", async () => {
    const view = activeWebview(page);
    await token(page, "dense(1000)", "1000").dblclick();
    await page.keyboard.type("10");
    // 512·1000 + 1000 parameters of the classifier become 512·10 + 10.
    await waitText("the new totals", view.locator("#totals"), /Params\s*11,181,642/);
    await page.keyboard.press("Control+z");
    await waitText("the totals again", view.locator("#totals"), /Params\s*11,689,512/);
  });

  it("CNN: Simulate Forward Pass shows charts with labelled axes, a sticky header and no top-5", async () => {
    await runCommand(page, "View: Close Editors in Other Groups");
    await quickOpen(page, "tiny.cnn");
    await clickToken(page, "model Tiny", "model");
    const started = Date.now();
    await runCommand(page, "CNN: Simulate Forward Pass");
    const tab = page.locator(".tabs-container .tab", { hasText: "Simulation: Tiny" });
    const failed = page.locator(".notifications-toasts .notification-list-item-message", { hasText: "simulation" });
    await waitFor("the simulation tab or an error", async () => (await failed.count()) + (await tab.count()) > 0, {
      timeoutMs: 60_000,
    });
    // Read the toast only when there is one: a locator's textContent() waits for an element that never comes.
    if ((await failed.count()) > 0) assert.fail(await failed.first().textContent());
    const tabShown = Date.now();
    const view = activeWebview(page);
    await view.locator("#depth .uplot canvas").first().waitFor({ state: "attached" });
    console.log(`      report: tab after ${tabShown - started} ms, charts drawn ${Date.now() - tabShown} ms later`);
    await waitText("the report's table", view.locator("#rows"), /dense1/);
    // One axis per quantity, each with its title (drawn on the canvas; the chart's label names them).
    assert.equal(
      await view.locator("#depth").getAttribute("aria-label"),
      "Chart of x: layer (execution order); left: std of the output (log); right: zeros (%)",
    );
    assert.equal(await view.locator("#histogram").getAttribute("aria-label"), "Chart of x: value; left: count");
    // uPlot sizes its drawing area when it draws: a chart that failed to draw has none.
    for (const chart of ["#depth", "#histogram"]) {
      const wrap = await view.locator(`${chart} .u-wrap`).boundingBox();
      assert.ok(wrap && wrap.width > 200 && wrap.height > 100, `${chart} drawn: ${JSON.stringify(wrap)}`);
    }
    await waitText(
      "the mode",
      view.locator("#mode"),
      /^Inference mode: BatchNorm normalises with its running statistics/,
    );
    // Random weights: no class scores at all.
    assert.equal(await view.locator("#top5").isVisible(), false);
    assert.equal(await view.locator("body").evaluate((b) => /Top-5/.test(b.innerText)), false);
    const header = await view
      .locator("thead th")
      .first()
      .evaluate((th) => getComputedStyle(th).position);
    assert.equal(header, "sticky");
    // No number wraps: every cell is one line high.
    const heights = await view
      .locator("#rows tr")
      .evaluateAll((rows) => rows.map((r) => r.getBoundingClientRect().height));
    assert.ok(Math.max(...heights) < 1.6 * Math.min(...heights), heights.join(" "));
    // Hovering the depth chart names the layer under the cursor.
    const over = view.locator("#depth .u-over");
    const box = await over.boundingBox();
    await over.hover({ position: { x: box.width * 0.02, y: box.height / 2 } });
    await waitText("the layer under the cursor", view.locator("#depth .u-legend .u-series").first(), /\d+ \w+1/);
    await screenshot(page, "simulation-report.png", { keepMouse: true });
    assert.deepEqual(webviewErrors, []);
  });

  it("the column chooser shows the hidden Kind column", async () => {
    const view = activeWebview(page);
    await view.locator("details summary").click();
    await view.locator("#columns label", { hasText: "Kind" }).locator("input").check();
    await waitText("the Kind column", view.locator("thead tr"), /Layer\s*Kind\s*Shape/);
  });
});
