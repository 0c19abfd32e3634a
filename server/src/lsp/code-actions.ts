// Quick fixes for the diagnostics that have one obvious repair.
import type { CodeAction, Command, Diagnostic as LspDiagnostic } from "vscode-languageserver";
import { CodeActionKind } from "vscode-languageserver";
import type { ChainItem, Residual, Statement } from "../../../grammar/index.js";
import type { LayerInfo } from "../analysis/index.js";
import { ServerCommands } from "../protocol.js";
import type { Analysed } from "./documents.js";
import { toOffset, toRange } from "./convert.js";

/** The quick fixes for the diagnostics the client sends with the request (any number: linear in them and the file). */
export function codeActions(doc: Analysed, diagnostics: LspDiagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  const index = new Lookup(doc);
  for (const d of diagnostics) {
    const fix = fixFor(doc, d, index);
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

/**
 * What the fixes look up, indexed on first use: searched once per diagnostic instead, a request that selects
 * a whole file of errors would be quadratic.
 */
class Lookup {
  /** The first instance of each layer's text, by start; layer texts never overlap. */
  private layers?: LayerInfo[];
  private residuals?: Map<number, Residual>;
  constructor(private readonly doc: Analysed) {}

  /** The layer whose text holds `offset` (a binary search over the layers sorted once). */
  layerAt(offset: number): LayerInfo | undefined {
    if (!this.layers) {
      const first = new Map<number, LayerInfo>();
      for (const m of this.doc.analysis.models)
        for (const l of m.layers) if (!first.has(l.span.start)) first.set(l.span.start, l);
      this.layers = [...first.values()].sort((a, b) => a.span.start - b.span.start);
    }
    let lo = 0;
    let hi = this.layers.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.layers[mid]!.span.start <= offset) lo = mid;
      else hi = mid - 1;
    }
    const layer = this.layers[lo];
    return layer && layer.span.start <= offset && offset <= layer.span.end ? layer : undefined;
  }

  /** The residual whose keyword starts at `offset`. */
  residualAt(offset: number): Residual | undefined {
    if (!this.residuals) {
      const found = new Map<number, Residual>();
      const visit = (body: Statement[]): void => {
        for (const s of body) for (const item of s.chain) visitItem(item);
      };
      const visitItem = (item: ChainItem): void => {
        if (item.kind === "residual") {
          found.set(item.keyword.start, item);
          visit(item.body);
          if (item.shortcut?.kind === "body") visit(item.shortcut.body);
        }
        if (item.kind === "mergeBranches" || item.kind === "split") for (const b of item.branches) visit(b.body);
        if (item.kind === "repeat" || item.kind === "sequential" || item.kind === "gate") visit(item.body);
      };
      for (const def of this.doc.analysis.ast.definitions) if (def.kind !== "framework") visit(def.body);
      this.residuals = found;
    }
    return this.residuals.get(offset);
  }
}

function fixFor(doc: Analysed, d: LspDiagnostic, index: Lookup): Fix | undefined {
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
      return paddingFix(doc, start, index);
    case "shape-mismatch": {
      const residual = index.residualAt(start);
      if (!residual || residual.shortcut) return undefined;
      return {
        title: "Add `shortcut auto` (a 1×1 conv + batchnorm projection)",
        edit: edit(doc, residual.span.end, residual.span.end, " shortcut auto"),
      };
    }
    default:
      return undefined;
  }
}

/** Inserts the padding that keeps the spatial size: D(K−1)/2 for odd kernels, `same` otherwise. */
function paddingFix(doc: Analysed, offset: number, index: Lookup): Fix | undefined {
  const layer = index.layerAt(offset);
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
    return {
      title: `Set padding: ${value} to keep the size`,
      edit: edit(doc, s, s + existing[0].length, `padding: ${value}`),
    };
  }
  const close = layer.span.start + text.lastIndexOf(")");
  return { title: `Insert padding: ${value} to keep the size`, edit: edit(doc, close, close, `, padding: ${value}`) };
}
