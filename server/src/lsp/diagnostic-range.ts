// A squiggle a person can see: a diagnostic on one character (`conv(4, 9)`'s kernel) is widened to its keyword
// argument (`kernel: 9`) or to the whole layer call.
import type { Argument, FileAst, LayerCall, Span, Statement } from "../../../grammar/index.js";
import type { Diagnostic } from "../analysis/index.js";

/** Codes whose quick fix replaces exactly the diagnostic's text (a misspelt name): their range stays. */
const EXACT = new Set(["unknown-layer", "unknown-argument", "framework", "syntax", "lexer"]);

/** The span to show for each diagnostic: its own, or for one character the argument or call around it. */
export function readableSpans(ast: FileAst, diagnostics: readonly Diagnostic[]): Span[] {
  let calls: LayerCall[] | undefined;
  return diagnostics.map((d) => {
    if (d.span.end - d.span.start !== 1 || EXACT.has(d.code)) return d.span;
    // Built on the first narrow diagnostic only: most files have none.
    calls ??= collectCalls(ast);
    const call = enclosing(calls, d.span);
    if (!call) return d.span;
    const argument = call.args?.find(
      (a: Argument) => a.key && a.span.start <= d.span.start && d.span.end <= a.span.end,
    );
    return argument ? argument.span : call.span;
  });
}

/** Every layer call of the file in text order (calls never nest: arguments are values, not calls). */
function collectCalls(ast: FileAst): LayerCall[] {
  const calls: LayerCall[] = [];
  const visit = (body: Statement[]) => {
    for (const s of body)
      for (const item of s.chain) {
        if (item.kind === "layer") calls.push(item);
        // Structures by shape, so that kinds added later (gate, split) are searched too.
        const node = item as {
          body?: Statement[];
          branches?: { body?: Statement[] }[];
          shortcut?: { body?: Statement[] };
        };
        if (Array.isArray(node.body)) visit(node.body);
        for (const b of node.branches ?? []) if (Array.isArray(b.body)) visit(b.body);
        if (Array.isArray(node.shortcut?.body)) visit(node.shortcut.body);
      }
  };
  for (const def of ast.definitions) if (def.kind !== "framework") visit(def.body);
  return calls.sort((a, b) => a.span.start - b.span.start);
}

/** The call whose text holds `span`, by binary search over the calls' starts. */
function enclosing(calls: LayerCall[], span: Span): LayerCall | undefined {
  let lo = 0;
  let hi = calls.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (calls[mid]!.span.start <= span.start) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  const call = calls[found];
  return call && span.end <= call.span.end ? call : undefined;
}
