#!/usr/bin/env node
// The installed `cnnlens` command: runs the bundle that `npm run build` writes (npm ci runs no scripts here).
import { existsSync } from "node:fs";

const bundle = new URL("../dist/cnnlens.js", import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write("cnnlens: the command is not built yet: run `npm run build` in the cnn-lens folder first\n");
  process.exit(2);
}
await import(bundle.href);
