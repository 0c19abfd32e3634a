// Markdown or plain text, as the client asked: the plain form of the few markdown marks the hovers use.
import type { MarkupContent } from "vscode-languageserver";
import { MarkupKind } from "vscode-languageserver";

/** `value` as markdown, or stripped of its marks for a client that shows plain text only. */
export function markup(value: string, markdown: boolean): MarkupContent {
  return markdown ? { kind: MarkupKind.Markdown, value } : { kind: MarkupKind.PlainText, value: plainText(value) };
}

/**
 * Removes bold, code and italic marks: `**conv1** · \`conv\`` becomes `conv1 · conv`. Only the marks our own
 * texts use are handled; a lone `*` or `_` (as in `a_b`) stays, since emphasis needs a pair at word edges.
 */
export function plainText(markdown: string): string {
  return markdown
    .replace(/\*\*([^*]+)\*\*/g, "$1")
    .replace(/`([^`]*)`/g, "$1")
    .replace(/(^|\s)_([^_\n]+)_(?=$|[\s.,;:])/gm, "$1$2");
}
