// Structure from the names of cnnlens' own export: its ONNX nodes are named `<layer>#<n>` after the analysis' layer
// names (`repeat1.0.Bottleneck1.conv2`, `layer1.0.bn1`, `enc1.conv1`), so the file can be written back with exactly
// the block uses, repeats, seqs and labels that give those names. Undefined when the names do not fit this reading
// (another tool's file, or a name this reading cannot explain); the importer then structures by shape alone.
import type { LabelNames } from "./names.js";
import { autoShortcut, blockNameOf, describe, parameters, template } from "./blocks.js";
import { parseCall } from "./call-template.js";
import { layerNodes, unitInputs, unitOutputs, type BlockDef, type BlockUse, type Indexed, type Unit } from "./units.js";
import type { LayerNode } from "./write.js";

/** The layer name each node was exported under: the node's name without its `#<n>` counter. */
export function exportedNames(units: Unit[]): Map<LayerNode, string> | undefined {
  const names = new Map<LayerNode, string>();
  const seen = new Set<string>();
  for (const n of layerNodes(units)) {
    const owner = /^(.+)#[0-9]+$/.exec(n.source.name)?.[1];
    // Two layers from one node (a conv's zeropad, a mean's flatten) were one layer in the exported file.
    if (!owner || seen.has(owner) || owner.includes("@")) return undefined;
    seen.add(owner);
    names.set(n, owner);
  }
  return names;
}

/** Thrown inside the reading when a name does not fit; caught by namedStructure. */
class Misfit extends Error {}

/** The model's units and blocks whose analysis gives every layer its exported name, or undefined. */
export function namedStructure(
  units: Unit[],
  exported: Map<LayerNode, string>,
  shapes: Map<string, number[]>,
  names: LabelNames,
): { units: Unit[]; blocks: BlockDef[]; named: Map<string, string> } | undefined {
  const reader = new NameReader(exported, names);
  try {
    const body = reader.scope(
      units.map((u) => autoShortcut(u, shapes)),
      "",
    );
    const blocks = reader.finish();
    return { units: body, blocks, named: reader.named };
  } catch (e) {
    if (e instanceof Misfit) return undefined;
    throw e;
  }
}

interface PendingUse {
  use: BlockUse;
  /** `Bottleneck` of a use named `Bottleneck4` (which may be written bare), else undefined (written labelled). */
  bare?: string;
  depth: number;
}

class NameReader {
  readonly named = new Map<string, string>();
  private readonly uses: PendingUse[] = [];
  private readonly indexed: Indexed[] = [];
  private readonly depths = new Map<BlockUse, number>();
  private readonly decided = new Set<Indexed>();

  constructor(
    private readonly exported: Map<LayerNode, string>,
    private readonly names: LabelNames,
  ) {}

  /** The units of one naming scope (`prefix`: the model's "" or a use's `Bottleneck4.`), grouped by their names. */
  scope(units: Unit[], prefix: string): Unit[] {
    const out: Unit[] = [];
    for (let i = 0; i < units.length;) {
      const u = units[i]!;
      const head = this.headOf(u, prefix);
      if (head === undefined) {
        out.push(this.single(u, prefix));
        i++;
        continue;
      }
      let j = i + 1;
      while (j < units.length && this.headOf(units[j]!, prefix) === head) j++;
      out.push(this.group(units.slice(i, j), prefix, head));
      i = j;
    }
    return out;
  }

  /** Blocks for the uses, innermost first (a use's arguments are known before the block around it is written). */
  finish(): BlockDef[] {
    const blocks: BlockDef[] = [];
    const taken = new Set<string>();
    const depths = [...new Set(this.uses.map((p) => p.depth))].sort((a, b) => a - b);
    for (const depth of depths) {
      // A repeat inside the blocks of this level is decided before their bodies are copied into templates.
      this.decideRepeats(depth);
      // Uses that read alike share a block, but two automatic names (FirstBlock1, Block1) need two blocks; a
      // labelled use joins a block that reads like it.
      const groups = new Map<string, PendingUse[]>();
      const level = this.uses.filter((q) => q.depth === depth);
      const skeletons = new Map(level.map((p) => [p, describe(p.use.instances[0]!).skeleton]));
      for (const p of [...level.filter((q) => q.bare), ...level.filter((q) => !q.bare)]) {
        const skeleton = skeletons.get(p)!;
        const like = p.bare ? undefined : [...groups.keys()].find((k) => k.startsWith(`${skeleton}\u0000`));
        const key = like ?? `${skeleton}\u0000${p.bare ?? ""}`;
        groups.set(key, [...(groups.get(key) ?? []), p]);
      }
      for (const members of groups.values()) {
        const bare = [...new Set(members.map((m) => m.bare).filter((b) => b !== undefined))];
        const first = members[0]!.use.instances[0]!;
        const wanted = bare.length === 1 && !taken.has(bare[0]!) ? bare[0]! : undefined;
        const name = this.names.reserve(wanted ?? blockNameOf(first));
        if (wanted && name !== wanted) throw new Misfit();
        taken.add(name);
        const described = members.map((m) => describe(m.use.instances[0]!).slots);
        if (described.some((d) => d.length !== described[0]!.length)) throw new Misfit();
        const { params, args, calls } = parameters(described);
        const block: BlockDef = { name, params, body: template(first, calls) };
        blocks.push(block);
        members.forEach((m, i) => {
          m.use.block = block;
          m.use.args = args[i]!;
          // A use named as the block's automatic name is written bare; another keeps its label (`enc1: …`).
          if (m.bare === name) {
            delete m.use.label;
            this.named.delete(m.use.output);
          }
        });
      }
    }
    this.decideRepeats(Infinity);
    return blocks;
  }

  /** Repeats whose uses are all below `depth`: items must read alike, and labelled ones that differ are a seq. */
  private decideRepeats(depth: number): void {
    for (const r of this.indexed) {
      if (
        this.decided.has(r) ||
        Math.max(0, ...nestedUses(r.instances.flat()).map((u) => this.depths.get(u)!)) >= depth
      )
        continue;
      this.decided.add(r);
      const texts = r.instances.map((inst) => {
        const d = describe(inst);
        return `${d.skeleton}|${d.slots.map((s) => s.value).join(",")}|${argsOf(inst)}`;
      });
      if (texts.every((t) => t === texts[0])) continue;
      if (r.label === undefined) throw new Misfit();
      r.asRepeat = false;
    }
  }

  /** The parts of a layer's name inside `prefix`. */
  private parts(n: LayerNode, prefix: string): string[] {
    const name = this.exported.get(n)!;
    if (!name.startsWith(prefix)) throw new Misfit();
    return name.slice(prefix.length).split(".");
  }

  /**
   * The first part that every layer of `u` shares when their names go deeper (`Bottleneck4` of
   * `Bottleneck4.conv1`); undefined for a layer named in this scope and for a structure of mixed names.
   */
  private headOf(u: Unit, prefix: string): string | undefined {
    const nodes = layerNodes([u]);
    if (nodes.length === 0 || (u.kind !== "layer" && u.kind !== "struct")) return undefined;
    const parts = nodes.map((n) => this.parts(n, prefix));
    const head = parts[0]![0]!;
    return parts.every((p) => p.length >= 2 && p[0] === head) ? head : undefined;
  }

  /** A layer named in this scope (bare when its name is automatic, labelled otherwise), or a structure. */
  private single(u: Unit, prefix: string): Unit {
    if (u.kind === "layer") {
      const [local] = this.parts(u, prefix);
      const adaptive = adaptiveSpelling(u, local!);
      const layer = adaptive ? { ...u, layer: { ...u.layer, call: adaptive } } : u;
      const kind = /^[a-z0-9]+/.exec(layer.layer.call)![0];
      if (new RegExp(`^${kind}[0-9]+$`).test(local!)) return layer;
      return this.label({ ...layer }, local!);
    }
    if (u.kind !== "struct") return u;
    const s = { ...u, bodies: u.bodies.map((b) => this.scope(b, prefix)) };
    const shortcut = this.scope(u.shortcut ?? [], prefix);
    // `shortcut auto` names its projection automatically; a labelled one (`downsample: …`) is written out.
    const auto = u.auto === true && shortcut.every((x) => x.kind === "layer" && x.label === undefined);
    return { ...s, shortcut, auto };
  }

  /** Units whose names share `head`: a block use, a repeat, a seq or a labelled chain. */
  private group(units: Unit[], prefix: string, head: string): Unit {
    const only = units.length === 1 ? units[0]! : undefined;
    // A residual around one use (`residual { Inverted(24, 24) }`) adds no name: the use is written inside it, as
    // MobileNet's are; a gate alone is the block itself (squeeze-and-excitation's `SE`).
    if (only?.kind === "struct" && only.struct === "residual") {
      if ((only.shortcut ?? []).length === 0 || only.auto)
        return { ...only, bodies: only.bodies.map((b) => [this.group(b, prefix, head)]) };
    }
    const input = unitInputs(units[0]!)[0]!;
    const output = unitOutputs(units[units.length - 1]!)[0]!;
    const parts = units.flatMap((u) => layerNodes([u]).map((n) => this.parts(n, prefix)));
    const automaticRepeat = /^repeat[0-9]+$/.test(head);
    if (parts.every((p) => /^[0-9]+$/.test(p[1]!))) {
      // Items by index: `label.0`, `label.1` (a chain), `layer1.0.conv1` (uses), `repeat1.0.Bottleneck1.conv1`.
      const items = new Map<string, Unit[]>();
      for (const u of units) {
        const index = this.parts(layerNodes([u])[0]!, prefix)[1]!;
        items.set(index, [...(items.get(index) ?? []), u]);
      }
      if ([...items.keys()].some((k, i) => k !== String(i))) throw new Misfit();
      const instances = [...items.entries()].map(([index, item]): Unit[] => {
        const scope = `${prefix}${head}.${index}.`;
        if (automaticRepeat) return this.scope(item, scope);
        if (item.length === 1 && item[0]!.kind === "layer" && this.parts(item[0], prefix).length === 2) return item;
        // An item is named by its index: a use without a label.
        return [this.use(item, scope, undefined, undefined)];
      });
      const r: Indexed = { kind: "indexed", asRepeat: true, input, output, instances };
      // The label names the items and the result, which an output(…) or a merge may read (`logits: dropout -> dense`).
      if (!automaticRepeat) this.label(r, head);
      this.indexed.push(r);
      return r;
    }
    const bare = /^([A-Z][A-Za-z0-9_]*?)[0-9]+$/.exec(head)?.[1];
    return this.use(units, `${prefix}${head}.`, bare, head);
  }

  /** A use whose layers are named under `scope`; its block is decided in finish(). */
  private use(units: Unit[], scope: string, bare: string | undefined, label: string | undefined): BlockUse {
    const body = this.scope(units, scope);
    const depth = 1 + Math.max(0, ...nestedUses(body).map((u) => this.depths.get(u) ?? 0));
    const placeholder: BlockDef = { name: "?", params: "", body: [] };
    const use: BlockUse = {
      kind: "use",
      block: placeholder,
      args: "",
      input: unitInputs(units[0]!)[0]!,
      output: unitOutputs(units[units.length - 1]!)[0]!,
      instances: [body],
    };
    if (label !== undefined) this.label(use, label);
    this.depths.set(use, depth);
    this.uses.push({ use, depth, ...(bare ? { bare } : {}) });
    return use;
  }

  /** Labels a unit (its layers' names need it) and remembers the label for merges that read its tensor. */
  private label<U extends Unit & { label?: string }>(u: U, label: string): U {
    const text = /^[A-Za-z_][A-Za-z0-9_]*$/.test(label) ? label : `"${label}"`;
    u.label = text;
    this.named.set(unitOutputs(u)[0]!, text);
    return u;
  }
}

/**
 * `adaptiveavgpool(n)` for a pool the export wrote as AveragePool (or MaxPool) with a window that tiles its input
 * (AlexNet's adaptiveavgpool(6) of a 6×6 input), when the layer's name says it was one; undefined otherwise.
 */
function adaptiveSpelling(n: LayerNode, local: string): string | undefined {
  const call = parseCall(n.layer.call);
  const wanted = /^adaptive(avg|max)pool[0-9]+$/.exec(local)?.[1];
  if (!wanted || call.kind !== `${wanted}pool` || n.source.opType === "ReduceMean") return undefined;
  const [k] = call.positional;
  const stride = call.named.get("stride") ?? k;
  const extra = [...call.named.keys()].filter((key) => key !== "stride");
  if (typeof k !== "number" || stride !== k || extra.length > 0) return undefined;
  const out = n.layer.outShape.slice(2);
  return `adaptive${wanted}pool(${out.every((d) => d === out[0]) ? out[0] : `(${out.join(", ")})`})`;
}

/** The outermost uses among `units` (inside structures and repeats, not inside other uses). */
function nestedUses(units: Unit[]): BlockUse[] {
  return units.flatMap((u): BlockUse[] => {
    if (u.kind === "use") return [u];
    if (u.kind === "struct") return [...u.bodies, u.shortcut ?? []].flatMap(nestedUses);
    if (u.kind === "indexed") return u.instances.flatMap(nestedUses);
    return [];
  });
}

/** The arguments of the uses among `units`, in order: items of a repeat must pass the same ones. */
function argsOf(units: Unit[]): string {
  return units
    .map((u) => {
      if (u.kind === "use") return `${u.block.name}(${u.args})`;
      if (u.kind === "struct") return [...u.bodies, u.shortcut ?? []].map(argsOf).join(";");
      if (u.kind === "indexed") return u.instances.map(argsOf).join(";");
      return "";
    })
    .join(",");
}
