// Go to definition, find references, rename (blocks and labels), and the outline of the document.
import type { DocumentSymbol, Location, TextEdit, WorkspaceEdit } from "vscode-languageserver";
import { LSPErrorCodes, ResponseError, SymbolKind } from "vscode-languageserver";
import type { Span, Statement } from "../../../grammar/index.js";
import { analyze, type Diagnostic, type ModelInfo, type Shape } from "../analysis/index.js";
import { formatShape } from "../analysis/tensor.js";
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

/** Models and blocks, with their labelled statements as children; linear in the document (indexes built once). */
export function documentSymbols(doc: Analysed): DocumentSymbol[] {
  const models = new Map<number, ModelInfo>();
  for (const m of doc.analysis.models) if (!models.has(m.nameSpan.start)) models.set(m.nameSpan.start, m);
  // A label inside a block has one shape per use; the outline shows the first, as the hover does.
  const shapes = new Map<number, Shape | undefined>();
  for (const m of doc.analysis.models)
    for (const l of m.labels) if (!shapes.has(l.span.start)) shapes.set(l.span.start, l.shape);
  const out: DocumentSymbol[] = [];
  for (const def of doc.analysis.ast.definitions) {
    if (def.kind === "framework" || !def.name.text) continue;
    const model = def.kind === "model" ? models.get(def.name.span.start) : undefined;
    out.push({
      name: def.name.text,
      detail:
        def.kind === "model"
          ? `model ${formatShape(model?.input)} → ${formatShape(model?.output)}`
          : `block(${def.params.map((p) => p.name.text).join(", ")})`,
      kind: def.kind === "model" ? SymbolKind.Class : SymbolKind.Function,
      range: toRange(doc.index, def.span),
      selectionRange: toRange(doc.index, def.name.span),
      children: labelSymbols(def.body, doc, shapes),
    });
  }
  return out;
}

function labelSymbols(
  body: Statement[],
  doc: Analysed,
  shapes: Map<number, Shape | undefined>,
  out: DocumentSymbol[] = [],
): DocumentSymbol[] {
  for (const s of body) {
    if (s.label) {
      const shape = shapes.get(s.label.span.start);
      out.push({
        name: s.label.text,
        detail: formatShape(shape),
        kind: SymbolKind.Variable,
        range: toRange(doc.index, s.span),
        selectionRange: toRange(doc.index, s.label.span),
      });
    }
    for (const item of s.chain) {
      const inner =
        item.kind === "residual"
          ? [item.body, item.shortcut?.kind === "body" ? item.shortcut.body : []].flat()
          : item.kind === "mergeBranches" || item.kind === "split"
            ? item.branches.flatMap((b) => b.body)
            : item.kind === "repeat" || item.kind === "sequential" || item.kind === "gate"
              ? item.body
              : [];
      labelSymbols(inner, doc, shapes, out);
    }
  }
  return out;
}
