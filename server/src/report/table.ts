// The torchinfo-like summary table that `cnnlens summary` prints.
import type { LayerInfo, ModelInfo } from "../analysis/index.js";
import { formatShape } from "../analysis/tensor.js";
import { compact, fieldNumber, grouped, megabytes } from "./format.js";

const columns = [
  { title: "Layer", width: 34, align: "left" },
  { title: "Kind", width: 16, align: "left" },
  { title: "Output shape", width: 18, align: "left" },
  { title: "Params", width: 13, align: "right" },
  { title: "MACs", width: 16, align: "right" },
  { title: "RF (size/jump)", width: 15, align: "right" },
] as const;

const width = columns.reduce((w, c) => w + c.width + 1, -1);

function cell(text: string, i: number): string {
  const c = columns[i]!;
  const t = text.length > c.width ? text.slice(0, c.width - 1) + "…" : text;
  return c.align === "left" ? t.padEnd(c.width) : t.padStart(c.width);
}

function row(cells: string[]): string {
  return cells.map(cell).join(" ").trimEnd();
}

function field(l: LayerInfo): string {
  const rf = l.receptiveField;
  if (!rf) return "";
  if (rf.global) return "global";
  const uniq = (xs: number[]) => (xs.every((x) => x === xs[0]) ? fieldNumber(xs[0]!) : xs.map(fieldNumber).join("×"));
  return `${uniq(rf.size)}/${uniq(rf.jump)}`;
}

/** The table for one model, ending with totals and the memory estimate. */
export function summaryTable(m: ModelInfo): string {
  const lines: string[] = [];
  const rule = (ch: string) => ch.repeat(width);
  lines.push(rule("="));
  lines.push(`Model ${m.name} (${m.framework}), input ${formatShape(m.input)}${m.batch > 1 ? `, batch ${m.batch}` : ""}`);
  lines.push(rule("-"));
  lines.push(row(columns.map((c) => c.title)));
  lines.push(rule("="));
  for (const l of m.layers) {
    const params = l.params.trainable + l.params.nonTrainable;
    lines.push(row([l.name, l.kind, formatShape(l.outputShape), params ? grouped(params) : "--", l.macs ? grouped(l.macs) : "--", field(l)]));
  }
  lines.push(rule("="));
  lines.push(`Output shape: ${formatShape(m.output)}`);
  lines.push(`Total params: ${grouped(m.params.total)}`);
  lines.push(`Trainable params: ${grouped(m.params.trainable)}`);
  lines.push(`Non-trainable params: ${grouped(m.params.nonTrainable)}`);
  lines.push(`Total MACs: ${grouped(m.macs)} (${compact(m.macs)}); FLOPs = 2·MACs = ${compact(2 * m.macs)}`);
  if (m.receptiveField && !m.receptiveField.global) {
    lines.push(`Receptive field of the output: ${m.receptiveField.size.map(fieldNumber).join("×")}, jump ${m.receptiveField.jump.map(fieldNumber).join("×")}`);
  }
  lines.push(rule("-"));
  lines.push(`Input size (MB): ${megabytes(m.memory.input)}`);
  lines.push(`Forward pass activations (MB): ${megabytes(m.memory.activations)}`);
  lines.push(`Params size (MB): ${megabytes(m.memory.params)}`);
  lines.push(`Estimated total size (MB): ${megabytes(m.memory.input + m.memory.activations + m.memory.params)}`);
  lines.push(rule("="));
  return lines.join("\n");
}
