// What the diagram shows of a model's graph: which groups are boxes and which are single nodes, long runs cut
// into sections, and the edges between what is visible. Pure data in, pure data out (the webview and the
// benchmark share it).
import type { DiagramData } from "../../../server/src/protocol.js";
import { compact } from "../figures.js";

/** More children than this in one box (or at the top) are cut into collapsed sections of at most this many. */
export const SECTION_SIZE = 64;

export interface VisibleNode {
  /** `a<atom>`, `g<group>` or `s<first atom>-<last atom>` for a section. */
  id: string;
  kind: "atom" | "group" | "section";
  /** Set on an expanded group or section: a box drawn around these. */
  children?: VisibleNode[];
  title: string;
  subtitle: string;
  /** A CSS class naming what it is: a layer family, a merge, the input, a group. */
  role: string;
  params: number;
  macs: number;
  /** The text it stands for: a click reveals it. */
  span: [number, number];
  /** A box or a node that can become one (and back). */
  expandable: boolean;
}

export interface VisibleEdge {
  id: string;
  from: string;
  to: string;
  label: string;
  /** The innermost box holding both ends, or `root`; ELK wants each edge there. */
  container: string;
}

export interface VisibleGraph {
  roots: VisibleNode[];
  edges: VisibleEdge[];
  /** The visible node that stands for each atom (itself, or the collapsed group or section holding it). */
  repOfAtom: string[];
  /** The visible node that stands for each group. */
  repOfGroup: string[];
  /** The largest params and MACs of a visible node without a box, for the colour scale. */
  maxParams: number;
  maxMacs: number;
}

/** Which groups and sections the user opened or closed, against their default (block uses and repeats closed). */
export interface ViewState {
  toggled: ReadonlySet<string>;
}

type Item = { atom: number } | { group: number };

/** The visible graph of `data` in `state`. */
export function visibleGraph(data: DiagramData, state: ViewState): VisibleGraph {
  const children = childLists(data);
  const repOfAtom: string[] = new Array<string>(data.atoms.length);
  const repOfGroup: string[] = new Array<string>(data.groups.length);
  const parentOf = new Map<string, string>();
  const leaves: VisibleNode[] = [];
  const open = (id: string, byDefault: boolean) => byDefault !== state.toggled.has(id);

  /** Marks every atom and group under `items` as shown by `rep`. */
  const hide = (items: Item[], rep: string): void => {
    for (const item of items) {
      if ("atom" in item) repOfAtom[item.atom] = rep;
      else {
        repOfGroup[item.group] = rep;
        hide(children[item.group + 1]!, rep);
      }
    }
  };
  const visit = (items: Item[], container: string): VisibleNode[] => {
    if (items.length > SECTION_SIZE) return sections(items, container);
    return items.map((item) => {
      const node = "atom" in item ? atomNode(data, item.atom) : groupNode(data, item.group);
      parentOf.set(node.id, container);
      if ("atom" in item) repOfAtom[item.atom] = node.id;
      else {
        repOfGroup[item.group] = node.id;
        const inner = children[item.group + 1]!;
        if (open(node.id, !data.groups[item.group]!.collapsed) && inner.length) node.children = visit(inner, node.id);
        else hide(inner, node.id);
      }
      if (!node.children) leaves.push(node);
      return node;
    });
  };
  const sections = (items: Item[], container: string): VisibleNode[] => {
    // A balanced tree of sections: with k levels needed, n^((k-1)/k) items each, so that 10,000 items become
    // about 22 sections of 22 sections of 22 rather than 3 of 4096; no box holds more than SECTION_SIZE.
    const levels = Math.ceil(Math.log(items.length) / Math.log(SECTION_SIZE));
    const size = Math.ceil(items.length ** ((levels - 1) / levels));
    const out: VisibleNode[] = [];
    for (let i = 0; i < items.length; i += size) {
      const part = items.slice(i, i + size);
      const node = sectionNode(data, part, children);
      parentOf.set(node.id, container);
      if (open(node.id, false)) node.children = visit(part, node.id);
      else {
        hide(part, node.id);
        leaves.push(node);
      }
      out.push(node);
    }
    return out;
  };
  const roots = visit(children[0]!, "root");
  return {
    roots,
    edges: visibleEdges(data, repOfAtom, parentOf),
    repOfAtom,
    repOfGroup,
    maxParams: Math.max(0, ...leaves.map((n) => n.params)),
    maxMacs: Math.max(0, ...leaves.map((n) => n.macs)),
  };
}

/** Every group's ids of all groups and sections, for "expand all" (sections stay as they are). */
export function allGroupIds(data: DiagramData): string[] {
  return data.groups.map((_, i) => `g${i}`);
}

/** The children of the top level (index 0) and of each group (index g + 1), in execution order. */
function childLists(data: DiagramData): Item[][] {
  const lists: { item: Item; order: number }[][] = [[], ...data.groups.map(() => [])];
  // A group sits where its first atom does: atoms come in execution order.
  const first = data.groups.map(() => Infinity);
  data.atoms.forEach((a, i) => {
    for (let g = a.group; g >= 0 && first[g]! > i; g = data.groups[g]!.parent) first[g] = i;
    lists[a.group + 1]!.push({ item: { atom: i }, order: i });
  });
  data.groups.forEach((g, i) => lists[g.parent + 1]!.push({ item: { group: i }, order: first[i]! - 0.5 }));
  return lists.map((l) => l.sort((a, b) => a.order - b.order).map((x) => x.item));
}

function atomNode(data: DiagramData, index: number): VisibleNode {
  const a = data.atoms[index]!;
  const layer = a.kind === "layer";
  return {
    id: `a${index}`,
    kind: "atom",
    title: layer ? a.name : a.kind === "input" ? a.name : a.type,
    subtitle: layer ? `${a.type}${a.params ? ` · ${compact(a.params)} params` : ""}` : "",
    role: layer ? `layer ${family(a.type)}` : a.kind === "input" ? "input" : "op",
    params: a.params,
    macs: a.macs,
    span: a.span,
    expandable: false,
  };
}

function groupNode(data: DiagramData, index: number): VisibleNode {
  const g = data.groups[index]!;
  const what = g.definition ?? g.kind;
  return {
    id: `g${index}`,
    kind: "group",
    title: g.name === what ? what : `${g.name} · ${what}`,
    subtitle: `${g.layers} layer${g.layers === 1 ? "" : "s"} · ${compact(g.params)} params`,
    role: `group ${g.kind}`,
    params: g.params,
    macs: g.macs,
    span: g.span,
    expandable: true,
  };
}

function sectionNode(data: DiagramData, part: Item[], children: Item[][]): VisibleNode {
  const atoms: number[] = [];
  const collect = (items: Item[]) => {
    for (const item of items)
      if ("atom" in item) atoms.push(item.atom);
      else collect(children[item.group + 1]!);
  };
  collect(part);
  const lo = Math.min(...atoms);
  const hi = Math.max(...atoms);
  const firstAtom = data.atoms[lo]!;
  const lastAtom = data.atoms[hi]!;
  let params = 0;
  let macs = 0;
  for (const i of atoms) {
    params += data.atoms[i]!.params;
    macs += data.atoms[i]!.macs;
  }
  return {
    id: `s${lo}-${hi}`,
    kind: "section",
    title: `${firstAtom.name} … ${lastAtom.name}`,
    subtitle: `lines ${firstAtom.line + 1}–${lastAtom.line + 1} · ${atoms.length} nodes`,
    role: "group section",
    params,
    macs,
    span: firstAtom.span,
    expandable: true,
  };
}

/** The data's edges between visible nodes: inside a collapsed node they vanish, parallel ones become one. */
function visibleEdges(data: DiagramData, repOfAtom: string[], parentOf: Map<string, string>): VisibleEdge[] {
  const seen = new Set<string>();
  const edges: VisibleEdge[] = [];
  const ancestors = (id: string): string[] => {
    const out: string[] = [];
    for (let p = parentOf.get(id); p && p !== "root"; p = parentOf.get(p)) out.push(p);
    return out;
  };
  for (const [a, b, shape] of data.edges) {
    const from = repOfAtom[a]!;
    const to = repOfAtom[b]!;
    const label = shape ? shape.join("×") : "?";
    const key = `${from}>${to}:${label}`;
    if (from === to || seen.has(key)) continue;
    seen.add(key);
    const up = new Set(ancestors(from));
    const container = ancestors(to).find((p) => up.has(p)) ?? "root";
    edges.push({ id: `e${edges.length}`, from, to, label, container });
  }
  return edges;
}

/** A broad family of layer kinds, for a colour stripe: convolutions, norms, activations, pools, dense. */
function family(kind: string): string {
  if (/conv/.test(kind)) return "conv";
  if (/norm/.test(kind)) return "norm";
  if (/pool/.test(kind)) return "pool";
  if (/dense|linear/.test(kind)) return "dense";
  if (/relu|elu|sigmoid|tanh|swish|silu|gelu|mish|softmax|hard/.test(kind)) return "act";
  return "other";
}
