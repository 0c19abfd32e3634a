// Completion: layer kinds, arguments with their defaults and docs, values, block names, labels, keywords.
import type { CompletionItem, CompletionList } from "vscode-languageserver";
import { CompletionItemKind, InsertTextFormat } from "vscode-languageserver";
import type { ArgSpec } from "../analysis/arguments.js";
import { findSpec } from "../analysis/arguments.js";
import { findLayerKind, layerKinds } from "../analysis/layers/index.js";
import type { Analysed } from "./documents.js";
import { tokensBefore, tokensOf, type Token } from "../../../grammar/index.js";
import { callContext, inComment, typedWord } from "./call-context.js";
import { plainText } from "./markup.js";
import { describeDefault } from "./signature-help.js";

/** What the client can take: snippets with placeholders, markdown documentation. */
export interface CompletionOptions {
  snippets: boolean;
  markdownDocs: boolean;
}

/**
 * Labels offered at most, the nearest before the cursor first: a file of 50,000 labels offered 25,000 in the
 * middle (1.6 MB of items). Past the limit the list says it is incomplete, so the editor asks again as the
 * name is typed, and the labels that match the typed part are offered.
 */
export const LABEL_LIMIT = 500;

/**
 * The completion items at `offset`. Without snippet support an item inserts its bare name (`conv`, `concat`):
 * such a client would insert `${1:out_channels}` literally, and a name followed by `(` brings signature help.
 */
export function completions(doc: Analysed, offset: number, options: CompletionOptions): CompletionList {
  const complete = (items: CompletionItem[]): CompletionList => ({ isIncomplete: false, items });
  if (inComment(doc.analysis.ast.comments, offset)) return complete([]);
  const tokens = tokensOf(doc.analysis.ast);
  const after = wordBefore(tokens, offset);
  if (after === "Framework") {
    return complete(["pytorch", "keras"].map((w) => ({ label: w, kind: CompletionItemKind.EnumMember })));
  }
  if (after === "Shortcut") {
    const detail = "identity, or a 1×1 conv + batchnorm projection when shapes differ";
    return complete([{ label: "auto", kind: CompletionItemKind.Keyword, detail }]);
  }
  const call = callContext(tokens, offset);
  // Arguments given by position are taken too: their names would only give a duplicate-argument error.
  if (call) {
    const positional = Math.max(0, call.argumentIndex - call.given.length);
    return complete(argumentCompletions(doc, call.name, call.keyword, call.given, positional));
  }
  if (depthAt(tokens, offset) === 0) return complete(topLevel().map((item) => forClient(item, options)));
  const labels = labelsBefore(doc, offset, typedPart(tokens, offset));
  const items = bodyCompletions(doc, labels.names).map((item) => forClient(item, options));
  return { isIncomplete: labels.cut, items };
}

/**
 * The labels defined before `offset`, once each, at most LABEL_LIMIT of them: those whose letters contain the
 * typed part in order (as the editor matches), the ones that start with it first, nearest first within each.
 * `cut` tells whether any were left out.
 */
function labelsBefore(doc: Analysed, offset: number, typed: string): { names: string[]; cut: boolean } {
  const seen = new Set<string>();
  const starting: string[] = [];
  const containing: string[] = [];
  const lowerTyped = typed.toLowerCase();
  // From the cursor backwards, so the limit keeps the nearest; models are searched last to first likewise.
  for (let m = doc.analysis.models.length - 1; m >= 0; m--) {
    const labels = doc.analysis.models[m]!.labels;
    for (let i = labels.length - 1; i >= 0; i--) {
      const l = labels[i]!;
      if (l.span.start >= offset || seen.has(l.name)) continue;
      seen.add(l.name);
      const lower = l.name.toLowerCase();
      if (lower.startsWith(lowerTyped)) starting.push(l.name);
      else if (containsInOrder(lower, lowerTyped)) containing.push(l.name);
    }
  }
  const matching = starting.length >= LABEL_LIMIT ? starting : starting.concat(containing);
  return { names: matching.slice(0, LABEL_LIMIT), cut: starting.length + containing.length > LABEL_LIMIT };
}

/** Whether `typed`'s characters occur in `name` in order (how an editor filters a list; both in lower case). */
function containsInOrder(name: string, typed: string): boolean {
  let at = 0;
  for (const c of typed) {
    at = name.indexOf(c, at) + 1;
    if (at === 0) return false;
  }
  return true;
}

/** The part of a name typed before the cursor (`a12` in `a12|`), or "" between words. */
function typedPart(tokens: readonly Token[], offset: number): string {
  const t = tokens[tokensBefore(tokens, offset) - 1];
  if (!t || !typedWord(t, offset, /^\w+$/)) return "";
  return t.image.slice(0, offset - t.startOffset);
}

/** Drops the snippet (keeping the label as the text) and the markdown where the client cannot take them. */
function forClient(item: CompletionItem, options: CompletionOptions): CompletionItem {
  const out = { ...item };
  if (!options.snippets && out.insertTextFormat === InsertTextFormat.Snippet) {
    delete out.insertText;
    delete out.insertTextFormat;
  }
  if (!options.markdownDocs && typeof out.documentation === "object") {
    out.documentation = plainText(out.documentation.value);
  }
  return out;
}

/**
 * The type of the code token before the word being typed (or before the cursor), when a gap separates
 * them: `framework |` and `shortcut au|` name what may follow.
 */
function wordBefore(tokens: readonly Token[], offset: number): string | undefined {
  let k = tokensBefore(tokens, offset) - 1;
  const typing = typedWord(tokens[k], offset, /^\w+$/);
  if (typing) k--;
  const previous = tokens[k];
  if (!previous) return undefined;
  // Without a gap the word is still being typed (`framework|`).
  const gapEnd = typing ? tokens[k + 1]!.startOffset : offset;
  return previous.startOffset + previous.image.length < gapEnd ? previous.tokenType.name : undefined;
}

/** How many `{` before `offset` are still open, by the parser's tokens (so braces in comments do not count). */
function depthAt(tokens: readonly Token[], offset: number): number {
  let depth = 0;
  const end = tokensBefore(tokens, offset);
  for (let i = 0; i < end; i++) {
    const type = tokens[i]!.tokenType.name;
    if (type === "LCurly") depth++;
    else if (type === "RCurly") depth = Math.max(0, depth - 1);
  }
  return depth;
}

function topLevel(): CompletionItem[] {
  return [
    {
      label: "model",
      kind: CompletionItemKind.Keyword,
      insertText: "model ${1:Name} {\n\tinput(${2:3, 224, 224})\n\t$0\n}",
      insertTextFormat: InsertTextFormat.Snippet,
      detail: "a network",
    },
    {
      label: "block",
      kind: CompletionItemKind.Keyword,
      insertText: "block ${1:Name}(${2:channels}) {\n\t$0\n}",
      insertTextFormat: InsertTextFormat.Snippet,
      detail: "a reusable block",
    },
    {
      label: "framework",
      kind: CompletionItemKind.Keyword,
      insertText: "framework ${1|pytorch,keras|}",
      insertTextFormat: InsertTextFormat.Snippet,
      detail: "pytorch (default) or keras conventions",
    },
  ];
}

function bodyCompletions(doc: Analysed, labels: readonly string[]): CompletionItem[] {
  const items: CompletionItem[] = layerKinds.map((k, i) => {
    const required = k.args.filter((a) => a.default === undefined && !a.optional);
    const snippet = required.length
      ? `${k.kind}(${required.map((a, j) => `\${${j + 1}:${a.name}}`).join(", ")})`
      : k.kind;
    return {
      label: k.kind,
      kind: CompletionItemKind.Function,
      detail: k.aliases.slice(0, 3).join(", "),
      documentation: { kind: "markdown", value: k.doc },
      insertText: snippet,
      insertTextFormat: InsertTextFormat.Snippet,
      sortText: `1${String(i).padStart(3, "0")}`,
    };
  });
  items.push({
    label: "input",
    kind: CompletionItemKind.Function,
    detail: "the model's input shape",
    insertText: "input(${1:3, 224, 224})",
    insertTextFormat: InsertTextFormat.Snippet,
  });
  for (const b of doc.analysis.blocks) {
    items.push({
      label: b.name,
      kind: CompletionItemKind.Class,
      detail: `block ${b.name}(${b.params.map((p) => p.name).join(", ")})`,
      sortText: `0${b.name}`,
    });
  }
  for (const l of labels)
    items.push({ label: l, kind: CompletionItemKind.Variable, detail: "label", sortText: `0${l}` });
  const keywords: [string, string, string][] = [
    ["residual", "residual {\n\t$0\n} shortcut auto", "main path added to a shortcut"],
    ["concat", "concat {\n\tbranch { $1 }\n\tbranch { $2 }\n}", "branches joined on the channel axis"],
    ["add", "add {\n\tbranch { $1 }\n\tbranch { $2 }\n}", "branches added element-wise"],
    ["mul", "mul {\n\tbranch { $1 }\n\tbranch { $2 }\n}", "branches multiplied element-wise (axes of size 1 stretch)"],
    ["gate", "gate { ${1:adaptiveavgpool(1) -> conv(16, 1) -> sigmoid} }", "the input times the body's result (SE)"],
    ["split", "split {\n\tbranch { $1 }\n\tbranch { $2 }\n}", "equal channel parts, one per branch, joined again"],
    ["repeat", "repeat ${1:2} { $0 }", "the body N times in sequence"],
    ["branch", "branch { $0 }", "one path of a concat, add, mul or split"],
  ];
  for (const [label, insertText, detail] of keywords)
    items.push({
      label,
      kind: CompletionItemKind.Keyword,
      insertText,
      insertTextFormat: InsertTextFormat.Snippet,
      detail,
    });
  return items;
}

function argumentCompletions(
  doc: Analysed,
  name: string,
  keyword: string | undefined,
  given: string[],
  positional: number,
): CompletionItem[] {
  const kind = findLayerKind(name);
  if (kind && keyword) return valueCompletions(findSpec(kind.args, keyword));
  if (kind) {
    return kind.args
      .filter((a, i) => i >= positional && !given.includes(a.name))
      .map((a, i) => ({
        label: `${a.name}:`,
        kind: CompletionItemKind.Property,
        detail: describeDefault(a),
        documentation: a.doc + (a.aliases?.length ? ` (also: ${a.aliases.join(", ")})` : ""),
        insertText: `${a.name}: `,
        sortText: String(i).padStart(3, "0"),
      }));
  }
  const block = doc.analysis.ast.definitions.find((d) => d.kind === "block" && d.name.text === name);
  if (block?.kind === "block")
    return block.params
      .filter((p, i) => i >= positional && !given.includes(p.name.text))
      .map((p) => ({ label: `${p.name.text}:`, kind: CompletionItemKind.Property, insertText: `${p.name.text}: ` }));
  return [];
}

function valueCompletions(spec: ArgSpec | undefined): CompletionItem[] {
  if (!spec) return [];
  const words =
    spec.type === "bool" ? ["true", "false"] : spec.type === "padding" ? ["same", "valid"] : (spec.words ?? []);
  return words.map((w) => ({ label: w, kind: CompletionItemKind.Value }));
}
