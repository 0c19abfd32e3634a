// The real-VS-Code tests, both suites: first the extension-host tests (suite/, the real `vscode` API),
// then the UI tests (ui/, a person's clicks and keys against the packaged .vsix). Needs test/e2e/setup.
// Usage: node test/e2e/run.mjs [host|ui [NAME]]   (default: both; NAME: only ui/*NAME*.test.mjs).
// Ends with "N passed, M failed".
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { format } from "node:util";
import { cleanUp, run, runFolders, stop } from "./lib/proc.mjs";
import { E2E, ROOT, e2eRequire, startBrowser, startCodeServer } from "./lib/vscode.mjs";

const HOST_SUITE_TIMEOUT_MS = 180_000;
const only = process.argv[2];
const uiFilter = process.argv[3] ?? "";
const totals = { passed: 0, failed: 0 };
const timings = [];

// A run stopped from outside (Ctrl+C, CI's timeout) still stops its servers and browsers and removes its
// folders; a second signal while that goes on changes nothing.
let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    console.error(`\n${signal}: stopping code-server and Chromium, removing the run's folders`);
    await cleanUp();
    process.exit(130);
  });
}

/** The extension-host suite: code-server opened with VS Code's test payload; the tests report back through
 * the page functions codeAutomationLog and codeAutomationExit, as in VS Code's own browser tests. */
async function hostSuite() {
  const dirs = runFolders("host");
  let server, browser;
  let result = { passed: 0, failed: 1 }; // until the suite says otherwise
  const workbenchLog = [];
  try {
    for (const f of readdirSync(join(ROOT, "examples")))
      copyFileSync(join(ROOT, "examples", f), join(dirs.workspace, f));
    server = await startCodeServer(dirs);
    browser = await startBrowser(dirs);
    const page = await (await browser.browser.newContext()).newPage();
    let exit;
    const exited = new Promise((resolve) => {
      exit = resolve;
    });
    await page.exposeFunction("codeAutomationExit", (code) => exit(code));
    // Everything the page logs arrives here, the workbench's own chatter too: print the test runner's
    // lines (from E2E-BEGIN on) as they come, keep the rest for a failure report.
    let started = false;
    await page.exposeFunction("codeAutomationLog", (_type, args) => {
      for (const line of format(...(Array.isArray(args) ? args : [args])).split("\n")) {
        const m = /^E2E-RESULT (.*)$/.exec(line.trim());
        if (m) result = JSON.parse(m[1]);
        else if (line.trim() === "E2E-BEGIN") started = true;
        else if (started) console.log(`  ${line}`);
        else workbenchLog.push(line);
      }
    });
    await page.goto(
      server.url({
        extensionDevelopmentPath: ROOT,
        extensionTestsPath: join(ROOT, "test/e2e/suite/index.cjs"),
      }),
    );
    let timer;
    const code = await Promise.race([
      exited,
      new Promise((resolve) => {
        timer = setTimeout(() => resolve("timeout"), HOST_SUITE_TIMEOUT_MS);
      }),
    ]);
    clearTimeout(timer);
    if (code === "timeout")
      throw new Error(`the extension-host tests did not finish in ${HOST_SUITE_TIMEOUT_MS / 1000} s`);
    if (code !== 0 && result.failed === 0) {
      result.failed = 1; // a crash outside any test
      console.log(
        `  the extension host exited with ${code}\n--- workbench log ---\n${workbenchLog.slice(-40).join("\n")}`,
      );
    }
  } catch (error) {
    console.log(`  extension-host suite: ${error.stack ?? error}`);
    console.log(`--- workbench log ---\n${workbenchLog.slice(-40).join("\n")}`);
    if (server) console.log(`--- code-server output ---\n${server.child.tail()}`);
  } finally {
    await browser?.browser.close().catch(() => {});
    await stop(browser?.child);
    await stop(server?.child);
    await dirs.remove();
  }
  return result;
}

/** The UI suite: mocha in this process, running ui/*.test.mjs; screenshots go to a temporary folder. */
async function uiSuite(shots) {
  try {
    return await runMocha(shots);
  } catch (error) {
    console.log(`  UI suite: ${error.stack ?? error}`); // a file that does not load, say
    return { passed: 0, failed: 1 };
  }
}

async function runMocha(shots) {
  const Mocha = e2eRequire("mocha");
  const mocha = new Mocha({ reporter: "spec", color: false, timeout: 60_000, bail: true });
  for (const f of readdirSync(join(ROOT, "test/e2e/ui"))
    .filter((f) => f.endsWith(".test.mjs") && f.includes(uiFilter))
    .sort()) {
    mocha.addFile(join(ROOT, "test/e2e/ui", f));
  }
  process.env.E2E_SCREENSHOTS = shots;
  await mocha.loadFilesAsync();
  const stats = await new Promise((resolve) => {
    const r = mocha.run(() => resolve(r.stats));
  });
  return { passed: stats.passes, failed: stats.failures };
}

async function timed(name, fn) {
  const started = Date.now();
  const result = await fn();
  timings.push(`${name} ${((Date.now() - started) / 1000).toFixed(1)} s`);
  totals.passed += result.passed;
  totals.failed += result.failed;
  return result;
}

if (!existsSync(join(E2E, "node_modules/.bin/code-server"))) {
  console.error("The e2e tools are not installed: run test/e2e/setup first.");
  process.exit(2);
}
// Both suites test what `npm run package` makes: dist/ for the extension host, cnn-lens.vsix for the UI.
try {
  await timed("package", async () => {
    await run("npm", ["run", "package", "--silent"], { cwd: ROOT });
    return { passed: 0, failed: 0 };
  });
} catch (error) {
  console.log(`${error.message}\n0 passed, 1 failed`);
  process.exit(1);
}

if (only !== "ui") {
  console.log("\nextension-host tests (code-server + the real vscode API)");
  await timed("extension-host suite", hostSuite);
}
if (only !== "host") {
  console.log("\nUI tests (headless Chromium against code-server with cnn-lens.vsix installed)");
  const shots = mkdtempSync(join(tmpdir(), "cnnlens-e2e-shots-"));
  try {
    const result = await timed("UI suite", () => uiSuite(shots));
    // Screenshots replace the committed ones only when asked (UPDATE_SCREENSHOTS=1) and only after a run where
    // everything passed: a plain test run never changes tracked files.
    if (process.env.UPDATE_SCREENSHOTS === "1" && result.failed === 0 && totals.failed === 0) {
      mkdirSync(join(ROOT, "docs/images"), { recursive: true });
      for (const f of readdirSync(shots)) copyFileSync(join(shots, f), join(ROOT, "docs/images", f));
    }
  } finally {
    rmSync(shots, { recursive: true, force: true });
  }
}
await cleanUp();
console.log(`\n${timings.join(", ")}`);
console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exit(totals.failed ? 1 : 0);
