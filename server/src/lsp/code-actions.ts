// Quick fixes for the diagnostics that have one obvious repair.
import type { CodeAction, Command, Diagnostic as LspDiagnostic } from "vscode-languageserver";
import { CodeActionKind } from "vscode-languageserver";
import type { ChainItem, Residual, Statement } from "../../../grammar/index.js";
import { ServerCommands } from "../protocol.js";
import type { Analysed } from "./documents.js";
import { toOffset, toRange } from "./convert.js";

/** The quick fixes for the diagnostics the client sends with the request. */
export function codeActions(doc: Analysed, diagnostics: LspDiagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const d of diagnostics) {
    const fix = fixFor(doc, d);
    if (fix) actions.push({ ...fix, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: true });
  }
  return actions;
}

/**
 * The fixes as Commands, for a client without CodeAction literals: running one makes the server send the edit
 * by workspace/applyEdit, so a client that cannot take that request gets no fixes at all.
 */
export function asFixCommands(actions: CodeAction[], canApplyEdit: boolean): Command[] {
  if (!canApplyEdit) return [];
  return actions.map((a) => ({ title: a.title, command: ServerCommands.applyFix, arguments: [a.edit] }));
}

type Fix = Pick<CodeAction, "title" | "edit">;

function edit(doc: Analysed, start: number, end: number, newText: string): CodeAction["edit"] {
  return { changes: { [doc.uri]: [{ range: toRange(doc.index, { start, end }), newText }] } };
}

function fixFor(doc: Analysed, d: LspDiagnostic): Fix | undefined {
  const start = toOffset(doc.index, d.range.start);
  const end = toOffset(doc.index, d.range.end);
  const suggestion = (d.data as { suggestion?: string } | undefined)?.suggestion;
  switch (d.code) {
    case "unknown-layer":
    case "unknown-argument":
    case "framework":
      return suggestion ? { title: `Change to '${suggestion}'`, edit: edit(doc, start, end, suggestion) } : undefined;
    case "dense-not-flat":
      return { title: "Insert flatten before dense", edit: edit(doc, start, start, "flatten -> ") };
    case "kernel-too-large":
      return paddingFix(doc, start);
    case "shape-mismatch": {
      const residual = findResidual(doc, start);
      if (!residual || residual.shortcut) return undefined;
      return { title: "Add `shortcut auto` (a 1×1 conv + batchnorm projection)", edit: edit(doc, residual.span.end, residual.span.end, " shortcut auto") };
    }
    default:
      return undefined;
  }
}

/** Inserts the padding that keeps the spatial size: D(K−1)/2 for odd kernels, `same` otherwise. */
function paddingFix(doc: Analysed, offset: number): Fix | undefined {
  const layer = doc.analysis.models.flatMap((m) => m.layers).find((l) => l.span.start <= offset && offset <= l.span.end);
  if (!layer || layer.kind !== "conv") return undefined;
  const kernel = ([] as number[]).concat(layer.args["kernel"] as number | number[]);
  const dilation = ([] as number[]).concat((layer.args["dilation"] as number | number[] | undefined) ?? 1);
  const keras = doc.analysis.framework === "keras";
  const odd = kernel.every((k) => k % 2 === 1);
  const pads = kernel.map((k, i) => ((dilation[i] ?? dilation[0]!) * (k - 1)) / 2);
  const value = keras || !odd ? "same" : pads.every((p) => p === pads[0]) ? String(pads[0]) : `(${pads.join(", ")})`;
  const text = doc.text.slice(layer.span.start, layer.span.end);
  const existing = /\bpadding\s*:\s*[^,)]+/.exec(text);
  if (existing) {
    const s = layer.span.start + existing.index;
    return { title: `Set padding: ${value} to keep the size`, edit: edit(doc, s, s + existing[0].length, `padding: ${value}`) };
  }
  const close = layer.span.start + text.lastIndexOf(")");
  return { title: `Insert padding: ${value} to keep the size`, edit: edit(doc, close, close, `, padding: ${value}`) };
}

function findResidual(doc: Analysed, keywordStart: number): Residual | undefined {
  const visit = (body: Statement[]): Residual | undefined => {
    for (const s of body) for (const item of s.chain) {
      const found = visitItem(item);
      if (found) return found;
    }
    return undefined;
  };
  const visitItem = (item: ChainItem): Residual | undefined => {
    if (item.kind === "residual") {
      if (item.keyword.start === keywordStart) return item;
      return visit(item.body) ?? (item.shortcut?.kind === "body" ? visit(item.shortcut.body) : undefined);
    }
    if (item.kind === "mergeBranches") for (const b of item.branches) { const r = visit(b.body); if (r) return r; }
    if (item.kind === "repeat") return visit(item.body);
    return undefined;
  };
  for (const def of doc.analysis.ast.definitions) if (def.kind !== "framework") { const r = visit(def.body); if (r) return r; }
  return undefined;
}
