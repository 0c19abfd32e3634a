// The summary webview's page: the same table as `cnnlens summary`, in the editor's theme, with no scripts.
import { escapeHtml } from "./html.js";

export function summaryHtml(tables: { model: string; text: string }[], cspSource: string): string {
  const body = tables.map((t) => `<h2>${escapeHtml(t.model)}</h2>\n<pre>${escapeHtml(t.text)}</pre>`).join("\n");
  return (
    `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'unsafe-inline';">
<style>
  body { color: var(--vscode-editor-foreground); background: var(--vscode-editor-background); ` +
    `font-family: var(--vscode-font-family); }
  pre { font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); line-height: 1.4; }
  h2 { font-weight: 600; }
</style></head>
<body>${body}</body></html>`
  );
}
