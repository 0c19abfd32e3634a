// The torchinfo-like summary table that `cnnlens summary` prints, fitted to a width and an optional depth.
import type { GroupInfo, LayerInfo, ModelInfo, ReceptiveField, Shape } from "../analysis/index.js";
import { formatShape } from "../analysis/tensor.js";
import { compact, fieldNumber, grouped, megabytes } from "./format.js";

/** The columns a user may choose; the layer name always comes first. */
export const columnNames = ["kind", "input", "output", "params", "macs", "memory", "rf"] as const;
export type ColumnName = (typeof columnNames)[number];

export interface TableOptions {
  /** Characters per line the table may use (default 100). */
  width?: number;
  /** Collapse everything deeper than this many name parts into one row (as torchinfo's depth). */
  depth?: number;
  columns?: readonly ColumnName[];
  /** Rows shown at most: the rest become one line that counts them (the totals still count every layer). */
  maxRows?: number;
}

/**
 * The rows a table in the editor shows at most (the language server's `cnnlens/summary` and its summary command):
 * like the outline's limit, a 50,000-layer table was 3 MB of text that no one reads in an editor, whose building
 * was most of the request. `cnnlens summary` on the command line prints every row.
 */
export const EDITOR_TABLE_ROWS = 10_000;

export const defaultColumns: readonly ColumnName[] = ["kind", "output", "params", "macs", "rf"];
const defaultWidth = 100;
/** The layer column never gets narrower than this, even when the width asks for it. */
const minNameWidth = 12;
/** The layer column shrinks below this only after the kind and shape columns have. */
const comfortableNameWidth = 20;

/** One line of the table: a leaf layer, or a block use, repeat or labelled chain collapsed by the depth. */
interface Row {
  name: string;
  kind: string;
  input?: Shape;
  output?: Shape;
  params: number;
  macs: number;
  memory: number;
  field: ReceptiveField | undefined;
  /** Size or parameters unknown because of an error above. */
  unknown: boolean;
  /** The figures passed 2^53 here, so none of them is exact. */
  overflow: boolean;
}

const titles: Record<ColumnName | "name", string> = {
  name: "Layer",
  kind: "Kind",
  input: "Input shape",
  output: "Output shape",
  params: "Params",
  macs: "MACs",
  memory: "Output (MB)",
  rf: "RF (size/jump)",
};
/** Titles for a table that does not fit with the long ones. */
const shortTitles: Partial<Record<ColumnName | "name", string>> = {
  input: "Input",
  output: "Output",
  memory: "MB",
  rf: "RF",
};
const rightAligned = new Set<string>(["params", "macs", "memory", "rf"]);

/** The table for one model, ending with totals and the memory estimate. */
export function summaryTable(m: ModelInfo, options: TableOptions = {}): string {
  const columns = ["name", ...(options.columns ?? defaultColumns)] as (ColumnName | "name")[];
  const collapsed = options.depth === undefined ? undefined : collapse(m, options.depth);
  const allRows = collapsed ? collapsed.length : m.layers.length;
  const rowCount = Math.min(allRows, options.maxRows ?? allRows);
  const rowAt = (i: number) => (collapsed ? collapsed[i]! : layerRow(m.layers[i]!));
  // Two passes over the rows, each making its cells' text again, rather than keeping 300,000 cells of a
  // 50,000-layer table alive between measuring and writing: the kept cells outlived the young generation and
  // made the collector go through the whole analysis, most of the table's time.
  const texts = new SharedTexts();
  const longest = columns.map(() => 0);
  for (let r = 0; r < rowCount; r++) {
    const row = rowAt(r);
    for (let i = 0; i < columns.length; i++)
      longest[i] = Math.max(longest[i]!, cellText(row, columns[i]!, texts).length);
  }
  const { widths, titles: heads } = fitWidths(columns, longest, options.width ?? defaultWidth);
  const right = columns.map((c) => rightAligned.has(c));
  const line = (cell: (i: number) => string) => {
    let out = "";
    for (let i = 0; i < columns.length; i++) {
      const w = widths[i]!;
      const t = cell(i);
      const fitted = t.length > w ? shortenMiddle(t, w) : t;
      out += (i > 0 ? "  " : "") + (right[i] ? fitted.padStart(w) : fitted.padEnd(w));
    }
    return out.trimEnd();
  };
  const body: string[] = new Array(rowCount);
  for (let r = 0; r < rowCount; r++) {
    const row = rowAt(r);
    body[r] = line((i) => cellText(row, columns[i]!, texts));
  }
  const ruleWidth = widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
  const rule = (ch: string) => ch.repeat(ruleWidth);
  const unknown = m.layers.filter((l) => !l.outputShape).length;
  const partial =
    unknown > 0 ? ` (partial: ${unknown} of ${m.layers.length} layers unknown until the errors are fixed)` : "";
  // Past 2^53 the sums are no longer exact, so the analysis keeps none of them and neither does the table.
  const lost = m.overflow ? `unknown (size overflow at ${m.overflow.where})` : undefined;
  const count = (n: number, note = "") => lost ?? `${grouped(n)}${note}`;
  const mb = (bytes: number) => (lost ? "unknown" : megabytes(bytes));
  const lines = [
    rule("="),
    `Model ${m.name} (${m.framework}), ${inputsLine(m)}${m.batch > 1 ? `, batch ${m.batch}` : ""}`,
    rule("-"),
    line((i) => heads[i]!),
    rule("="),
    ...body,
    ...(rowCount < allRows
      ? [`… ${grouped(allRows - rowCount)} more rows, counted in the totals: cnnlens summary prints every row`]
      : []),
    rule("="),
    ...outputLines(m),
    `Total params: ${count(m.params.total, partial)}`,
    `Trainable params: ${count(m.params.trainable)}`,
    `Non-trainable params: ${count(m.params.nonTrainable)}`,
    `Total MACs: ${
      lost ??
      `${grouped(m.macs)} (${compact(m.macs)}); ` +
        `FLOPs = 2·MACs = ${compact(2 * m.macs)}${unknown > 0 ? " (partial)" : ""}`
    }`,
  ];
  if (m.receptiveField && !m.receptiveField.global) {
    const rf = m.receptiveField;
    lines.push(
      `Receptive field of the output: ${rf.size.map(fieldNumber).join("×")}` +
        `, jump ${rf.jump.map(fieldNumber).join("×")}`,
    );
  }
  lines.push(
    rule("-"),
    `Input size (MB): ${mb(m.memory.input)}`,
    `Forward pass activations (MB): ${mb(m.memory.activations)}`,
    `Params size (MB): ${mb(m.memory.params)}`,
    `Estimated total size (MB): ${mb(m.memory.input + m.memory.activations + m.memory.params)}`,
    rule("="),
  );
  return lines.join("\n");
}

/**
 * Shortens a dotted name to `width` characters so that rows stay apart: first the name parts between the
 * first and the last that are not indices become `…` (`repeat3.4.Bottleneck1.conv2` → `repeat3.4.….conv2`,
 * since the iteration index and the layer tell rows apart), then, if that is not enough, the middle of the
 * whole text goes, keeping two thirds for its distinguishing end.
 */
export function shortenMiddle(text: string, width: number): string {
  if (text.length <= width) return text;
  const parts = text.split(".");
  for (let i = 1; i < parts.length - 1; i++) {
    if (/^\d+$/.test(parts[i]!) || parts[i] === "…") continue;
    parts[i] = "…";
    const joined = parts.filter((p, j) => !(p === "…" && parts[j - 1] === "…")).join(".");
    if (joined.length <= width) return joined;
  }
  if (width <= 1) return "…".slice(0, width);
  const reduced = parts.filter((p, j) => !(p === "…" && parts[j - 1] === "…")).join(".");
  const head = Math.floor((width - 1) / 3);
  const tail = width - 1 - head;
  return reduced.slice(0, head) + "…" + reduced.slice(reduced.length - tail);
}

function layerRow(l: LayerInfo): Row {
  // A literal with every property (no spreads, which V8 follows with a slow path): one per layer.
  return {
    name: l.name,
    kind: l.kind,
    input: l.inputShape,
    output: l.outputShape,
    params: l.params.trainable + l.params.nonTrainable,
    macs: l.macs,
    memory: l.memory,
    field: l.receptiveField,
    unknown: !l.outputShape,
    overflow: !!l.overflow,
  };
}

/** Rows for `--depth N`: consecutive layers whose names share their first N parts become one row. */
function collapse(m: ModelInfo, depth: number): Row[] {
  const groups = new Map<string, GroupInfo>(
    m.groups.filter((g) => g.kind === "block" || g.kind === "repeat").map((g) => [g.name, g]),
  );
  const rows: Row[] = [];
  let i = 0;
  while (i < m.layers.length) {
    const parts = m.layers[i]!.name.split(".");
    if (parts.length <= depth) {
      rows.push(layerRow(m.layers[i]!));
      i++;
      continue;
    }
    const prefix = parts.slice(0, depth).join(".");
    let end = i + 1;
    while (end < m.layers.length && m.layers[end]!.name.startsWith(prefix + ".")) end++;
    rows.push(collapsedRow(prefix, m.layers.slice(i, end), groups.get(prefix)));
    i = end;
  }
  return rows;
}

function collapsedRow(name: string, layers: LayerInfo[], group: GroupInfo | undefined): Row {
  const first = layers[0]!;
  const last = layers[layers.length - 1]!;
  const input = group?.inputShape ?? first.inputShape;
  const output = group?.outputShape ?? last.outputShape;
  const sum = (f: (l: LayerInfo) => number) => layers.reduce((s, l) => s + f(l), 0);
  return {
    name,
    kind: groupKind(name, group),
    ...(input ? { input } : {}),
    ...(output ? { output } : {}),
    params: sum((l) => l.params.trainable + l.params.nonTrainable),
    macs: sum((l) => l.macs),
    memory: sum((l) => l.memory),
    field: last.receptiveField,
    unknown: layers.some((l) => !l.outputShape),
    overflow: layers.some((l) => !!l.overflow),
  };
}

function groupKind(name: string, group: GroupInfo | undefined): string {
  if (group?.kind === "block") return group.definition ?? "block";
  if (group?.kind === "repeat") return "repeat";
  // `repeat1.0` is one iteration of a repeat; `features.3` one step of a labelled chain.
  return /\.\d+$/.test(name) ? "iteration" : "group";
}

/**
 * The text of each shape and receptive field, made once per object: a layer that keeps its input's shape and
 * field (an activation, a dropout) shares the objects, so a table of 50,000 layers has 5,500 of each to write.
 */
class SharedTexts {
  private readonly made = new Map<object, string>();

  shape(shape: Shape | undefined): string {
    if (!shape) return "?";
    let text = this.made.get(shape);
    if (text === undefined) this.made.set(shape, (text = formatShape(shape)));
    return text;
  }

  field(rf: ReceptiveField | undefined): string {
    if (!rf) return "";
    let text = this.made.get(rf);
    if (text === undefined) this.made.set(rf, (text = fieldText(rf)));
    return text;
  }
}

function cellText(r: Row, column: ColumnName | "name", texts: SharedTexts): string {
  const count = (n: number) => (r.overflow ? "overflow" : r.unknown && n === 0 ? "?" : n ? grouped(n) : "--");
  switch (column) {
    case "name":
      return r.name;
    case "kind":
      return r.kind;
    case "input":
      return texts.shape(r.input);
    case "output":
      return texts.shape(r.output);
    case "params":
      return count(r.params);
    case "macs":
      return count(r.macs);
    case "memory":
      return r.overflow ? "overflow" : r.unknown ? "?" : megabytes(r.memory);
    case "rf":
      return texts.field(r.field);
  }
}

/**
 * Natural widths; when they do not fit, short titles, then a narrower layer column (names shortened in the
 * middle), and only then narrower text columns.
 */
function fitWidths(
  columns: (ColumnName | "name")[],
  longest: number[],
  width: number,
): { widths: number[]; titles: string[] } {
  const gaps = 2 * (columns.length - 1);
  const measure = (heads: string[]) => columns.map((_, i) => Math.max(heads[i]!.length, longest[i]!));
  let heads = columns.map((c) => titles[c]);
  let widths = measure(heads);
  const total = () => widths.reduce((a, b) => a + b, 0) + gaps;
  if (total() > width) {
    heads = columns.map((c) => shortTitles[c] ?? titles[c]);
    widths = measure(heads);
  }
  const others = total() - widths[0]!;
  widths[0] = Math.max(Math.min(widths[0]!, width - others), Math.min(comfortableNameWidth, widths[0]!));
  // Still too wide: the text columns (kind, shapes) give way before the names get shorter still.
  let excess = total() - width;
  for (let i = 1; excess > 0 && i < columns.length; i++) {
    if (rightAligned.has(columns[i]!)) continue;
    const cut = Math.min(excess, widths[i]! - Math.max(heads[i]!.length, 9));
    if (cut > 0) {
      widths[i] = widths[i]! - cut;
      excess -= cut;
    }
  }
  if (excess > 0) widths[0] = Math.max(widths[0]! - excess, Math.min(minNameWidth, widths[0]!));
  return { widths, titles: heads };
}

function fieldText(rf: ReceptiveField): string {
  if (rf.global) return "global";
  return `${axes(rf.size)}/${axes(rf.jump)}`;
}

/** `7` when every axis is 7, else `7×3`. */
function axes(xs: number[]): string {
  return xs.every((x) => x === xs[0]) ? fieldNumber(xs[0]!) : xs.map(fieldNumber).join("×");
}

/** `input 3×224×224`, or with several inputs each one's label and shape. */
function inputsLine(m: ModelInfo): string {
  if (m.inputs.length <= 1) return `input ${formatShape(m.input)}`;
  return `inputs ${m.inputs.map((one) => `${one.name} ${formatShape(one.shape)}`).join(", ")}`;
}

/** `Output shape: …`, or one line per output that output(…) names. */
function outputLines(m: ModelInfo): string[] {
  if (!m.outputs.some((o) => o.span)) return [`Output shape: ${formatShape(m.output)}`];
  return m.outputs.map((o, i) => `Output ${i + 1} (${o.name}): ${formatShape(o.shape)}`);
}
