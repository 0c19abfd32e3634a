// The outline as a flat SymbolInformation list, for clients without hierarchicalDocumentSymbolSupport.
import type { DocumentSymbol, SymbolInformation } from "vscode-languageserver";

/** Every symbol of the tree, parents before their children, each child naming its parent as container. */
export function flattenSymbols(symbols: DocumentSymbol[], uri: string, container?: string): SymbolInformation[] {
  const out: SymbolInformation[] = [];
  for (const s of symbols) {
    const location = { uri, range: s.range };
    out.push({ name: s.name, kind: s.kind, location, ...(container ? { containerName: container } : {}) });
    if (s.children?.length) out.push(...flattenSymbols(s.children, uri, s.name));
  }
  return out;
}
