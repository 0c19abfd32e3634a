// Text made safe to put inside the webviews' HTML: element text and attributes, and JSON in a script element.

/** Escapes `&`, `<`, `>` and `"` for element text and double-quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/**
 * JSON for a `<script type="application/json">` element, whose text is raw (entities stay as written): `<` is
 * written as \u003c so no string in the data can close the element; JSON.parse reads it back unchanged.
 */
export function jsonForScript(data: unknown): string {
  return JSON.stringify(data).replace(/</g, "\\u003c");
}
