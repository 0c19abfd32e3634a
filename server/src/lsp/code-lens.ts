// Code lenses above each model: its totals, and the Simulate and Summary actions.
import type { CodeLens } from "vscode-languageserver";
import { modelErrors } from "../analysis/index.js";
import { formatShape } from "../analysis/tensor.js";
import { compact } from "../report/format.js";
import type { Analysed } from "./documents.js";
import { toRange } from "./convert.js";

/** Command ids, contributed by the client. */
export const Commands = {
  showSummary: "cnnlens.showSummary",
  simulate: "cnnlens.simulate",
  exportOnnx: "cnnlens.exportOnnx",
} as const;

export function codeLenses(doc: Analysed): CodeLens[] {
  const lenses: CodeLens[] = [];
  for (const m of doc.analysis.models) {
    const range = toRange(doc.index, m.nameSpan);
    const errors = modelErrors(doc.analysis, m).length;
    const totals = errors
      ? `${errors} error${errors === 1 ? "" : "s"}`
      : `${compact(m.params.total)} params · ${compact(m.macs)} MACs · → ${formatShape(m.output)}`;
    lenses.push({ range, command: { title: totals, command: "" } });
    lenses.push({ range, command: { title: "▶ Simulate", command: Commands.simulate, arguments: [doc.uri, m.name] } });
    lenses.push({ range, command: { title: "Summary", command: Commands.showSummary, arguments: [doc.uri, m.name] } });
  }
  return lenses;
}
