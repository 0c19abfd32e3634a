// The units → `.cnn` text: block definitions, then the model: chains of layers joined by `->`, labels where a
// tensor is read again later, structures as blocks of lines. Every written layer is registered under the key the
// analysis gives it (its block uses and its call's offset), so the analysis' layers find their ONNX nodes.
import type { LNode } from "./layer-graph.js";
import type { LabelNames } from "./names.js";
import { autoShortcuts, layerNodes, unitInputs, unitOutputs, writtenNodes } from "./units.js";
import type { BlockDef, Structure, Unit } from "./units.js";

export type LayerNode = Extract<LNode, { kind: "layer" }>;

/** Layers by `layerKey`, in the order the analysis meets them (a repeat's iterations share one key). */
export type Registry = Map<string, LayerNode[]>;

/** The key of a layer: the offsets of the block uses that lead to it, its call's offset and its kind. */
export function layerKey(via: number[], offset: number, kind: string): string {
  return `${via.join(",")}|${offset}|${kind}`;
}

export interface ModelText {
  /** The text before the model: comments. */
  header: string;
  blocks: BlockDef[];
  name: string;
  /** The model's inputs and their `input(…)` calls; every one is labelled when there are several. */
  inputs: { name: string; call: string }[];
  units: Unit[];
  /** The tensor the body starts from (the model's input). */
  entry: string;
  /** The results, in order. */
  outputs: string[];
  /** A name hint per tensor that may need a label (the graph input's name, a node's weight name). */
  hint(value: string): string;
  /** Labels the layers' names need, by the tensor they name: used as is when a merge reads that tensor. */
  named?: Map<string, string>;
}

/** Lines of a model body longer than this end their chain, and the next layer starts a statement of its own. */
const LINE_WIDTH = 100;

/** Layers that start a line of their own, as a person writes `conv -> batchnorm -> relu`. */
const HEADS = new Set(["conv", "convtranspose", "dense", "maxpool", "avgpool", "flatten", "zeropad"]);

/** Where a block's layers are written: offset and kind per index of layerNodes(block.body). */
interface Slot {
  offset: number;
  kind: string;
  /** Index into writtenNodes(instance), or, for a `shortcut auto` layer, into autoShortcuts(instance). */
  index: number;
  auto?: boolean;
}

export class CnnWriter {
  private out = "";
  private line = "";
  private open = false;
  private readonly labels = new Map<string, string>();
  private readonly registry: Registry = new Map();
  private readonly slots = new Map<BlockDef, Slot[]>();
  /** The block being written, and its template's layer indices. */
  private def: { block: BlockDef; index: Map<LayerNode, number>; autos: number } | undefined;

  constructor(private readonly names: LabelNames) {}

  file(m: ModelText): { text: string; registry: Registry } {
    this.out = m.header;
    for (const block of m.blocks) {
      this.def = { block, index: new Map(writtenNodes(block.body).map((n, i) => [n, i])), autos: 0 };
      this.slots.set(block, []);
      this.out += `block ${block.name}(${block.params}) {\n`;
      this.body(block.body, unitInputs(block.body[0]!)[0]!, "  ");
      this.out += "}\n\n";
    }
    this.def = undefined;
    const needed = new Set<string>();
    const last = planBody(m.units, m.entry, needed);
    const explicit = m.outputs.length > 1 || last !== m.outputs[0];
    if (explicit) m.outputs.forEach((o) => needed.add(o));
    // The language needs a label on every input of a model with several.
    if (m.inputs.length > 1) m.inputs.forEach((i) => needed.add(i.name));
    for (const v of needed) this.labels.set(v, m.named?.get(v) ?? this.names.label(m.hint(v)));
    this.out += `model ${m.name} {\n`;
    for (const input of m.inputs) {
      const label = this.labels.get(input.name);
      this.out += `  ${label ? `${label}: ` : ""}${input.call}\n`;
    }
    this.body(m.units, m.entry, "  ");
    if (explicit) this.out += `  output(${m.outputs.map((o) => this.labels.get(o)).join(", ")})\n`;
    this.out += "}\n";
    return { text: this.out, registry: this.registry };
  }

  private body(units: Unit[], entry: string, indent: string): void {
    let cur = entry;
    for (const u of units) {
      const { primary, others } = operands(u, cur);
      const label = ("label" in u ? u.label : undefined) ?? this.labels.get(unitOutputs(u)[0]!);
      const from = primary !== cur ? `${this.labels.get(primary)} -> ` : "";
      const prefix = `${indent}${label ? `${label}: ` : ""}${from}`;
      if (u.kind === "indexed") {
        this.close();
        this.indexed(u, prefix, indent);
      } else if (u.kind === "struct") {
        this.close();
        this.out += prefix;
        this.structure(u, indent);
      } else if (u.kind === "use") {
        this.close();
        const call = `${u.block.name}(${u.args})`;
        if (u.instances.length === 1) {
          this.out += prefix;
          this.use(u, call);
          this.out += "\n";
        } else {
          this.out += `${prefix}repeat ${u.instances.length} { `;
          this.use(u, call);
          this.out += " }\n";
        }
      } else {
        const text =
          u.kind === "layer" ? u.layer.call : `${u.kind}(${others.map((o) => this.labels.get(o)).join(", ")})`;
        const head = u.kind === "layer" && HEADS.has(kindOf(u));
        if (!this.open || from || label || head || this.line.length + text.length + 4 > LINE_WIDTH) {
          this.close();
          this.start(prefix);
        } else this.write(" -> ");
        if (u.kind === "layer") this.register(this.out.length + this.line.length, u);
        this.write(text);
        if (label) this.close();
      }
      cur = unitOutputs(u).length === 1 ? unitOutputs(u)[0]! : cur;
    }
    this.close();
  }

  /** Writes a use's call and registers its layers under the block's slots, iteration after iteration. */
  private use(u: Extract<Unit, { kind: "use" }>, call: string): void {
    const offset = this.out.length;
    this.out += call;
    for (const instance of u.instances) {
      const nodes = writtenNodes(instance);
      const autos = autoShortcuts(instance);
      for (const slot of this.slots.get(u.block) ?? []) {
        // A use whose shapes match has no projection: its auto shortcut has no layers, and none is analysed.
        const node = slot.auto
          ? layerNodes(autos[slot.index] ?? []).find((n) => kindOf(n) === slot.kind)
          : nodes[slot.index];
        if (node) this.push(layerKey([offset], slot.offset, slot.kind), node);
      }
    }
  }

  /** `repeat N { … }`, `label: a -> b` or `label: seq { … }`; their layers are found by name (named-structure.ts). */
  private indexed(u: Extract<Unit, { kind: "indexed" }>, prefix: string, indent: string): void {
    const items = u.asRepeat ? [u.instances[0]!] : u.instances;
    const flat = items.flat();
    const one = flat.length === 1 && flat[0]!.kind === "use" && flat[0]!.instances.length === 1;
    if (u.asRepeat && one) {
      const use = flat[0] as Extract<Unit, { kind: "use" }>;
      this.out += `${prefix}repeat ${u.instances.length} { ${use.block.name}(${use.args}) }\n`;
    } else if (!u.asRepeat && flat.every((x) => x.kind === "layer") && flat.length > 1) {
      this.out += `${prefix}${flat.map((x) => (x as LayerNode).layer.call).join(" -> ")}\n`;
    } else {
      this.out += `${prefix}${u.asRepeat ? `repeat ${u.instances.length}` : "seq"} {\n`;
      for (const item of items) this.body(item, unitInputs(item[0]!)[0]!, `${indent}  `);
      this.out += `${indent}}\n`;
    }
  }

  private register(offset: number, node: LayerNode, kind = kindOf(node)): void {
    if (this.def) this.slots.get(this.def.block)!.push({ offset, kind, index: this.def.index.get(node)! });
    else this.push(layerKey([], offset, kind), node);
  }

  private push(key: string, node: LayerNode): void {
    this.registry.set(key, [...(this.registry.get(key) ?? []), node]);
  }

  private structure(s: Structure, indent: string): void {
    const inner = `${indent}  `;
    const branches = (entries: string[]) =>
      s.bodies.forEach((b, i) => {
        if (b.length === 0) return void (this.out += `${inner}branch { }\n`);
        this.out += `${inner}branch {\n`;
        this.body(b, entries[i]!, `${inner}  `);
        this.out += `${inner}}\n`;
      });
    if (s.struct === "split") {
      const sizes = s.sizes ?? [];
      this.out += `split${sizes.every((v) => v === sizes[0]) ? "" : `(sizes: (${sizes.join(", ")}))`} {\n`;
      branches(s.bodies.map((b) => (b.length > 0 ? unitInputs(b[0]!)[0]! : "")));
      this.out += `${indent}}\n`;
    } else if (s.struct === "concat") {
      this.out += "concat {\n";
      branches(s.bodies.map(() => s.input));
      this.out += `${indent}}\n`;
    } else {
      this.out += `${s.struct} {\n`;
      this.body(s.bodies[0]!, s.input, inner);
      if (s.auto) {
        this.out += `${indent}} shortcut `;
        // The projection `shortcut auto` makes has the keyword's offset, for its conv and its batchnorm alike.
        if (this.def) {
          const index = this.def.autos++;
          for (const kind of ["conv", "batchnorm"])
            this.slots.get(this.def.block)!.push({ offset: this.out.length, kind, index, auto: true });
        } else for (const n of layerNodes(s.shortcut ?? [])) this.register(this.out.length, n);
        this.out += "auto\n";
        return;
      }
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

/** The layer kind a call writes (`conv` of `conv(64, 3)`). */
export function kindOf(n: LayerNode): string {
  return /^[a-z0-9]+/.exec(n.layer.call)![0];
}

/** Which input a unit continues from (the current tensor when it can) and which it names by label. */
function operands(u: Unit, cur: string): { primary: string; others: string[] } {
  const inputs = unitInputs(u);
  if (u.kind === "concat" || inputs.length === 1) return { primary: inputs[0]!, others: inputs.slice(1) };
  const at = inputs.indexOf(cur);
  const others = [...inputs];
  others.splice(at >= 0 ? at : 0, 1);
  return { primary: at >= 0 ? cur : inputs[0]!, others };
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
      if (u.shortcut && !u.auto) planBody(u.shortcut, u.input, needed);
    }
    const outs = unitOutputs(u);
    cur = outs.length === 1 ? outs[0]! : cur;
  }
  return cur;
}
