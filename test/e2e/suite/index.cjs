// Loaded by VS Code's extension host as `extensionTestsPath` (see ../run.mjs): runs the *.test.cjs files
// here with mocha against the real `vscode` API, and prints one machine-readable result line for run.mjs.
// CommonJS because the extension host `require`s this file.

const path = require("node:path");
const fs = require("node:fs");

// mocha lives in .e2e/ (installed by ../setup), which is not on this file's node_modules path; a developer
// running ../run-electron.mjs may have it in the project's node_modules instead.
const e2eMocha = path.resolve(__dirname, "../../../.e2e/node_modules/mocha");
const Mocha = require(fs.existsSync(e2eMocha) ? e2eMocha : "mocha");

exports.run = function run() {
  // One root hook activates the extension: if that fails, mocha reports it once and runs no test.
  const { activate } = require("./helpers.cjs");
  const mocha = new Mocha({
    ui: "bdd",
    reporter: "spec",
    color: false,
    timeout: 30_000,
    rootHooks: { beforeAll: activate },
  });
  for (const file of fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith(".test.cjs"))
    .sort()) {
    mocha.addFile(path.join(__dirname, file));
  }
  console.log("E2E-BEGIN");
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const { passes, failures: failed, pending } = runner.stats;
      console.log(`E2E-RESULT ${JSON.stringify({ passed: passes, failed, pending })}`);
      if (failures) reject(new Error(`${failures} extension-host test(s) failed`));
      else resolve();
    });
  });
};
