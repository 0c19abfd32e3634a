// Renders real `cnnlens summary` output as a terminal-style SVG, and a PNG with rsvg-convert (Debian librsvg2-bin),
// for the README (run: node scripts/cli-screenshot.mjs).
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";

// --depth 1: one row per block use and repeat, the whole table on one screen (100 columns, as a terminal).
const args = ["summary", "examples/resnet50.cnn", "--depth", "1"];
const full = execFileSync("node", ["bin/cnnlens.js", ...args], { encoding: "utf8" })
  .trimEnd()
  .split("\n");
const lines = [`$ npx cnnlens ${args.join(" ")}`, ...full];
const escape = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const charWidth = 7.8;
const lineHeight = 17;
const width = Math.ceil(Math.max(...lines.map((l) => l.length)) * charWidth) + 32;
const height = lines.length * lineHeight + 32;
const text = lines
  .map(
    (l, i) =>
      `<text x="16" y="${28 + i * lineHeight}" xml:space="preserve"` +
      `${i === 0 ? ' fill="#9cdcfe"' : ""}>${escape(l)}</text>`,
  )
  .join("\n");
writeFileSync(
  "docs/images/summary.svg",
  `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
<rect width="100%" height="100%" rx="6" fill="#1e1e1e"/>
<g font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="13" fill="#d4d4d4" style="white-space:pre">
${text}
</g>
</svg>
`,
);
// The extension's README (shown inside VS Code) cannot use SVG, so a PNG is made from the same picture.
execFileSync("rsvg-convert", ["docs/images/summary.svg", "-o", "docs/images/summary.png"]);
