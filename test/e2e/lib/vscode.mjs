// A real VS Code for the tests: code-server (VS Code 1.100 for the browser, from .e2e/) opened by headless
// Debian Chromium that playwright-core drives. See docs/e2e.md.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, run, start, stop, waitFor } from "./proc.mjs";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const E2E = join(ROOT, ".e2e");
const CODE_SERVER = join(E2E, "node_modules/.bin/code-server");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

/** A package installed by test/e2e/setup into .e2e/ (the project's own node_modules lacks it); both
 * playwright-core and mocha 11 are CommonJS, so `require` gives their named exports. */
export function e2eRequire(name) {
  if (!existsSync(CODE_SERVER)) throw new Error("the e2e tools are missing: run test/e2e/setup first");
  return createRequire(join(E2E, "package.json"))(name);
}

/** User settings that keep the first-run pages, tips and network look-ups out of the way. */
const SETTINGS = {
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "security.workspace.trust.enabled": false,
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "chat.commandCenter.enabled": false,
  "editor.inlayHints.enabled": "on",
  "editor.hover.delay": 100,
  // Typed text lands as typed: no closing bracket added or left out depending on timing, no suggestion
  // accepted by a "(".
  "editor.autoClosingBrackets": "never",
  "editor.acceptSuggestionOnCommitCharacter": false,
  "window.restoreWindows": "none",
};

/** Runs code-server with the run's own HOME, XDG dirs and TMPDIR. */
const codeServerArgs = (dirs) => ["--extensions-dir", dirs.extensions, "--user-data-dir", dirs["user-data"]];
const childEnv = (dirs) => ({ ...process.env, ...dirs.env });

/** Installs a packaged .vsix into the run's extensions folder, as a user would. */
export async function installVsix(dirs, vsix) {
  await run(CODE_SERVER, [...codeServerArgs(dirs), "--install-extension", vsix], { env: childEnv(dirs) });
}

/** Starts code-server on a free port, serving `dirs.workspace`; resolves once /healthz answers. */
export async function startCodeServer(dirs) {
  mkdirSync(join(dirs["user-data"], "User"), { recursive: true });
  writeFileSync(join(dirs["user-data"], "User/settings.json"), JSON.stringify(SETTINGS, null, 2));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = start(
    CODE_SERVER,
    [
      "--auth",
      "none",
      "--bind-addr",
      `127.0.0.1:${port}`,
      "--disable-telemetry",
      "--disable-update-check",
      "--disable-workspace-trust",
      "--disable-getting-started-override",
      "--ignore-last-opened",
      ...codeServerArgs(dirs),
      dirs.workspace,
    ],
    { env: childEnv(dirs) },
  );
  try {
    await waitFor(
      "code-server's /healthz",
      async () => {
        if (child.exitCode !== null) throw new Error(`code-server exited (${child.exitCode}):\n${child.tail()}`);
        return (await fetch(`${base}/healthz`).catch(() => undefined))?.ok;
      },
      { timeoutMs: 30_000 },
    );
  } catch (error) {
    await stop(child);
    error.message += `\n--- code-server output ---\n${child.tail()}`;
    throw error;
  }
  /** The workbench URL for `folder`, with VS Code's test payload (extension under development, tests). */
  const url = (payload) => {
    const params = new URLSearchParams({ folder: dirs.workspace });
    if (payload)
      params.set(
        "payload",
        JSON.stringify(Object.entries(payload).map(([k, p]) => [k, `vscode-remote://127.0.0.1:${port}${p}`])),
      );
    return `${base}/?${params}`;
  };
  return { child, port, url };
}

/**
 * Starts headless Chromium ourselves (so we hold its process id and flags) and connects playwright-core
 * to it over CDP. The background-networking flags stop it from calling out to a network that is closed.
 */
export async function startBrowser(dirs) {
  const { chromium } = e2eRequire("playwright-core");
  const child = start(
    CHROMIUM,
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-dev-shm-usage",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-default-apps",
      "--remote-debugging-address=127.0.0.1",
      "--remote-debugging-port=0",
      `--user-data-dir=${dirs.browser}`,
      "about:blank",
    ],
    { env: childEnv(dirs) },
  );
  // With port 0 Chromium picks a free port and writes it into DevToolsActivePort.
  const portFile = join(dirs.browser, "DevToolsActivePort");
  try {
    const port = await waitFor(
      "Chromium's DevToolsActivePort",
      () => {
        if (child.exitCode !== null) throw new Error(`chromium exited (${child.exitCode}):\n${child.tail()}`);
        return existsSync(portFile) && readFileSync(portFile, "utf8").split("\n")[0];
      },
      { timeoutMs: 30_000 },
    );
    return { child, browser: await chromium.connectOverCDP(`http://127.0.0.1:${port}`) };
  } catch (error) {
    await stop(child);
    throw error;
  }
}
