// Hover texts: a layer's shapes, formulas, parameters, MACs, receptive field and memory; totals for blocks and models.
import type { Hover } from "vscode-languageserver";
import type { GroupInfo, LayerInfo, ModelInfo, ReceptiveField } from "../analysis/index.js";
import { formatShape } from "../analysis/tensor.js";
import { compact, fieldNumber, grouped, megabytes } from "../report/format.js";
import type { Analysed } from "./documents.js";
import { toPosition, toRange } from "./convert.js";
import { locate, type Located } from "./locate.js";
import { markup } from "./markup.js";
import { countRange, shapeRange } from "./shape-range.js";

/**
 * The hover at `offset`, or null where there is nothing to say; `short` keeps the shapes and parameters.
 * `markdown` false gives plain text, for clients whose `hover.contentFormat` lacks markdown.
 */
export function hoverAt(
  doc: Analysed,
  offset: number,
  detail: "full" | "short" = "full",
  markdown = true,
): Hover | null {
  const found = locate(doc.analysis, offset, doc.text);
  if (!found) return null;
  const full = hoverText(found, doc);
  const text =
    detail === "full"
      ? full
      : full
          .split("\n")
          .filter((line) => !line.startsWith("- ") || line.startsWith("- Parameters"))
          .join("\n");
  const span =
    found.kind === "layer"
      ? found.layer.span
      : found.kind === "group"
        ? found.group.span
        : found.kind === "model"
          ? found.model.nameSpan
          : found.kind === "label"
            ? found.label.span
            : found.span;
  return { contents: markup(text, markdown), range: toRange(doc.index, span) };
}

function hoverText(found: Located, doc: Analysed): string {
  switch (found.kind) {
    case "layer":
      return layerText(found.layer, found.all);
    case "group":
      return groupText(found.group, found.all);
    case "model":
      return modelText(found.model);
    case "label":
      return (
        `**${found.label.name}**: \`${formatShape(found.label.shape)}\`` +
        `\n\nlabel defined on line ${toPosition(doc.index, found.label.span.start).line + 1}`
      );
    case "block": {
      const uses = doc.analysis.blocks.find((b) => b.name === found.name)?.uses.length ?? 0;
      return `**block ${found.name}** — used ${uses} time${uses === 1 ? "" : "s"}`;
    }
  }
}

function params(p: { trainable: number; nonTrainable: number }): string {
  const total = p.trainable + p.nonTrainable;
  return p.nonTrainable
    ? `${grouped(total)} (${grouped(p.trainable)} trainable, ${grouped(p.nonTrainable)} non-trainable)`
    : grouped(total);
}

function field(rf: ReceptiveField | undefined): string | undefined {
  if (!rf) return undefined;
  if (rf.global) return "global (every output sees the whole input)";
  const axes = (xs: number[]) => (xs.every((x) => x === xs[0]) ? fieldNumber(xs[0]!) : xs.map(fieldNumber).join("×"));
  return `size ${rf.size.map(fieldNumber).join("×")}, jump ${axes(rf.jump)}, start ${axes(rf.start)}`;
}

/** The layer hover: the lines a user reads top to bottom. */
export function layerText(l: LayerInfo, all: readonly LayerInfo[] = [l]): string {
  const lines = [
    `**${l.name}** · \`${l.kind}\``,
    "",
    `\`${formatShape(l.inputShape)}\` → \`${formatShape(l.outputShape)}\``,
  ];
  if (l.overflow) return [...lines, "", `Figures unknown: ${l.overflow.message}.`].join("\n");
  const table: [string, string | undefined][] = [
    ["Output size", l.formula?.includes("\n") ? l.formula.split("\n").join("; ") : l.formula],
    [
      "Parameters",
      l.paramFormula ? `${l.paramFormula}` : l.params.trainable + l.params.nonTrainable ? params(l.params) : "0",
    ],
    ["MACs", l.macs ? `${grouped(l.macs)} (${compact(l.macs)}; FLOPs ${compact(2 * l.macs)})` : "0"],
    ["Receptive field", field(l.receptiveField)],
    ["Memory", l.memory ? `${megabytes(l.memory)} MB output (float32)` : undefined],
  ];
  lines.push("");
  for (const [k, v] of table) if (v !== undefined) lines.push(`- ${k}: ${v}`);
  if (all.length > 1) {
    const outputs = shapeRange(all.map((u) => u.outputShape));
    const counts = countRange(
      all.map((u) => u.params.trainable + u.params.nonTrainable),
      compact,
    );
    lines.push(
      "",
      `_${all.length} uses of this line; figures of the first. Over all uses: \`${outputs}\`, ${counts} parameters._`,
    );
  }
  return lines.join("\n");
}

/** Bytes as `8.19 kB` or `3.21 MB` (powers of ten, as the summary's MB): a block's outputs are often small. */
function bytes(n: number): string {
  const text = compact(n);
  return /[a-zA-Z]$/.test(text) ? `${text}B` : `${text} B`;
}

/** What each structure does, for its hover's title; a kind added later shows its own name. */
const STRUCTURE_MEANINGS: Partial<Record<string, string>> = {
  residual: "the body added to its shortcut",
  repeat: "its body several times, one after another",
  concat: "branches joined on the channel axis",
  add: "branches added element-wise",
  mul: "branches multiplied element-wise",
  gate: "the input times its body's result",
  split: "channel parts, one per branch, joined again",
  sequential: "statements grouped as one module",
};

/** A block use or a structure: its rolled-up figures (over the layers it holds), and its uses when several. */
export function groupText(g: GroupInfo, all: readonly GroupInfo[] = [g]): string {
  const count = g.layers[1] - g.layers[0];
  const meaning = STRUCTURE_MEANINGS[g.kind];
  const what = g.definition ? `block \`${g.definition}\`` : `\`${g.kind}\`${meaning ? ` — ${meaning}` : ""}`;
  const lines = [
    `**${g.name}** · ${what}`,
    "",
    `\`${formatShape(g.inputShape)}\` → \`${formatShape(g.outputShape)}\``,
    "",
    `- Parameters: ${params(g.params)}`,
    `- MACs: ${grouped(g.macs)} (${compact(g.macs)}; FLOPs ${compact(2 * g.macs)})`,
  ];
  const rf = field(g.receptiveField);
  if (rf) lines.push(`- Receptive field: ${rf}`);
  if (g.memory) lines.push(`- Memory: ${bytes(g.memory)} of layer outputs (float32, whole batch)`);
  lines.push(`- Layers: ${count}`);
  if (all.length > 1) {
    lines.push(
      "",
      `_${all.length} uses of this text; figures of the first. Over all uses: ` +
        `output \`${shapeRange(all.map((u) => u.outputShape))}\`, ` +
        `${countRange(
          all.map((u) => u.params.trainable + u.params.nonTrainable),
          compact,
        )} parameters, ${countRange(
          all.map((u) => u.macs),
          compact,
        )} MACs._`,
    );
  }
  return lines.join("\n");
}

/** Model totals, as the code lens and the status bar summarise them. */
export function modelText(m: ModelInfo): string {
  // Past 2^53 − 1 the sums are not the model's totals: say so instead of printing digits that are not exact.
  if (m.overflow) {
    return [`**model ${m.name}** (${m.framework})`, "", `Totals unknown: ${m.overflow.message}.`].join("\n");
  }
  return [
    `**model ${m.name}** (${m.framework})`,
    "",
    `${shapes(m.inputs.map((i) => i.shape))} → ${shapes(m.outputs.map((o) => o.shape))}`,
    "",
    `- Parameters: ${params(m.params)}`,
    `- MACs: ${grouped(m.macs)} (${compact(m.macs)}; FLOPs ${compact(2 * m.macs)})`,
    `- Layers: ${m.layers.length}`,
    `- Memory: input ${megabytes(m.memory.input)} MB` +
      `, activations ${megabytes(m.memory.activations)} MB` +
      `, parameters ${megabytes(m.memory.params)} MB`,
  ].join("\n");
}

/** One shape, or several (a model's inputs or outputs) joined by commas. */
function shapes(list: (number[] | undefined)[]): string {
  return list.length === 0 ? "`?`" : list.map((s) => `\`${formatShape(s)}\``).join(", ");
}
