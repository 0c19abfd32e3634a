// The analysis cache: one analysis per document version, computed on first use, shared by every request.
import type { TextDocument } from "vscode-languageserver-textdocument";
import { analyze, reanalyze, type Analysis, type AnalyzeOptions } from "../analysis/index.js";
import { LineIndex } from "../text/line-index.js";

export interface Analysed {
  uri: string;
  version: number;
  text: string;
  analysis: Analysis;
  index: LineIndex;
}

export class AnalysisCache {
  private readonly entries = new Map<string, Analysed>();
  private options: AnalyzeOptions = {};

  /** New options (a changed setting) make every cached analysis stale. */
  setOptions(options: AnalyzeOptions): void {
    this.options = options;
    this.entries.clear();
  }

  /**
   * The analysis of this exact document version, from the cache when it is there; else made from the cached
   * analysis of the version before (reanalyze: an edit inside the last model walks only what follows it).
   */
  get(doc: TextDocument): Analysed {
    const cached = this.entries.get(doc.uri);
    if (cached && cached.version === doc.version) return cached;
    const text = doc.getText();
    let analysis: Analysis;
    try {
      analysis = cached ? reanalyze(cached.analysis, cached.text, text, this.options) : analyze(text, this.options);
    } catch (e) {
      // The analysis is written never to throw; should it, the editor keeps working with an empty result.
      analysis = {
        framework: "pytorch",
        models: [],
        blocks: [],
        ast: { definitions: [], comments: [] },
        diagnostics: [
          {
            severity: "error",
            code: "internal",
            message: `internal error in the analysis: ${(e as Error).message}`,
            span: { start: 0, end: 0 },
          },
        ],
      };
    }
    const entry: Analysed = { uri: doc.uri, version: doc.version, text, analysis, index: new LineIndex(text) };
    this.entries.set(doc.uri, entry);
    return entry;
  }

  delete(uri: string): void {
    this.entries.delete(uri);
  }
}
