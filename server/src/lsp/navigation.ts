// Go to definition, find references and rename, for blocks and labels.
import type { Location, TextEdit, WorkspaceEdit } from "vscode-languageserver";
import { LSPErrorCodes, ResponseError } from "vscode-languageserver";
import type { Span } from "../../../grammar/index.js";
import { analyze, type Diagnostic } from "../analysis/index.js";
import type { Analysed } from "./documents.js";
import { toRange } from "./convert.js";
import { collectReferences, referenceAt, sameTarget } from "./references.js";
import { findLayerKind } from "../analysis/layers/index.js";
import { checkNewName } from "./rename-rules.js";

export function definition(doc: Analysed, offset: number): Location | null {
  const refs = collectReferences(doc.analysis.ast);
  const at = referenceAt(refs, offset);
  if (!at) return null;
  const def = sameTarget(refs, at).find((r) => r.definition);
  return def ? { uri: doc.uri, range: toRange(doc.index, def.span) } : null;
}

export function references(doc: Analysed, offset: number, includeDeclaration: boolean): Location[] {
  const refs = collectReferences(doc.analysis.ast);
  const at = referenceAt(refs, offset);
  if (!at) return [];
  return sameTarget(refs, at)
    .filter((r) => includeDeclaration || !r.definition)
    .map((r) => ({ uri: doc.uri, range: toRange(doc.index, r.span) }));
}

/** Renames a block or a label everywhere it is referred to; refuses names that would not parse or would clash. */
export function rename(doc: Analysed, offset: number, newName: string): WorkspaceEdit | null {
  const refs = collectReferences(doc.analysis.ast);
  const at = referenceAt(refs, offset);
  if (!at) return null;
  checkNewName(at, newName, refs, doc.analysis.ast, doc.index);
  const targets = sameTarget(refs, at);
  checkNoNewCollision(
    doc,
    targets.map((r) => r.span),
    at.name,
    newName,
  );
  const edits: TextEdit[] = targets.map((r) => ({ range: toRange(doc.index, r.span), newText: newName }));
  return { changes: { [doc.uri]: edits } };
}

/**
 * A new name may equal a layer's automatic name (`conv1`), which only the analysis knows: the renamed text is
 * analysed once, and the rename is refused when it would add a `name-collision` error.
 */
function checkNoNewCollision(doc: Analysed, spans: Span[], oldName: string, newName: string): void {
  if (!mayBeAutomaticName(doc, newName)) return;
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  let text = "";
  let at = 0;
  for (const span of sorted) {
    text += doc.text.slice(at, span.start) + newName;
    at = span.end;
  }
  text += doc.text.slice(at);
  const collisions = (diagnostics: Diagnostic[]) => diagnostics.filter((d) => d.code === "name-collision").length;
  if (
    collisions(analyze(text, { defaultFramework: doc.analysis.framework }).diagnostics) >
    collisions(doc.analysis.diagnostics)
  ) {
    throw new ResponseError(
      LSPErrorCodes.RequestFailed,
      `Cannot rename '${oldName}' to '${newName}': '${newName}' is also the automatic name of another layer there, ` +
        "so the two would share one name in the exports and weights; choose another name.",
    );
  }
}

/**
 * Automatic names are a layer kind or a block followed by digits (`conv1`, `relu61`, `Stage21`): a name of
 * another form can never collide, so the renamed text needs no analysis (it would cost a whole one per rename).
 */
function mayBeAutomaticName(doc: Analysed, name: string): boolean {
  const blocks = new Set(doc.analysis.blocks.map((b) => b.name));
  for (let end = name.length; end > 0 && /\d/.test(name[end - 1]!); end--) {
    const stem = name.slice(0, end - 1);
    if (stem && (findLayerKind(stem)?.kind === stem || blocks.has(stem))) return true;
  }
  return false;
}

export function prepareRename(doc: Analysed, offset: number) {
  const at = referenceAt(collectReferences(doc.analysis.ast), offset);
  return at ? { range: toRange(doc.index, at.span), placeholder: at.name } : null;
}
