#!/usr/bin/env node
// The installed `cnnlens-server` command: the language server for any LSP editor, over stdio unless told otherwise.
// Runs the bundle that `npm run build` writes.
const transports = ["--stdio", "--node-ipc", "--socket", "--pipe", "--clientProcessId"];
if (process.argv.includes("--help") || process.argv.includes("-h")) {
  process.stdout.write(
    "usage: cnnlens-server [--stdio | --node-ipc | --socket=PORT | --pipe=NAME]\n" +
      "The CNN Lens language server; stdio when no transport is given. See docs/editors.md.\n",
  );
  process.exit(0);
}
// vscode-languageserver picks its transport from the command line; editors that start `cnnlens-server` bare
// (Helix, eglot) expect stdio.
const chosen = process.argv.slice(2).some((arg) => transports.some((t) => arg === t || arg.startsWith(`${t}=`)));
if (!chosen) process.argv.push("--stdio");
const { existsSync } = await import("node:fs");
const bundle = new URL("../dist/server.cjs", import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write(
    "cnnlens-server: the server is not built yet: run `npm run build` in the cnn-lens folder first\n",
  );
  process.exit(2);
}
await import(bundle.href);
