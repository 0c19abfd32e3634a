// Structure a person would write: a fork whose paths are chains meeting again in an Add becomes `residual`, in a
// Concat `concat { branch … }`, in a Mul with the fork's own tensor `gate`. Inner forks are folded first, so a
// squeeze-and-excitation gate inside a residual's main path ends up nested in it.
import type { LayerGraph } from "./layer-graph.js";
import { unitInputs, unitOutputs, type Structure, type Unit } from "./units.js";

/** The units with every fork-join region that fits a structure turned into one. */
export function recoverStructure(units: Unit[], graph: LayerGraph): Unit[] {
  let current = units;
  for (;;) {
    const next = foldOne(current, graph.outputs);
    if (!next) return current;
    current = next;
  }
}

/** Folds the first join (in order) whose paths are chains from one fork; undefined when none is left. */
function foldOne(units: Unit[], outputs: string[]): Unit[] | undefined {
  const producer = new Map<string, Unit>();
  const users = new Map<string, Unit[]>();
  for (const u of units) {
    for (const o of unitOutputs(u)) producer.set(o, u);
    for (const i of unitInputs(u)) users.set(i, [...(users.get(i) ?? []), u]);
  }
  /** The chain ending in `value`, walked back while each tensor has exactly one reader; and where it starts. */
  const chainTo = (value: string): { chain: Unit[]; start: string } => {
    const chain: Unit[] = [];
    let at = value;
    for (;;) {
      const u = producer.get(at);
      if (!u || unitInputs(u).length !== 1 || unitOutputs(u).length !== 1) break;
      if ((users.get(at) ?? []).length !== 1 || outputs.includes(at)) break;
      chain.unshift(u);
      at = unitInputs(u)[0]!;
    }
    return { chain, start: at };
  };
  for (const join of units) {
    if (join.kind !== "add" && join.kind !== "concat" && join.kind !== "mul") continue;
    const paths = join.inputs.map(chainTo);
    const fork = paths[0]!.start;
    if (paths.some((p) => p.start !== fork) || paths.every((p) => p.chain.length === 0)) continue;
    // Each path may be shortened at the front when the fork lies further back on one path than on another.
    if (new Set(paths.flatMap((p) => p.chain)).size !== paths.reduce((n, p) => n + p.chain.length, 0)) continue;
    const structure = structureOf(
      join.kind,
      fork,
      join.output,
      paths.map((p) => p.chain),
    );
    if (!structure) continue;
    const inside = new Set<Unit>([join, ...paths.flatMap((p) => p.chain)]);
    return units.filter((u) => !inside.has(u) || u === join).map((u) => (u === join ? structure : u));
  }
  return undefined;
}

function structureOf(
  kind: "add" | "concat" | "mul",
  input: string,
  output: string,
  bodies: Unit[][],
): Structure | undefined {
  if (kind === "concat") return { kind: "struct", struct: "concat", input, output, bodies };
  if (bodies.length !== 2) return undefined;
  const [a, b] = bodies as [Unit[], Unit[]];
  // The longer path is the main one, as torchvision's blocks write it; the other is the shortcut.
  const [main, shortcut] = a.length >= b.length ? [a, b] : [b, a];
  if (kind === "add") return { kind: "struct", struct: "residual", input, output, bodies: [main], shortcut };
  // x · f(x) with f ending at a tensor that broadcasts: squeeze-and-excitation and attention gates.
  if (shortcut.length === 0) return { kind: "struct", struct: "gate", input, output, bodies: [main] };
  return undefined;
}
