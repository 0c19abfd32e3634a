// The summary webview's page: the layers as a tree table with rolled-up params, MACs and memory, in the editor's
// theme. Strict CSP: one script, client/webview/summary.ts bundled into dist/webview-summary.js, allowed by its nonce.
import { randomBytes } from "node:crypto";
import type { JsonTableDocument } from "../../server/src/protocol.js";
import { escapeHtml, jsonForScript } from "./html.js";

/** The bundled script the page loads (esbuild.mjs), relative to the extension's folder. */
export const summaryScript = ["dist", "webview-summary.js"] as const;

/**
 * The page for the summary of `doc`, opened on `model` (the first when omitted); `scriptUri` is
 * `summaryScript` as the webview's URI. The data rides in a JSON script element that the script reads.
 */
export function summaryHtml(doc: JsonTableDocument, model: string | undefined, cspSource: string, scriptUri: string) {
  const nonce = randomBytes(16).toString("base64");
  const data = jsonForScript({ models: doc.models, ...(model ? { model } : {}) });
  return (
    `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; ` +
    `style-src ${cspSource} 'unsafe-inline'; script-src 'nonce-${nonce}';">
<style>
  body { color: var(--vscode-editor-foreground); background: var(--vscode-editor-background); ` +
    `font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); padding: 0 12px; }
  header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 8px 16px; margin: 10px 0 6px; }
  h2 { font-weight: 600; font-size: 1.15em; margin: 0; }
  button, select { color: var(--vscode-button-secondaryForeground); border: none; padding: 2px 8px; ` +
    `background: var(--vscode-button-secondaryBackground); font: inherit; cursor: pointer; }
  dl { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 2px 16px; margin: 0 0 10px; }
  dl div { white-space: nowrap; }
  dt { display: inline; color: var(--vscode-descriptionForeground); }
  dt::after { content: ": "; }
  dd { display: inline; margin: 0; font-variant-numeric: tabular-nums; }
  table { border-collapse: collapse; table-layout: fixed; width: 100%; min-width: 520px; ` +
    `font-family: var(--vscode-editor-font-family); font-size: 12px; }
  col.kind { width: 14%; } col.shape { width: 14%; } col.params, col.macs { width: 16%; } col.memory { width: 8%; }
  thead th { position: sticky; top: 0; z-index: 1; background: var(--vscode-editor-background); ` +
    `text-align: left; font-weight: 600; padding: 4px; ` +
    `border-bottom: 1px solid var(--vscode-editorWidget-border, #8884); ` +
    `white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  th[data-sort] { cursor: pointer; user-select: none; }
  th.sorted[aria-sort="descending"]::after { content: " ▼"; }
  th.sorted[aria-sort="ascending"]::after { content: " ▲"; }
  th.num { text-align: right; }
  tr { height: 24px; }
  tbody tr:not(.spacer) { cursor: pointer; }
  tbody tr:not(.spacer):hover { background: var(--vscode-list-hoverBackground); }
  tr.selected { background: var(--vscode-list-activeSelectionBackground) !important; ` +
    `color: var(--vscode-list-activeSelectionForeground); }
  td { padding: 0 4px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; }
  td.share { position: relative; }
  .bar { position: absolute; right: 4px; bottom: 2px; height: 3px; max-width: calc(100% - 8px); ` +
    `background: var(--vscode-charts-blue, #3794ff); opacity: 0.8; }
  td.kind, td.shape { color: var(--vscode-descriptionForeground); }
  tr.selected td { color: inherit; }
  .twisty { display: inline-block; width: 14px; color: var(--vscode-icon-foreground); }
</style></head>
<body>
<header><h2 id="title"></h2><select id="model" aria-label="Model"></select>
<button id="expand-all" type="button">Expand all</button><button id="collapse-all" type="button">Collapse all</button>
</header>
<dl id="totals"></dl>
<table id="layers">
<colgroup><col class="name"><col class="kind"><col class="shape"><col class="params"><col class="macs">` +
    `<col class="memory"></colgroup>
<thead><tr><th data-sort="name">Layer</th><th data-sort="kind">Kind</th><th>Output</th>` +
    `<th data-sort="params" class="num">Params</th><th data-sort="macs" class="num">MACs</th>` +
    `<th data-sort="memory" class="num" title="Output activation, MB">MB</th></tr></thead>
<tbody id="rows"></tbody>
</table>
<script type="application/json" id="data">${data}</script>
<script nonce="${nonce}" src="${escapeHtml(scriptUri)}"></script>
</body></html>`
  );
}
