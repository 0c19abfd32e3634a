// What a person does in the VS Code workbench, as playwright-core steps: open a file, run a palette
// command, read the editor, take a screenshot. Selectors measured on VS Code 1.100 (code-server 4.100.3).
import { copyFileSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { runFolders, stop, waitFor } from "../lib/proc.mjs";
import { E2E, ROOT, installVsix, startBrowser, startCodeServer } from "../lib/vscode.mjs";

/** Page text with VS Code's non-breaking spaces made plain. */
const plain = (s) => (s ?? "").replace(/\u00a0/g, " ");

/** The small network both UI files open as tiny.cnn: hover a layer, read the shapes, simulate it. */
export const TINY = `# A small network to look at: hover a layer, read the shapes at the line ends.
model Tiny {
  input(3, 32, 32)
  conv(16, 5) -> relu
  maxpool(2)
  conv(32, 3, padding: 1) -> batchnorm -> relu
  adaptiveavgpool(1) -> flatten
  dense(10)
}
`;

/** Waits until `locator` (its first match) is visible and its text matches `pattern`; returns the text. */
export async function waitText(what, locator, pattern, timeoutMs = 20_000) {
  return waitFor(
    what,
    async () => {
      const first = locator.first();
      if (!(await first.isVisible())) return false;
      const text = plain(await first.textContent());
      return pattern.test(text) && text;
    },
    { timeoutMs },
  );
}

/** The text of every rendered editor line, inlay hints included (they are spans inside the line). */
export async function editorLines(page) {
  return (await page.locator(".monaco-editor .view-line").allTextContents()).map(plain);
}

/** The token `word` on the editor line that contains `line` (Monaco renders each token as a span). */
export function token(page, line, word) {
  return page
    .locator(".view-line", { hasText: line })
    .locator("span > span", { hasText: new RegExp(`^${word}$`) })
    .first();
}

/** Puts the cursor on a token by clicking it (not the line's middle, which can scroll a narrow editor). */
export async function clickToken(page, line, word) {
  await token(page, line, word).click();
}

/** Opens a workspace file by clicking its row in the Explorer. */
export async function openFromExplorer(page, name) {
  // By the row's whole name: a text match would also find convnext_tiny.cnn for tiny.cnn.
  await page.locator(`.explorer-folders-view .monaco-list-row[aria-label=${JSON.stringify(name)}]`).click();
  await waitText(`the ${name} tab`, page.locator(".tabs-container .tab.active"), new RegExp(name.replace(".", "\\.")));
}

/** Runs a command from the command palette (F1) by its title, clicking its row. */
export async function runCommand(page, title) {
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible" });
  await input.fill(`>${title}`);
  const row = page.locator(".quick-input-list .monaco-list-row", { hasText: title }).first();
  await row.waitFor({ state: "visible" });
  await row.click();
  await page.locator(".quick-input-widget").waitFor({ state: "hidden" });
}

/** The body of the webview in the active editor group (webviews sit in two nested iframes). */
export function webviewBody(page) {
  return page.frameLocator("iframe.webview.ready").last().frameLocator("iframe#active-frame").locator("body");
}

/**
 * A screenshot for docs/images/, into the run's folder: run.mjs copies them only after a green run.
 * The mouse is parked on empty editor space first (a tooltip where it last clicked spoils the picture),
 * unless the picture is of what it hovers.
 */
export async function screenshot(page, name, { keepMouse = false } = {}) {
  if (!keepMouse) await page.mouse.move(700, 700);
  await page.screenshot({ path: join(process.env.E2E_SCREENSHOTS, name) });
}

/** After a failure, a screenshot into .e2e/failures/ (kept, ignored by git) to see what the page showed. */
export async function failureShot(page, title) {
  const dir = join(E2E, "failures");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${title.replace(/[^\w-]+/g, "_").slice(0, 80)}.png`);
  await page.screenshot({ path: file }).catch(() => {});
  return file;
}

/**
 * How every UI file starts: run folders named `name`, a workspace that `fill(dirs)` puts its files in (and may
 * set `dirs.env` for code-server), cnn-lens.vsix installed, code-server and headless Chromium started, and a page
 * of `viewport` on the workbench once the Explorer lists `listed`. `watch(page)` sees the page before it loads.
 * Each piece goes into `ui` (dirs, server, browser, page) as soon as it exists, so that closeAfterTests(() => ui)
 * stops what started even when a later step fails.
 */
export async function openWorkbench(ui, { name, fill, viewport, listed, watch }) {
  ui.dirs = runFolders(name);
  fill(ui.dirs);
  await installVsix(ui.dirs, join(ROOT, "cnn-lens.vsix"));
  ui.server = await startCodeServer(ui.dirs);
  ui.browser = await startBrowser(ui.dirs);
  const context = await ui.browser.browser.newContext({ viewport });
  context.setDefaultTimeout(20_000); // each step's own wait, well inside mocha's 60 s
  ui.page = await context.newPage();
  watch?.(ui.page);
  await ui.page.goto(ui.server.url());
  // By its whole name: a text match for tiny.cnn finds convnext_tiny.cnn too.
  const row = `.explorer-folders-view .monaco-list-row[aria-label=${JSON.stringify(listed)}]`;
  await ui.page.locator(row).waitFor({ timeout: 60_000 });
}

/** Copies every example network into the workspace. */
export function copyExamples(dirs) {
  for (const f of readdirSync(join(ROOT, "examples"))) copyFileSync(join(ROOT, "examples", f), join(dirs.workspace, f));
}

/**
 * The hooks every UI file ends with: a screenshot of each failed step, then the browser, code-server and the
 * temporary folders go. `state` gives what the file's `before` started (any of it may be missing).
 */
export function closeAfterTests(state) {
  /* global after, afterEach -- mocha's globals: this runs inside a UI file's describe */
  afterEach(async function () {
    const { page } = state();
    if (this.currentTest.state === "failed" && page)
      console.log(`    screenshot of the failure: ${await failureShot(page, this.currentTest.title)}`);
  });
  after(async function () {
    this.timeout(30_000);
    const { browser, server, dirs } = state();
    await browser?.browser.close().catch(() => {});
    await stop(browser?.child);
    await stop(server?.child);
    await dirs?.remove();
  });
}
