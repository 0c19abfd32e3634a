// Cursor tests in process: `<|>` markers split out of a text, and the text analysed as the server analyses it.
import { TextDocument } from "vscode-languageserver-textdocument";
import type { AnalyzeOptions } from "../../server/src/analysis/index.js";
import { AnalysisCache, type Analysed } from "../../server/src/lsp/documents.js";

/** A 0-based LSP position (line, UTF-16 character). */
export interface Position {
  line: number;
  character: number;
}

/** Splits `<|>` markers out of a text: the clean text, and each marker's position and offset in it. */
export function markers(text: string): { text: string; positions: Position[]; offsets: number[] } {
  const positions: Position[] = [];
  const offsets: number[] = [];
  let clean = "";
  const parts = text.split("<|>");
  parts.forEach((part, i) => {
    clean += part;
    if (i < parts.length - 1) {
      const lines = clean.split("\n");
      positions.push({ line: lines.length - 1, character: lines[lines.length - 1]!.length });
      offsets.push(clean.length);
    }
  });
  return { text: clean, positions, offsets };
}

/** The document as the server holds it: analysed through the server's own AnalysisCache. */
export function analysed(text: string, options: AnalyzeOptions = {}): Analysed {
  const cache = new AnalysisCache();
  cache.setOptions(options);
  return cache.get(TextDocument.create("file:///cursor-test.cnn", "cnn", 1, text));
}

/** A source with exactly one `<|>`: the analysed document and the cursor's offset. */
export function atCursor(source: string, options: AnalyzeOptions = {}): { doc: Analysed; offset: number } {
  const { text, offsets } = markers(source);
  if (offsets.length !== 1) throw new Error(`a cursor test needs one <|> marker, found ${offsets.length}: ${source}`);
  return { doc: analysed(text, options), offset: offsets[0]! };
}
