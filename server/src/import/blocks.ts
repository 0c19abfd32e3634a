// Identical consecutive subgraphs → one `block` with parameters, used once per occurrence, and `repeat N` over equal
// uses: ResNet-50's sixteen bottlenecks become `Bottleneck(64)`, `repeat 2 { … }`. Also `shortcut auto` where a
// residual's shortcut is exactly the projection the language makes.
import type { LabelNames } from "./names.js";
import { parseCall, renderCall, type Call } from "./call-template.js";
import {
  layerNodes,
  unitInputs,
  unitOutputs,
  type BlockDef,
  type BlockUse,
  type Structure,
  type Unit,
} from "./units.js";
import type { LayerNode } from "./write.js";

/**
 * Keyword arguments with a number that are always compared (missing means the language's default); a Keras file's
 * conv spells them as Keras does (`strides`, `dilation_rate`: ops-keras.ts).
 */
const NUMERIC_DEFAULTS: Record<string, Record<string, number>> = {
  conv: { stride: 1, padding: 0, dilation: 1, groups: 1, strides: 1, dilation_rate: 1 },
  convtranspose: { stride: 1, padding: 0, output_padding: 0, dilation: 1, groups: 1 },
  maxpool: { padding: 0, dilation: 1 },
  avgpool: { padding: 0 },
};

/** Parameter names by the argument a number fills (`conv` positional 0 is the channels). */
const PARAM_NAMES: Record<string, string> = {
  "conv#0": "channels",
  "convtranspose#0": "channels",
  "dense#0": "features",
  "conv#1": "kernel",
  "convtranspose#1": "kernel",
  "maxpool#0": "pool",
  "avgpool#0": "pool",
  "shuffle#0": "groups",
  "upsample#0": "factor",
};

export interface Described {
  /** The units' text with every number left out: equal skeletons differ only in numbers. */
  skeleton: string;
  /**
   * The numbers, in writing order, with the argument each fills; `name` is the parameter a number of a block use
   * fills (`channels`), which names the parameter of an outer block made from it.
   */
  slots: { value: number; key: string; name?: string }[];
}

/** Finds repeated segments (a structure and the layers after it) and writes them as blocks. */
export function findBlocks(
  units: Unit[],
  shapes: Map<string, number[]>,
  outputs: string[],
  names: LabelNames,
): { units: Unit[]; blocks: BlockDef[] } {
  const normalised = units.map((u) => autoShortcut(u, shapes));
  const segments = segment(normalised);
  sealed(segments, outputs);
  const groups = new Map<string, { index: number; described: Described }[]>();
  segments.forEach((s, index) => {
    if (!s.blockable) return;
    const described = describe(s.units);
    groups.set(described.skeleton, [...(groups.get(described.skeleton) ?? []), { index, described }]);
  });
  // A segment that matches no other may be a use followed by more layers (the last unit of a stage, then the
  // head): its front is then a member of the group, and the rest stays as it is.
  const rests = new Map<number, Unit[]>();
  segments.forEach((s, index) => {
    const own = s.blockable ? groups.get(describe(s.units).skeleton) : undefined;
    if (!own || own.length !== 1) return;
    for (const [skeleton, members] of groups) {
      const size = segments[members[0]!.index]!.units.length;
      if (members.length < 2 || size >= s.units.length) continue;
      const front = describe(s.units.slice(0, size));
      if (front.skeleton !== skeleton) continue;
      groups.delete(describe(s.units).skeleton);
      members.push({ index, described: front });
      members.sort((a, b) => a.index - b.index);
      segments[index] = { ...s, units: s.units.slice(0, size), blockable: true };
      rests.set(index, s.units.slice(size));
      return;
    }
    // Or it is the front of later segments that match nothing either: together they are a group.
    const skeleton = describe(s.units).skeleton;
    const size = s.units.length;
    const fronts = segments
      .map((t, i) => ({ t, i }))
      .filter(({ t, i }) => i > index && t.blockable && t.units.length > size && !rests.has(i))
      .filter(({ t }) => groups.get(describe(t.units).skeleton)?.length === 1)
      .filter(({ t }) => describe(t.units.slice(0, size)).skeleton === skeleton);
    for (const { t, i } of fronts) {
      groups.delete(describe(t.units).skeleton);
      own.push({ index: i, described: describe(t.units.slice(0, size)) });
      segments[i] = { ...t, units: t.units.slice(0, size), blockable: true };
      rests.set(i, t.units.slice(size));
    }
  });
  const blocks: BlockDef[] = [];
  const uses = new Map<number, BlockUse>();
  for (const members of groups.values()) {
    if (members.length < 2) continue;
    const first = segments[members[0]!.index]!.units;
    const { params, args, calls } = parameters(members.map((m) => m.described.slots));
    // A block of a short chain pays only when some uses repeat (VGG's `repeat 3 { ConvRelu(256) }`), and reads
    // worse than the chain when it needs many parameters.
    if (segments[members[0]!.index]!.chain) {
      const count = params === "" ? 0 : params.split(",").length;
      if (first.length < 2 || members.length < 3 || count > 2 || new Set(args).size === args.length) continue;
    }
    const name = names.reserve(classNameOf(first) ?? blockName(first));
    const body = template(first, calls);
    const block: BlockDef = { name, params, body };
    blocks.push(block);
    members.forEach((m, i) => {
      const seg = segments[m.index]!.units;
      uses.set(m.index, {
        kind: "use",
        block,
        args: args[i]!,
        input: unitInputs(seg[0]!)[0]!,
        output: unitOutputs(seg[seg.length - 1]!)[0]!,
        instances: [seg],
      });
    });
  }
  const out: Unit[] = [];
  segments.forEach((s, i) => {
    const use = uses.get(i);
    const previous = out[out.length - 1];
    if (!use) out.push(...s.units);
    // Equal uses one after the other are one `repeat`: the iterations differ only in their weights.
    else if (previous?.kind === "use" && previous.block === use.block && previous.args === use.args)
      out[out.length - 1] = { ...previous, output: use.output, instances: [...previous.instances, ...use.instances] };
    else out.push(use);
    out.push(...(rests.get(i) ?? []));
  });
  return { units: out, blocks };
}

/** A residual whose shortcut is the language's own projection (1×1 conv without bias, batchnorm) → shortcut auto. */
export function autoShortcut(u: Unit, shapes: Map<string, number[]>): Unit {
  if (u.kind !== "struct") return u;
  const bodies = u.bodies.map((b) => b.map((x) => autoShortcut(x, shapes)));
  const s: Structure = { ...u, bodies };
  const sc = u.shortcut ?? [];
  if (u.struct !== "residual" || sc.length !== 2) return s;
  const [conv, bn] = sc as [Unit, Unit];
  if (conv.kind !== "layer" || bn.kind !== "layer" || bn.layer.call !== "batchnorm") return s;
  const call = parseCall(conv.layer.call);
  const inShape = shapes.get(u.input);
  const outShape = shapes.get(u.output);
  if (!inShape || !outShape || inShape.every((d, i) => d === outShape[i])) return s;
  // Keras files spell the stride and the bias as Keras does (ops-keras.ts).
  const stride = call.named.get("stride") ?? call.named.get("strides") ?? 1;
  const strides = Array.isArray(stride) ? stride : inShape.slice(2).map(() => Number(stride));
  const fits =
    call.kind === "conv" &&
    call.positional[1] === 1 &&
    call.positional[0] === outShape[1] &&
    (call.named.get("bias") ?? call.named.get("use_bias")) === "false" &&
    [...call.named.keys()].every((k) => ["stride", "strides", "bias", "use_bias"].includes(k)) &&
    inShape.slice(2).every((d, i) => Math.floor((d - 1) / strides[i]!) + 1 === outShape[i + 2]);
  return fits ? { ...s, auto: true } : s;
}

/** Segments: each structure with the layers after it (before the next); what precedes the first stays as it is. */
function segment(units: Unit[]): Segment[] {
  const segments: Segment[] = [];
  let structures = false;
  for (const u of units) {
    const last = segments[segments.length - 1];
    structures ||= u.kind === "struct";
    // Before the first structure (all of a VGG), each chain from a conv, dense or pool is a segment of its own.
    const head = !structures && u.kind === "layer" && CHAIN_HEADS.has(kindOfCall(u.layer.call));
    if (u.kind === "struct" || !last || head)
      segments.push({ units: [u], blockable: u.kind === "struct" || head, chain: head });
    else last.units.push(u);
    // A merge of labelled tensors or a split outside a structure reads tensors a block cannot see.
    if (u.kind !== "struct" && u.kind !== "layer") segments[segments.length - 1]!.blockable = false;
  }
  return segments;
}

/**
 * Keeps as blocks only segments that are sealed: each unit reads the one before it, and nothing outside reads a
 * tensor inside (a block's inner tensors have no labels in the model). DenseNet's transition pool, read by the
 * concatenations of the next dense block, stays in the model body.
 */
function sealed(segments: Segment[], outputs: string[]): void {
  const readers = new Map<string, Segment[]>();
  for (const seg of segments)
    for (const u of seg.units) for (const i of unitInputs(u)) readers.set(i, [...(readers.get(i) ?? []), seg]);
  for (const seg of segments) {
    const inner = seg.units.slice(0, -1).flatMap(unitOutputs);
    const chained = seg.units.every((u, i) => i === 0 || unitInputs(u)[0] === unitOutputs(seg.units[i - 1]!)[0]);
    const leaks = inner.some((o) => outputs.includes(o) || (readers.get(o) ?? []).some((r) => r !== seg));
    if (!chained || leaks) seg.blockable = false;
  }
}

interface Segment {
  units: Unit[];
  blockable: boolean;
  /** A chain of layers before any structure: a block only when it repeats (VGG's conv -> relu). */
  chain?: boolean;
}

/** Layers that start a chain segment. */
const CHAIN_HEADS = new Set(["conv", "convtranspose", "dense", "maxpool", "avgpool"]);

const kindOfCall = (call: string) => /^[a-z0-9]+/.exec(call)![0];

export function describe(units: Unit[]): Described {
  const slots: Described["slots"] = [];
  const text = (us: Unit[]): string =>
    us
      .map((u) => {
        const label = "label" in u && u.label !== undefined ? `${u.label}:` : "";
        if (u.kind === "layer") return label + describeCall(parseCall(u.layer.call), slots);
        if (u.kind === "use") return `${label}use ${describeCall(useCall(u), slots, useParameterNames(u))}`;
        if (u.kind === "indexed") {
          // A repeat writes its first item only; a seq or a labelled chain writes every item.
          const items = u.asRepeat ? [u.instances[0]!] : u.instances;
          return `${label}${u.asRepeat ? `repeat ${u.instances.length}` : "seq"}[${items.map(text).join("|")}]`;
        }
        if (u.kind === "struct") {
          // Bodies first, then the shortcut: the numbers are collected in the order template() puts them back.
          const bodies = u.bodies.map((b) => text(b)).join("|");
          // Identity and `shortcut auto` read alike: auto is the identity wherever the shapes already match.
          const shortcut = u.struct !== "residual" ? "" : isAuto(u) ? "auto" : text(u.shortcut ?? []);
          // Unequal split sizes are written as literals, so only uses with the same sizes share a block.
          const sizes = u.sizes && u.sizes.some((v) => v !== u.sizes![0]) ? `(${u.sizes.join(",")})` : "";
          return `${label}${u.struct}${sizes}{${bodies}}${shortcut}`;
        }
        return "?";
      })
      .join(";");
  return { skeleton: text(units), slots };
}

function describeCall(call: Call, slots: Described["slots"], parameterNames: string[] = []): string {
  const defaults = NUMERIC_DEFAULTS[call.kind] ?? {};
  const parts: string[] = [call.kind];
  const number = (v: Call["positional"][number], key: string, name?: string): string => {
    const slot = (value: number) => slots.push(name === undefined ? { value, key } : { value, key, name });
    if (typeof v === "number") {
      slot(v);
      return "#";
    }
    if (Array.isArray(v)) return `(${v.map((x) => (slot(x), "#")).join(",")})`;
    return v;
  };
  call.positional.forEach((v, i) => parts.push(number(v, `${call.kind}#${i}`, parameterNames[i])));
  for (const key of Object.keys(defaults)) parts.push(`${key}:${number(call.named.get(key) ?? defaults[key]!, key)}`);
  for (const [key, v] of call.named) if (!(key in defaults)) parts.push(`${key}:${number(v, key)}`);
  return parts.join(" ");
}

/**
 * The block's parameters from the numbers of its uses: a number equal in every use stays a literal; one that varies
 * is a parameter, or a multiple or a whole fraction of an earlier one (`channels * 4`, `kernel // 2`).
 */
export function parameters(uses: Described["slots"][]): { params: string; args: string[]; calls: (string | number)[] } {
  const count = uses[0]!.length;
  const params: { name: string; values: number[]; fallback?: number }[] = [];
  const taken = new Set<string>();
  const calls: (string | number)[] = [];
  for (let s = 0; s < count; s++) {
    const values = uses.map((u) => u[s]!.value);
    if (values.every((v) => v === values[0])) {
      calls.push(values[0]!);
      continue;
    }
    const related = relate(values, params);
    if (related) {
      calls.push(related);
      continue;
    }
    const key = uses[0]![s]!.key;
    const base = PARAM_NAMES[key] ?? uses[0]![s]!.name ?? key.replace(/#.*/, "");
    let name = base;
    for (let i = 2; taken.has(name); i++) name = `${base}${i}`;
    taken.add(name);
    const fallback = NUMERIC_DEFAULTS.conv![key];
    params.push({ name, values, ...(fallback !== undefined && values.includes(fallback) ? { fallback } : {}) });
    calls.push(name);
  }
  // Parameters with a default go last, as the language requires.
  const ordered = [
    ...params.filter((p) => p.fallback === undefined),
    ...params.filter((p) => p.fallback !== undefined),
  ];
  const params_ = ordered.map((p) => (p.fallback === undefined ? p.name : `${p.name} = ${p.fallback}`)).join(", ");
  const args = uses.map((_, u) =>
    ordered
      .filter((p) => p.fallback === undefined || p.values[u] !== p.fallback)
      .map((p) => (p.fallback === undefined ? String(p.values[u]) : `${p.name}: ${p.values[u]}`))
      .join(", "),
  );
  return { params: params_, args, calls };
}

/** `p`, `p * k` or `p // k` when the values are those of an earlier parameter. */
function relate(values: number[], params: { name: string; values: number[] }[]): string | undefined {
  for (const p of params) {
    if (values.every((v, i) => v === p.values[i])) return p.name;
    const k = values[0]! / p.values[0]!;
    if (Number.isInteger(k) && k > 1 && values.every((v, i) => v === p.values[i]! * k)) return `${p.name} * ${k}`;
    const d = p.values[0]! / values[0]!;
    if (Number.isInteger(d) && d > 1 && values.every((v, i) => Math.floor(p.values[i]! / d) === v))
      return `${p.name} // ${d}`;
  }
  return undefined;
}

/** The first use's units with every number replaced by its literal or expression, in the order describe met them. */
export function template(units: Unit[], calls: (string | number)[]): Unit[] {
  let at = 0;
  const copy = (us: Unit[]): Unit[] =>
    us.map((u): Unit => {
      if (u.kind === "struct")
        return {
          ...u,
          bodies: u.bodies.map((b) => copy(b)),
          ...(u.shortcut && !isAuto(u) ? { shortcut: copy(u.shortcut) } : {}),
          // In a block, an identity shortcut is written `shortcut auto`: the uses whose shapes change get the
          // projection, the others the identity, as torchvision's blocks do.
          ...(isAuto(u) ? { auto: true, shortcut: [] } : {}),
        };
      if (u.kind === "use") {
        const call = useCall(u);
        const n = countSlots(call);
        const text = renderCall(call, calls.slice(at, at + n), useDefaults(u));
        at += n;
        return { ...u, args: /^[^(]*\((.*)\)$/.exec(text)?.[1] ?? "" };
      }
      if (u.kind === "indexed") {
        if (!u.asRepeat) return { ...u, instances: u.instances.map(copy) };
        const first = copy(u.instances[0]!);
        return { ...u, instances: u.instances.map(() => first) };
      }
      if (u.kind !== "layer") return u;
      const call = parseCall(u.layer.call);
      const n = countSlots(call);
      const text = renderCall(call, calls.slice(at, at + n), NUMERIC_DEFAULTS[call.kind] ?? {});
      at += n;
      return { ...u, layer: { ...u.layer, call: text } } satisfies LayerNode;
    });
  return copy(units);
}

/** A residual whose shortcut is the identity or `shortcut auto`. */
export function isAuto(u: Structure): boolean {
  return u.struct === "residual" && (u.auto === true || (u.shortcut ?? []).length === 0);
}

/** A block use's arguments as a call, the defaults of its block's parameters filled in (`stride = 1`). */
function useCall(u: BlockUse): Call {
  const call = parseCall(`${u.block.name}(${u.args})`);
  // The parameters with defaults first, in the block's order, as renderCall writes them back.
  const named = new Map(Object.entries(useDefaults(u)).map(([k, v]) => [k, call.named.get(k) ?? v]));
  for (const [k, v] of call.named) if (!named.has(k)) named.set(k, v);
  return { ...call, named };
}

/** The used block's parameter names in order: a number filling one names the outer block's parameter after it. */
function useParameterNames(u: BlockUse): string[] {
  return u.block.params.split(",").map((p) => p.replace(/=.*/, "").trim());
}

/** The numeric defaults of a used block's parameters (`stride = 1` → { stride: 1 }). */
function useDefaults(u: BlockUse): Record<string, number> {
  const defaults: Record<string, number> = {};
  for (const m of u.block.params.matchAll(/([A-Za-z_][A-Za-z0-9_]*) = (-?[0-9.e-]+)/g)) defaults[m[1]!] = Number(m[2]);
  return defaults;
}

function countSlots(call: Call): number {
  const slots: Described["slots"] = [];
  describeCall(call, slots);
  return slots.length;
}

/** The name a block of `units` takes: the class-like part of its weights' names, or one from its structure. */
export function blockNameOf(units: Unit[]): string {
  return classNameOf(units) ?? blockName(units);
}

/** A block's name from what it holds: `Bottleneck` (three convs on the main path), `Residual`, `Branches`, … */
function blockName(units: Unit[]): string {
  const s = units.find((u): u is Structure => u.kind === "struct");
  // A chain: its kinds (`ConvRelu`); a long one that ends in a dense layer is a classifier head (GoogLeNet's aux
  // heads), and other long ones are named by their first three kinds, so the name stays readable.
  if (!s) {
    const kinds = layerNodes(units).map((n) => kindOfCall(n.layer.call));
    if (kinds.length > 3 && kinds.at(-1) === "dense") return "Head";
    return kinds
      .slice(0, 3)
      .map((k) => k.replace(/^./, (c) => c.toUpperCase()))
      .join("");
  }
  if (s.struct === "residual") {
    const convs = layerNodes(s.bodies[0]!).filter((n) => n.layer.call.startsWith("conv(")).length;
    return convs === 3 ? "Bottleneck" : "Residual";
  }
  return s.struct === "concat" ? "Branches" : s.struct === "split" ? "SplitUnit" : "Gated";
}

/**
 * The block's name as the file has it, when its weights' names hold a class-like part (`Bottleneck1.conv1.weight`
 * and `repeat1.0.Bottleneck1.conv2.weight`, as cnnlens exports blocks, give `Bottleneck`); undefined otherwise.
 */
function classNameOf(units: Unit[]): string | undefined {
  const counts = new Map<string, number>();
  for (const n of layerNodes(units)) {
    if (n.layer.tensors.length === 0) continue;
    const part = n.layer.hint
      .split(".")
      .reverse()
      .find((p) => /^[A-Z][A-Za-z]*[0-9]*$/.test(p));
    const name = part?.replace(/[0-9]+$/, "");
    if (name) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const [best] = [...counts].sort((a, b) => b[1] - a[1]);
  return best && best[1] * 2 > layerNodes(units).filter((n) => n.layer.tensors.length > 0).length ? best[0] : undefined;
}
