// Bundles the extension's client, server and webview scripts, the CLI and the analysis library with esbuild.
import * as esbuild from "esbuild";

const watch = process.argv.includes("--watch");

/** @type {esbuild.BuildOptions[]} */
const bundles = [
  // VS Code loads extensions as CommonJS; `vscode` is provided by the editor at run time.
  // The banner notes when the extension host starts running the bundle (the start-up trace's first own step).
  {
    entryPoints: ["client/src/extension.ts"],
    outfile: "dist/client.cjs",
    format: "cjs",
    external: ["vscode"],
    banner: { js: "globalThis.__cnnlensBundleStart = Date.now();" },
  },
  // import.meta.url is the bundle's own URL (a CommonJS bundle has none): the server finds its import worker by it.
  {
    entryPoints: ["server/src/main.ts"],
    outfile: "dist/server.cjs",
    format: "cjs",
    external: ["onnxruntime-node"],
    define: { "import.meta.url": "__cnnlensModuleUrl" },
    banner: { js: 'const __cnnlensModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
  },
  // The worker thread that runs an ONNX import for the server (server/src/lsp/import-runner.ts), beside it.
  {
    entryPoints: ["server/src/lsp/import-worker.ts"],
    outfile: "dist/import-worker.cjs",
    format: "cjs",
    define: { "import.meta.url": "__cnnlensModuleUrl" },
    banner: { js: 'const __cnnlensModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
  },
  // CommonJS dependencies (pngjs) call require(); an ES module bundle needs one made for it.
  {
    entryPoints: ["bin/cli-main.ts"],
    outfile: "dist/cnnlens.js",
    format: "esm",
    external: ["onnxruntime-node"],
    banner: {
      js:
        'import { createRequire as __cnnlensRequire } from "node:module"; ' +
        "const require = __cnnlensRequire(import.meta.url);",
    },
  },
  { entryPoints: ["server/src/analysis/index.ts"], outfile: "dist/analysis.js", format: "esm" },
  // The webview scripts run in the editor's browser, loaded by the pages of client/src/*-view.ts.
  {
    entryPoints: ["client/webview/simulation.ts"],
    outfile: "dist/webview-simulation.js",
    format: "iife",
    platform: "browser",
    target: "es2022",
  },
  // The diagram's script carries ELK's engine as text (elk-worker.min.js), which it starts as a worker.
  {
    entryPoints: ["client/webview/diagram.ts"],
    outfile: "dist/webview-diagram.js",
    format: "iife",
    platform: "browser",
    target: "es2022",
    loader: { ".min.js": "text" },
  },
  {
    entryPoints: ["client/webview/summary.ts"],
    outfile: "dist/webview-summary.js",
    format: "iife",
    platform: "browser",
    target: "es2022",
  },
];

for (const options of bundles) {
  const config = {
    bundle: true,
    platform: "node",
    target: "node20",
    sourcemap: true,
    minify: !watch,
    logLevel: "warning",
    ...options,
  };
  if (watch) await (await esbuild.context(config)).watch();
  else await esbuild.build(config);
}
