// The units → `.cnn` text: chains of layers joined by `->`, labels where a tensor is used again later, structures
// as blocks of lines; every layer call's offset is kept so the analysis' layers can be matched to the ONNX nodes.
import type { LNode } from "./layer-graph.js";
import { LabelNames } from "./names.js";
import { unitInputs, unitOutputs, type Unit } from "./units.js";

type LayerNode = Extract<LNode, { kind: "layer" }>;

export interface WrittenCall {
  /** Offset of the call in the text (the analysis' `span.start` of the layer). */
  offset: number;
  node: LayerNode;
}

export interface BodyInput {
  units: Unit[];
  /** The tensor the body starts from (the model's input). */
  entry: string;
  /** The results, in order; the last tensor when it is the only one. */
  outputs: string[];
  /** A name hint per tensor that may need a label (the graph input's name, a node's weight name). */
  hint(value: string): string;
}

/** Lines of a model body longer than this end their chain, and the next layer starts a statement of its own. */
const LINE_WIDTH = 100;

/** Layers that start a line of their own, as a person writes `conv -> batchnorm -> relu`. */
const HEADS = new Set(["conv", "convtranspose", "dense", "maxpool", "avgpool", "flatten", "zeropad"]);

export class BodyWriter {
  private out = "";
  private readonly calls: WrittenCall[] = [];
  private readonly labels = new Map<string, string>();
  private line = "";
  private open = false;

  constructor(private readonly names: LabelNames) {}

  /** Writes a model's statements after its `input(…)` line (written with `inputLabel` if the input needs one). */
  model(header: string, inputCall: string, body: BodyInput): { text: string; calls: WrittenCall[] } {
    const needed = new Set<string>();
    const last = planBody(body.units, body.entry, needed);
    const explicit = body.outputs.length > 1 || last !== body.outputs[0];
    if (explicit) body.outputs.forEach((o) => needed.add(o));
    for (const v of needed) this.labels.set(v, this.names.label(body.hint(v)));
    this.out = header;
    const inputLabel = this.labels.get(body.entry);
    this.out += `  ${inputLabel ? `${inputLabel}: ` : ""}${inputCall}\n`;
    this.body(body.units, body.entry, "  ");
    if (explicit) this.out += `  output(${body.outputs.map((o) => this.labels.get(o)).join(", ")})\n`;
    this.out += "}\n";
    return { text: this.out, calls: this.calls };
  }

  private body(units: Unit[], entry: string, indent: string): void {
    let cur = entry;
    for (const u of units) {
      const { primary, others } = operands(u, cur);
      const label = this.labels.get(unitOutputs(u)[0]!);
      const from = primary !== cur ? `${this.labels.get(primary)} -> ` : "";
      if (u.kind === "struct") {
        this.close();
        this.out += `${indent}${label ? `${label}: ` : ""}${from}`;
        this.structure(u, indent);
      } else {
        const text =
          u.kind === "layer" ? u.layer.call : `${u.kind}(${others.map((o) => this.labels.get(o)).join(", ")})`;
        const head = u.kind === "layer" && HEADS.has(u.layer.call.split("(")[0]!);
        if (!this.open || from || label || head || this.line.length + text.length + 4 > LINE_WIDTH) {
          this.close();
          this.start(`${indent}${label ? `${label}: ` : ""}${from}`);
        } else this.write(" -> ");
        if (u.kind === "layer") this.calls.push({ offset: this.out.length + this.line.length, node: u });
        this.write(text);
        if (label) this.close();
      }
      cur = unitOutputs(u).length === 1 ? unitOutputs(u)[0]! : cur;
    }
    this.close();
  }

  private structure(s: Extract<Unit, { kind: "struct" }>, indent: string): void {
    const inner = `${indent}  `;
    const branches = (bodies: Unit[][], entries: string[]) =>
      bodies.forEach((b, i) => {
        if (b.length === 0) return void (this.out += `${inner}branch { }\n`);
        this.out += `${inner}branch {\n`;
        this.body(b, entries[i]!, `${inner}  `);
        this.out += `${inner}}\n`;
      });
    if (s.struct === "split") {
      const sizes = s.sizes ?? [];
      const equal = sizes.every((v) => v === sizes[0]);
      this.out += `split${equal ? "" : `(sizes: (${sizes.join(", ")}))`} {\n`;
      branches(
        s.bodies,
        s.bodies.map((b) => (b.length > 0 ? unitInputs(b[0]!)[0]! : "")),
      );
      this.out += `${indent}}\n`;
    } else if (s.struct === "concat") {
      this.out += "concat {\n";
      branches(
        s.bodies,
        s.bodies.map(() => s.input),
      );
      this.out += `${indent}}\n`;
    } else {
      this.out += `${s.struct} {\n`;
      this.body(s.bodies[0]!, s.input, inner);
      if (s.struct === "residual" && s.shortcut && s.shortcut.length > 0) {
        this.out += `${indent}} shortcut {\n`;
        this.body(s.shortcut, s.input, inner);
      }
      this.out += `${indent}}\n`;
    }
  }

  private start(prefix: string): void {
    this.line = prefix;
    this.open = true;
  }

  private write(text: string): void {
    this.line += text;
  }

  private close(): void {
    if (this.open) this.out += `${this.line}\n`;
    this.line = "";
    this.open = false;
  }
}

/** Which input a unit continues from (the current tensor when it can) and which it names by label. */
function operands(u: Unit, cur: string): { primary: string; others: string[] } {
  const inputs = unitInputs(u);
  if (u.kind === "concat" || inputs.length === 1) return { primary: inputs[0]!, others: inputs.slice(1) };
  const at = inputs.indexOf(cur);
  const primary = at >= 0 ? cur : inputs[0]!;
  const others = [...inputs];
  others.splice(at >= 0 ? at : 0, 1);
  return { primary, others };
}

/** Marks the tensors that need labels (read when they are not the current tensor); returns the body's result. */
function planBody(units: Unit[], entry: string, needed: Set<string>): string {
  let cur = entry;
  for (const u of units) {
    const { primary, others } = operands(u, cur);
    if (primary !== cur) needed.add(primary);
    others.forEach((o) => needed.add(o));
    if (u.kind === "struct") {
      if (u.struct === "split") u.bodies.forEach((b) => b.length > 0 && planBody(b, unitInputs(b[0]!)[0]!, needed));
      else u.bodies.forEach((b) => planBody(b, u.input, needed));
      if (u.shortcut) planBody(u.shortcut, u.input, needed);
    }
    const outs = unitOutputs(u);
    cur = outs.length === 1 ? outs[0]! : cur;
  }
  return cur;
}
