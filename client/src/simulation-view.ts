// The simulation report webview: std and zeros across depth, a chosen layer's histogram and feature maps (uPlot
// charts), the top-5 for loaded weights and the per-layer table. Strict CSP: no remote content; one script,
// client/webview/simulation.ts bundled into dist/webview-simulation.js (with its stylesheet), allowed by its nonce.
import { randomBytes } from "node:crypto";
import type { SimulationView } from "../../server/src/protocol.js";
import { escapeHtml, jsonForScript } from "./html.js";

/** The bundled script and stylesheet the page loads (esbuild.mjs), relative to the extension's folder. */
export const simulationScript = ["dist", "webview-simulation.js"] as const;
export const simulationStyle = ["dist", "webview-simulation.css"] as const;

/**
 * The webview page for a simulation view; `assets` are `simulationScript` and `simulationStyle` as the webview's
 * URIs (`webview.asWebviewUri`). The data rides in a JSON script element that the script reads.
 */
export function simulationHtml(
  view: SimulationView,
  cspSource: string,
  assets: { script: string; style: string },
): string {
  const nonce = randomBytes(16).toString("base64");
  const data = jsonForScript(view);
  return (
    `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${cspSource} data:; ` +
    `style-src ${cspSource} 'unsafe-inline'; script-src 'nonce-${nonce}';">
<title>Simulation: ${escapeHtml(view.model)}</title>
<link rel="stylesheet" href="${escapeHtml(assets.style)}">
<style>
  body { color: var(--vscode-editor-foreground); background: var(--vscode-editor-background); ` +
    `font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); padding: 0 12px; }
  h2 { font-size: 1.2em; margin: 10px 0 4px; } h3 { font-size: 1em; font-weight: 600; margin: 12px 0 4px; }
  .meta { color: var(--vscode-descriptionForeground); }
  .warn, tr.nonfinite td { color: var(--vscode-editorWarning-foreground, #cca700); }
  .chart { width: 100%; }
  .uplot, .u-legend { font-family: var(--vscode-font-family); color: var(--vscode-editor-foreground); }
  .u-legend { font-size: 12px; text-align: left; }
  .u-legend th { font-weight: 400; }
  .layer { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-start; }
  .layer > #histogram { flex: 1 1 320px; min-width: 260px; }
  canvas.map { image-rendering: pixelated; width: 72px; height: 72px; ` +
    `margin: 2px; border: 1px solid var(--vscode-editorWidget-border, #8884); }
  #maps { flex: 0 1 320px; }
  #top5 ol { margin: 4px 0; padding-left: 24px; }
  details { margin: 8px 0 4px; } details label { margin-right: 12px; white-space: nowrap; }
  .table-wrap { max-height: 70vh; overflow: auto; border: 1px solid var(--vscode-editorWidget-border, #8884); }
  table { border-collapse: collapse; font-family: var(--vscode-editor-font-family); font-size: 12px; width: 100%; }
  th, td { padding: 2px 8px; text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; ` +
    `border-bottom: 1px solid var(--vscode-editorWidget-border, #8884); }
  thead th { position: sticky; top: 0; z-index: 1; background: var(--vscode-editor-background); font-weight: 600; }
  th:first-child, td.name, td.text { text-align: left; }
  td.name { max-width: 40vw; overflow: hidden; text-overflow: ellipsis; }
  tbody tr { cursor: pointer; }
  tbody tr:hover { background: var(--vscode-list-hoverBackground); }
  tr.selected, tr.selected:hover { background: var(--vscode-list-activeSelectionBackground); ` +
    `color: var(--vscode-list-activeSelectionForeground); }
</style></head>
<body>
<h2 id="title"></h2>
<div class="meta" id="meta"></div>
<div class="meta" id="mode"></div>
<div class="warn" id="warnings"></div>
<section id="top5" hidden><h3>Top-5 classes (softmax of the output)</h3><ol id="top5-list"></ol></section>
<h3>Activation std and fraction of zeros across depth</h3>
<div id="depth" class="chart"></div>
<h3 id="layer-title">Layer</h3>
<div class="layer"><div id="histogram" class="chart"></div><div id="maps"></div></div>
<details><summary>Columns</summary><span id="columns"></span></details>
<div class="table-wrap"><table id="layers"><thead id="head"></thead><tbody id="rows"></tbody></table></div>
<script type="application/json" id="data">${data}</script>
<script nonce="${nonce}" src="${escapeHtml(assets.script)}"></script>
</body></html>`
  );
}
