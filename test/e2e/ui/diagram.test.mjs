// The architecture diagram in the packaged extension, driven in headless Chromium as a person would: the
// command opens it beside ResNet-50, a click on a node moves the editor's cursor to that node's line, typing
// redraws it, DenseNet-121 and a 10,000-layer file are drawn too, and the drawing is saved as SVG. Render and
// update times are printed (not asserted: speed goals live in bench/diagram.mjs).
/* global describe, it, before -- mocha's globals */
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateDeep } from "../../../bench/deep-model.mjs";
import { waitFor } from "../lib/proc.mjs";
import { ROOT } from "../lib/vscode.mjs";
import {
  clickToken,
  copyExamples,
  openFromExplorer,
  openWorkbench,
  runCommand,
  screenshot,
  waitText,
  closeAfterTests,
} from "./workbench.mjs";

const SHOW = "CNN Lens: Show Architecture Diagram";

/** The diagram webview's document (webviews sit in two nested iframes). */
const diagramFrame = (page) => page.frameLocator("iframe.webview.ready").last().frameLocator("iframe#active-frame");

/** Waits, polling often (these waits are timed), until the diagram shows `model` at a version past `after`. */
async function drawn(page, model, after = 0) {
  const body = diagramFrame(page).locator("body");
  await waitFor(
    `the diagram of ${model}`,
    async () =>
      (await body.getAttribute("data-model")) === model && Number(await body.getAttribute("data-version")) > after,
    { timeoutMs: 30_000, intervalMs: 10 },
  );
  return Number(await body.getAttribute("data-version"));
}

/** The layout time the page itself reports in its status line. */
async function layoutMs(page) {
  const status = await diagramFrame(page).locator("#status").textContent();
  return /layout (\d+) ms/.exec(status ?? "")?.[1] ?? "?";
}

/** The editor's cursor line as the status bar shows it (1-based). */
async function cursorLine(page) {
  const text = await page.locator("#status\\.editor\\.selection").textContent();
  return Number(/Ln (\d+)/.exec(text ?? "")?.[1]);
}

describe("the architecture diagram", function () {
  const ui = {};
  let page;

  before(async function () {
    this.timeout(120_000);
    await openWorkbench(ui, {
      name: "ui-diagram",
      fill(dirs) {
        copyExamples(dirs);
        writeFileSync(join(dirs.workspace, "deep.cnn"), generateDeep().text);
      },
      viewport: { width: 1600, height: 1000 },
      listed: "resnet50.cnn",
    });
    page = ui.page;
  });

  closeAfterTests(() => ui);

  it("opens beside ResNet-50 with its block uses collapsed; a block expands into its residual branches", async () => {
    await openFromExplorer(page, "resnet50.cnn");
    await runCommand(page, "View: Close Primary Side Bar");
    await clickToken(page, "maxpool(3, stride: 2, padding: 1)", "maxpool");
    const started = Date.now();
    await runCommand(page, SHOW);
    await drawn(page, "ResNet50");
    console.log(`    ResNet-50 drawn ${Date.now() - started} ms after the command (layout ${await layoutMs(page)} ms)`);
    const frame = diagramFrame(page);
    // Collapsed: one node per block use and repeat, the stem and head as layers, shapes on the edges.
    await frame.locator("g.node", { hasText: "Bottleneck1 · Bottleneck" }).waitFor();
    assert.equal(await frame.locator("g.node", { hasText: "Bottleneck1.conv1" }).count(), 0);
    await frame
      .locator("g.edge text", { hasText: /^64×112×112$/ })
      .first()
      .waitFor();
    // The cursor's node is marked.
    await waitText("the node under the cursor", frame.locator("g.node.cursor"), /maxpool1/);
    // ▸ on Bottleneck1 opens it: a box holding the residual, whose add joins the main path and the projection.
    await frame.locator('g.node[data-id="g1"] .toggle').click();
    await frame.locator('g.box[data-id="g1"]').waitFor();
    await frame.locator("g.node.op", { hasText: "add" }).first().waitFor();
    await frame.locator("g.node", { hasText: "Bottleneck1.conv4" }).waitFor();
    await frame.locator("g.node.op", { hasText: "add" }).first().scrollIntoViewIfNeeded();
    await screenshot(page, "architecture-diagram.png");
  });

  it("a click on a node moves the editor's cursor to its line", async () => {
    const lines = readFileSync(join(ROOT, "examples/resnet50.cnn"), "utf8").split("\n");
    const dense = lines.findIndex((l) => l.includes("dense(1000)")) + 1;
    const frame = diagramFrame(page);
    const node = frame.locator("g.node", { hasText: "dense1" }).locator("rect.heat");
    await node.scrollIntoViewIfNeeded();
    await node.click();
    await waitFor("the cursor on the dense line", async () => (await cursorLine(page)) === dense);
    await waitText("the clicked node marked", frame.locator("g.node.cursor"), /dense1/);
  });

  it("typing in the editor redraws the diagram with the new shapes", async () => {
    const before = await drawn(page, "ResNet50");
    // Double-click selects the 64 of the stem's conv; typing 32 replaces it, as a person edits an argument.
    await page.locator(".view-line", { hasText: "conv(64, 7" }).locator("span", { hasText: /^64$/ }).dblclick();
    const started = Date.now();
    await page.keyboard.type("32");
    const frame = diagramFrame(page);
    await frame
      .locator("g.edge text", { hasText: /^32×112×112$/ })
      .first()
      .waitFor({ timeout: 20_000 });
    console.log(
      `    ResNet-50 redrawn ${Date.now() - started} ms after typing "32" (layout ${await layoutMs(page)} ms)`,
    );
    assert.ok((await drawn(page, "ResNet50", before)) > before);
    await page.keyboard.press("Control+z");
    await frame
      .locator("g.edge text", { hasText: /^64×112×112$/ })
      .first()
      .waitFor();
  });

  it("follows another file: DenseNet-121 and the 10,000-layer model, long runs cut into sections", async () => {
    for (const [file, model, what] of [
      ["densenet121.cnn", "DenseNet121", "DenseNet-121"],
      ["deep.cnn", "Deep", "10,000 layers"],
    ]) {
      await runCommand(page, "View: Show Explorer");
      await openFromExplorer(page, file);
      await runCommand(page, "View: Close Primary Side Bar");
      const started = Date.now();
      await runCommand(page, SHOW);
      await drawn(page, model);
      console.log(`    ${what} drawn ${Date.now() - started} ms after the command (layout ${await layoutMs(page)} ms)`);
    }
    const frame = diagramFrame(page);
    const sections = await frame.locator("g.node.section").count();
    assert.ok(sections > 1 && sections <= 64, `${sections} sections`);
    // An edit at the top of the long file redraws it.
    const version = await drawn(page, "Deep");
    await clickToken(page, "input(3, 64, 64)", "input");
    await page.keyboard.press("Home");
    const started = Date.now();
    await page.keyboard.type(" ");
    await drawn(page, "Deep", version);
    console.log(`    10,000 layers redrawn ${Date.now() - started} ms after typing a space`);
  });

  it("exports the drawing as an SVG file beside the source", async () => {
    await runCommand(page, "View: Show Explorer");
    await openFromExplorer(page, "resnet50.cnn");
    await drawn(page, "ResNet50");
    await runCommand(page, "CNN Lens: Export Architecture Diagram as SVG…");
    // code-server's save dialog is a quick input holding the suggested path: Enter accepts it.
    const input = page.locator(".quick-input-widget input");
    await waitFor("the suggested file name", async () => /ResNet50\.svg$/.test(await input.inputValue()));
    await input.press("Enter");
    const file = join(ui.dirs.workspace, "ResNet50.svg");
    await waitFor("the SVG file", async () => existsSync(file) && readFileSync(file, "utf8").includes("</svg>"));
    const svg = readFileSync(file, "utf8");
    assert.match(svg, /^<\?xml/);
    assert.match(svg, /Bottleneck1 · Bottleneck/);
    assert.match(svg, /<style>/);
    assert.doesNotMatch(svg, /var\(--vscode/);
  });
});
