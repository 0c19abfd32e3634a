// Semantic tokens: layer kinds, block names, labels, argument names and words, beyond what TextMate can know.
import type { SemanticTokens, SemanticTokensLegend } from "vscode-languageserver";
import { tokensOf, type Token } from "../../../grammar/index.js";
import { findLayerKind } from "../analysis/layers/index.js";
import type { Analysed } from "./documents.js";
import { toPosition } from "./convert.js";

const types = [
  "keyword",
  "class",
  "function",
  "variable",
  "parameter",
  "number",
  "comment",
  "operator",
  "enumMember",
] as const;
const modifiers = ["declaration", "defaultLibrary"] as const;
type TokenType = (typeof types)[number];

export const semanticLegend: SemanticTokensLegend = { tokenTypes: [...types], tokenModifiers: [...modifiers] };

const keywordTypes = new Set([
  "Framework",
  "Model",
  "Block",
  "Residual",
  "Shortcut",
  "Auto",
  "Concat",
  "Add",
  "Mul",
  "Gate",
  "Split",
  "Branch",
  "Repeat",
  "Sequential",
  "Seq",
  "True",
  "False",
]);

export function semanticTokens(doc: Analysed): SemanticTokens {
  const blocks = new Set(doc.analysis.blocks.map((b) => b.name));
  const labels = new Set(doc.analysis.models.flatMap((m) => m.labels.map((l) => l.name)));
  // The parser's own token stream, comments in place: nothing is lexed again.
  const all = tokensOf(doc.analysis.ast);
  const data: number[] = [];
  let line = 0;
  let character = 0;
  let depthParen = 0;
  all.forEach((t, i) => {
    const name = t.tokenType.name;
    if (name === "LParen") depthParen++;
    if (name === "RParen") depthParen = Math.max(0, depthParen - 1);
    const classified = classify(t, all[i - 1], all[i + 1], depthParen, blocks, labels);
    if (!classified) return;
    const pos = toPosition(doc.index, t.startOffset);
    const length = t.image.length;
    data.push(
      pos.line - line,
      pos.line === line ? pos.character - character : pos.character,
      length,
      types.indexOf(classified.type),
      classified.modifiers,
    );
    line = pos.line;
    character = pos.character;
  });
  return { data };
}

function classify(
  t: Token,
  prev: Token | undefined,
  next: Token | undefined,
  depth: number,
  blocks: Set<string>,
  labels: Set<string>,
): { type: TokenType; modifiers: number } | undefined {
  const name = t.tokenType.name;
  const plain = (type: TokenType, mods = 0) => ({ type, modifiers: mods });
  if (name === "Comment") return plain("comment");
  if (name === "Integer" || name === "Decimal") return plain("number");
  if (name === "Arrow") return plain("operator");
  if (keywordTypes.has(name)) return plain("keyword");
  if (name !== "Identifier") return undefined;
  const prevType = prev?.tokenType.name;
  if (prevType === "Model" || prevType === "Block") return plain("class", 1);
  if (next?.tokenType.name === "Colon") return depth > 0 ? plain("parameter") : plain("variable", 1);
  if (blocks.has(t.image)) return plain("class");
  if (findLayerKind(t.image) || t.image.toLowerCase() === "input") return plain("function", 2);
  if (labels.has(t.image)) return plain("variable");
  if (depth > 0) return plain("enumMember");
  return undefined;
}
