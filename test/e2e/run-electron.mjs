// The extension-host suite (test/e2e/suite/) in a desktop VS Code, for a developer's machine:
//   VSCODE_EXECUTABLE=/path/to/code node test/e2e/run-electron.mjs
// CI has no desktop VS Code (test-electron's download host is unreachable there); it runs the same suite
// in code-server through test/e2e/run.mjs instead. Needs the extension built (npm run build).
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const INSTALL = "npm install --no-save --prefix .e2e @vscode/test-electron mocha@11.7.6";

/** @vscode/test-electron is no dependency of the project: from node_modules if a developer added it, else .e2e/. */
async function loadTestElectron() {
  for (const base of [join(ROOT, "package.json"), join(ROOT, ".e2e/package.json")]) {
    try {
      return createRequire(base)("@vscode/test-electron");
    } catch {
      /* try the next place */
    }
  }
  return undefined;
}

const testElectron = await loadTestElectron();
const executable = process.env.VSCODE_EXECUTABLE;
const hasMocha = [join(ROOT, ".e2e/node_modules/mocha"), join(ROOT, "node_modules/mocha")].some((p) => existsSync(p));
if (!testElectron || !hasMocha) {
  console.error(
    `@vscode/test-electron and mocha are needed; install them (not saved in package.json) with:\n  ${INSTALL}`,
  );
  process.exit(2);
}
if (!executable || !existsSync(executable)) {
  console.error(
    "Set VSCODE_EXECUTABLE to a desktop VS Code (>= 1.100), e.g. /usr/share/code/code or\n" +
      "'/Applications/Visual Studio Code.app/Contents/MacOS/Electron'. It is never downloaded here.",
  );
  process.exit(2);
}
if (!existsSync(join(ROOT, "dist/client.cjs"))) execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit" });

// Its own profile, extensions folder and workspace (a copy of examples/, since tests write files there).
const tmp = mkdtempSync(join(tmpdir(), "cnnlens-electron-"));
const workspace = join(tmp, "workspace");
mkdirSync(workspace);
for (const f of readdirSync(join(ROOT, "examples"))) copyFileSync(join(ROOT, "examples", f), join(workspace, f));
let code = 1;
try {
  code = await testElectron.runTests({
    vscodeExecutablePath: executable,
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: join(ROOT, "test/e2e/suite/index.cjs"),
    launchArgs: [
      workspace,
      "--disable-extensions",
      "--disable-workspace-trust",
      "--skip-welcome",
      "--skip-release-notes",
      "--user-data-dir",
      join(tmp, "user-data"),
      "--extensions-dir",
      join(tmp, "extensions"),
    ],
  });
} catch (error) {
  console.error(`the extension-host tests failed: ${error.message ?? error}`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
process.exit(code);
