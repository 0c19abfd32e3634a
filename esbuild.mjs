// Bundles the CLI and the analysis library with esbuild (the extension's client and server bundles join here).
import * as esbuild from "esbuild";

const watch = process.argv.includes("--watch");

/** @type {esbuild.BuildOptions[]} */
const bundles = [
  { entryPoints: ["bin/cli-main.ts"], outfile: "dist/cnnlens.js", format: "esm", platform: "node", target: "node20" },
  { entryPoints: ["server/src/analysis/index.ts"], outfile: "dist/analysis.js", format: "esm", platform: "node", target: "node20" },
];

for (const options of bundles) {
  const config = { bundle: true, sourcemap: true, minify: !watch, logLevel: "warning", ...options };
  if (watch) await (await esbuild.context(config)).watch();
  else await esbuild.build(config);
}
