// The architecture diagram webview's page: a toolbar, the drawing and its status line. Strict CSP: one bundled
// script (client/webview/diagram.ts) allowed by its nonce, and workers only from blobs that script makes.
import { randomBytes } from "node:crypto";
import { escapeHtml } from "./html.js";

/** The bundled script the page loads (esbuild.mjs), relative to the extension's folder. */
export const diagramScript = ["dist", "webview-diagram.js"] as const;

/**
 * The drawing's rules, in an element of their own: the SVG export copies them with the theme's colours put in
 * (client/webview/diagram.ts), so a saved diagram looks as it does here.
 */
const DIAGRAM_STYLE =
  `
svg.diagram text { font-size: 12px; fill: var(--vscode-editor-foreground, #333); }
svg.diagram text.subtitle, svg.diagram text.shape { font-size: 10px; fill: var(--vscode-descriptionForeground, #777); }
svg.diagram .node rect.base { fill: var(--vscode-editor-background, #fff); ` +
  `stroke: var(--vscode-editorWidget-border, #999); }
svg.diagram .node rect.heat { fill: var(--vscode-charts-orange, #d18616); stroke: none; }
svg.diagram .node.input rect.base, svg.diagram .node.op rect.base { stroke: var(--vscode-charts-blue, #3794ff); }
svg.diagram .node.group rect.base { stroke-width: 2; stroke-dasharray: 5 2; }
svg.diagram .box > rect { fill: var(--vscode-editorWidget-border, #8881); fill-opacity: 0.12; ` +
  `stroke: var(--vscode-editorWidget-border, #999); stroke-dasharray: 4 3; }
svg.diagram .edge path { fill: none; stroke: var(--vscode-descriptionForeground, #777); stroke-width: 1.2; }
svg.diagram .arrowhead { fill: var(--vscode-descriptionForeground, #777); }
svg.diagram .node.cursor rect.base, svg.diagram .box.cursor > rect { stroke: var(--vscode-focusBorder, #0078d4); ` +
  `stroke-width: 3; stroke-dasharray: none; }
svg.diagram .toggle { fill: var(--vscode-textLink-foreground, #06c); cursor: pointer; }
`;

/** The page; `scriptUri` is `diagramScript` as the webview's URI (`webview.asWebviewUri`). */
export function diagramHtml(cspSource: string, scriptUri: string, title: string): string {
  const nonce = randomBytes(16).toString("base64");
  return (
    `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'unsafe-inline'; ` +
    `script-src 'nonce-${nonce}'; worker-src blob:;">
<title>${escapeHtml(title)}</title>
<style>
  body { color: var(--vscode-editor-foreground); background: var(--vscode-editor-background); margin: 0; ` +
    `font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); }
  header { position: sticky; top: 0; z-index: 1; display: flex; flex-wrap: wrap; gap: 6px; align-items: center; ` +
    `padding: 6px 10px; background: var(--vscode-editor-background); ` +
    `border-bottom: 1px solid var(--vscode-editorWidget-border, #8884); }
  header h2 { font-size: 1.1em; margin: 0 8px 0 0; }
  button { color: var(--vscode-button-secondaryForeground); background: var(--vscode-button-secondaryBackground); ` +
    `border: 1px solid var(--vscode-button-border, transparent); padding: 2px 8px; cursor: pointer; }
  button[aria-pressed="true"] { color: var(--vscode-button-foreground); background: var(--vscode-button-background); }
  #status { color: var(--vscode-descriptionForeground); padding: 2px 10px; }
  #canvas { padding: 8px; overflow: auto; }
  svg.diagram .node { cursor: pointer; }
  svg.diagram { font-family: var(--vscode-editor-font-family); }
</style>
<style id="diagram-style">${DIAGRAM_STYLE}</style>
</head>
<body>
<header>
  <h2 id="title">${escapeHtml(title)}</h2>
  <span>Colour by</span>
  <button data-metric="params" aria-pressed="true">Params</button>
  <button data-metric="macs" aria-pressed="false">MACs</button>
  <button id="expand" title="Open every block use and repeat">Expand all</button>
  <button id="collapse" title="Close every group">Collapse all</button>
  <button id="zoom-out" title="Zoom out">−</button><button id="zoom-reset" title="Actual size">100%</button>` +
    `<button id="zoom-in" title="Zoom in">+</button>
  <button id="export" title="Save the drawing as an SVG file">Export SVG…</button>
</header>
<div id="status">Laying out…</div>
<div id="canvas"></div>
<script nonce="${nonce}" src="${escapeHtml(scriptUri)}"></script>
</body></html>`
  );
}
