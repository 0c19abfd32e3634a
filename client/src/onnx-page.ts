// The page of the `.onnx` editor (onnx-editor.ts): the model's name, input and outputs and two buttons, or the
// sentence saying why it cannot be opened as CNN. Strict CSP: one inline script and style, allowed by their nonce.
import { randomBytes } from "node:crypto";
import { compact, type ImportOnnxResult } from "../../server/src/protocol.js";
import { escapeHtml } from "./html.js";

/** What the page's buttons post to the extension. */
export type OnnxPageMessage = { type: "open" } | { type: "save" };

/** The page for `fileName`: still importing (`result` undefined), imported, or refused. */
export function onnxPageHtml(fileName: string, result: ImportOnnxResult | undefined): string {
  const nonce = randomBytes(16).toString("base64");
  const file = escapeHtml(fileName);
  let body: string;
  if (!result) body = `<h2>${file}</h2>\n<p>Importing…</p>`;
  else if ("refusal" in result)
    body =
      `<h2>${file}</h2>\n<p>CNN Lens cannot open this model as CNN:</p>\n` +
      `<p class="refusal">${escapeHtml(result.refusal)}</p>`;
  else {
    const outputs = result.outputs.map((o) => `${escapeHtml(o.name)} ${shapeText(o.shape)}`).join(", ");
    body =
      `<h2>${escapeHtml(result.model)}</h2>\n<p class="file">${file}</p>\n<dl>\n` +
      `<div><dt>input</dt><dd>${shapeText(result.input)}</dd></div>\n` +
      `<div><dt>${result.outputs.length === 1 ? "output" : "outputs"}</dt><dd>${outputs}</dd></div>\n` +
      `<div><dt>parameters</dt><dd>${escapeHtml(compact(result.params))}</dd></div>\n</dl>\n` +
      `<p><button id="open">Open as CNN</button> <button id="save">Save as .cnn…</button></p>`;
  }
  return (
    `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; ` +
    `style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<style nonce="${nonce}">
  body { color: var(--vscode-editor-foreground); background: var(--vscode-editor-background); ` +
    `font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); padding: 0 16px; }
  h2 { font-weight: 600; font-size: 1.2em; margin: 14px 0 4px; }
  .file { color: var(--vscode-descriptionForeground); margin: 0 0 10px; }
  dt { display: inline; color: var(--vscode-descriptionForeground); }
  dt::after { content: ": "; }
  dd { display: inline; margin: 0; font-variant-numeric: tabular-nums; }
  .refusal { color: var(--vscode-errorForeground); white-space: pre-wrap; }
  button { color: var(--vscode-button-foreground); background: var(--vscode-button-background); border: none; ` +
    `padding: 4px 12px; font: inherit; cursor: pointer; }
</style></head><body>
${body}
<script nonce="${nonce}">
  const vscode = acquireVsCodeApi();
  for (const type of ["open", "save"])
    document.getElementById(type)?.addEventListener("click", () => vscode.postMessage({ type }));
</script>
</body></html>
`
  );
}

/** `3×224×224`, or a dash for a shape the analysis could not compute. */
function shapeText(shape: number[] | null): string {
  return shape ? shape.join("×") : "–";
}
