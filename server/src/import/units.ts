// What the writer writes: the layer graph's nodes, and structures (split, residual, concat, gate) that hold
// bodies of them, each with one input and one output.
import type { LNode } from "./layer-graph.js";
import { inputsOf, outputsOf } from "./layer-graph.js";

export interface Structure {
  kind: "struct";
  /** A label the layers' names need (`downsample:`), written before the structure. */
  label?: string;
  struct: "split" | "residual" | "concat" | "gate";
  input: string;
  output: string;
  /** The branches (split, concat), the main path (residual, gate: one body). */
  bodies: Unit[][];
  /** residual: the shortcut's body; empty for the identity. */
  shortcut?: Unit[];
  /** residual: the shortcut is `shortcut auto` (its layers are still in `shortcut`, for their weights). */
  auto?: boolean;
  /** split: the channels of each part. */
  sizes?: number[];
}

/** A block of the file: its parameters (`width, stride = 1`) and its body, a copy of one use with expressions. */
export interface BlockDef {
  name: string;
  params: string;
  body: Unit[];
}

/** One use of a block, or `repeat count { Name(args) }` of equal uses: one instance of units per iteration. */
export interface BlockUse {
  kind: "use";
  /** A label the layers' names need (`enc1: DoubleConv(16)`, `layer1: repeat 2 { … }`). */
  label?: string;
  block: BlockDef;
  args: string;
  input: string;
  output: string;
  instances: Unit[][];
}

/**
 * Items named `<label>.0`, `<label>.1`, … (or a bare repeat's `repeat1.0.…`): `repeat N { … }` when every item
 * reads alike (`asRepeat`), else `label: a -> b` for layers and `label: seq { … }` for block uses.
 */
export interface Indexed {
  kind: "indexed";
  label?: string;
  asRepeat: boolean;
  input: string;
  output: string;
  instances: Unit[][];
}

export type Unit = LNode | Structure | BlockUse | Indexed;

type LayerNode = Extract<LNode, { kind: "layer" }>;

/** The layers of units in the order the analysis runs them: bodies in order, then the shortcut. */
export function layerNodes(units: Unit[]): LayerNode[] {
  return units.flatMap((u): LayerNode[] => {
    if (u.kind === "layer") return [u];
    if (u.kind === "struct") return [...u.bodies.flatMap(layerNodes), ...layerNodes(u.shortcut ?? [])];
    if (u.kind === "use" || u.kind === "indexed") return u.instances.flatMap(layerNodes);
    return [];
  });
}

export function unitInputs(u: Unit): string[] {
  return u.kind === "struct" || u.kind === "use" || u.kind === "indexed" ? [u.input] : inputsOf(u);
}

export function unitOutputs(u: Unit): string[] {
  return u.kind === "struct" || u.kind === "use" || u.kind === "indexed" ? [u.output] : outputsOf(u);
}

/** The shortcuts of residuals written `shortcut auto` (or the identity), innermost first, as the writer meets them. */
export function autoShortcuts(units: Unit[]): Unit[][] {
  return units.flatMap((u): Unit[][] => {
    if (u.kind !== "struct") return [];
    const inner = u.bodies.flatMap(autoShortcuts);
    const own = u.struct === "residual" && (u.auto === true || (u.shortcut ?? []).length === 0);
    return own ? [...inner, u.shortcut ?? []] : [...inner, ...autoShortcuts(u.shortcut ?? [])];
  });
}

/** The layers of units without those of auto shortcuts: the layers a block's text writes. */
export function writtenNodes(units: Unit[]): LayerNode[] {
  return units.flatMap((u): LayerNode[] => {
    if (u.kind === "layer") return [u];
    if (u.kind !== "struct") return u.kind === "use" || u.kind === "indexed" ? u.instances.flatMap(writtenNodes) : [];
    const own = u.struct === "residual" && (u.auto === true || (u.shortcut ?? []).length === 0);
    return [...u.bodies.flatMap(writtenNodes), ...(own ? [] : writtenNodes(u.shortcut ?? []))];
  });
}
