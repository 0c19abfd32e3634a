// The simulation report webview: per-layer table, std and zero fraction across depth, a chosen layer's
// histogram and feature maps. Strict CSP: no remote content; one script, client/webview/simulation.ts bundled
// into dist/webview-simulation.js, allowed by its nonce.
import { randomBytes } from "node:crypto";
import type { SimulationView } from "../../server/src/protocol.js";
import { escapeHtml, jsonForScript } from "./html.js";

/** The bundled script the page loads (esbuild.mjs), relative to the extension's folder. */
export const simulationScript = ["dist", "webview-simulation.js"] as const;

/**
 * The webview page for a simulation view; `scriptUri` is `simulationScript` as the webview's URI
 * (`webview.asWebviewUri`). The data rides in a JSON script element that the script reads.
 */
export function simulationHtml(view: SimulationView, cspSource: string, scriptUri: string): string {
  const nonce = randomBytes(16).toString("base64");
  const data = jsonForScript(view);
  return (
    `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${cspSource} data:; ` +
    `style-src ${cspSource} 'unsafe-inline'; script-src 'nonce-${nonce}';">
<title>Simulation: ${escapeHtml(view.model)}</title>
<style>
  body { color: var(--vscode-editor-foreground); background: var(--vscode-editor-background); ` +
    `font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); }
  table { border-collapse: collapse; font-family: var(--vscode-editor-font-family); font-size: 12px; }
  th, td { padding: 2px 8px; text-align: right; border-bottom: 1px solid var(--vscode-editorWidget-border, #8884); }
  th:first-child, td:first-child, td:nth-child(2) { text-align: left; }
  tr.selected { background: var(--vscode-list-activeSelectionBackground); ` +
    `color: var(--vscode-list-activeSelectionForeground); }
  tr { cursor: pointer; }
  .plots { display: flex; flex-wrap: wrap; gap: 24px; margin: 12px 0; }
  svg text { fill: var(--vscode-descriptionForeground); font-size: 11px; }
  .std { stroke: var(--vscode-charts-blue, #3794ff); fill: none; stroke-width: 1.5; }
  .zeros { stroke: var(--vscode-charts-orange, #d18616); fill: none; stroke-width: 1.5; }
  .bar { fill: var(--vscode-charts-blue, #3794ff); }
  .axis { stroke: var(--vscode-descriptionForeground); stroke-width: 0.5; }
  canvas { image-rendering: pixelated; width: 96px; height: 96px; ` +
    `margin: 2px; border: 1px solid var(--vscode-editorWidget-border, #8884); }
  .meta { color: var(--vscode-descriptionForeground); }
  .warn, tr.nonfinite td { color: var(--vscode-editorWarning-foreground, #cca700); }
</style></head>
<body>
<h2 id="title"></h2>
<div class="meta" id="meta"></div>
<div class="warn" id="warnings"></div>
<div class="plots">
  <div><h3>Activation std and zero fraction across depth</h3><svg id="depth" width="560" height="200"></svg>
    <div class="meta"><span style="color: var(--vscode-charts-blue, #3794ff)">━ std (log scale)</span> &nbsp; ` +
    `<span style="color: var(--vscode-charts-orange, #d18616)">━ fraction of zeros</span></div></div>
  <div><h3 id="layer-title">Layer</h3><svg id="histogram" width="320" height="160"></svg><div id="maps"></div></div>
</div>
<div id="top5"></div>
<table id="layers"><thead><tr id="head"></tr></thead><tbody id="rows"></tbody></table>
<script type="application/json" id="data">${data}</script>
<script nonce="${nonce}" src="${escapeHtml(scriptUri)}"></script>
</body></html>`
  );
}
