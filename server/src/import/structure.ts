// Structure a person would write: a fork whose paths are chains meeting again in an Add becomes `residual`, in a
// Concat `concat { branch … }`, in a Mul with the fork's own tensor `gate`. Inner forks are folded first, so a
// squeeze-and-excitation gate inside a residual's main path ends up nested in it.
import type { LayerGraph } from "./layer-graph.js";
import { unitInputs, unitOutputs, type Structure, type Unit } from "./units.js";

/**
 * The units with every fork-join region that fits a structure turned into one. One pass in order is enough: the
 * joins inside a region come before the join that closes it, so they are folded first, and the maps of producers
 * and readers are updated as regions fold, which keeps a model of thousands of blocks linear.
 */
export function recoverStructure(units: Unit[], graph: LayerGraph): Unit[] {
  const producer = new Map<string, Unit>();
  const users = new Map<string, Set<Unit>>();
  for (const u of units) {
    for (const o of unitOutputs(u)) producer.set(o, u);
    for (const i of unitInputs(u)) (users.get(i) ?? users.set(i, new Set()).get(i)!).add(u);
  }
  /** The chain ending in `value`, walked back while each tensor has exactly one reader; and where it starts. */
  const chainTo = (value: string): { chain: Unit[]; start: string } => {
    const chain: Unit[] = [];
    let at = value;
    for (;;) {
      const u = producer.get(at);
      if (!u || unitInputs(u).length !== 1 || unitOutputs(u).length !== 1) break;
      if ((users.get(at)?.size ?? 0) !== 1 || graph.outputs.includes(at)) break;
      chain.unshift(u);
      at = unitInputs(u)[0]!;
    }
    return { chain, start: at };
  };
  const removed = new Set<Unit>();
  const replaced = new Map<Unit, Unit>();
  /** The join a structure stands for in `units` (a structure folded into an outer one leaves with its join). */
  const joinOf = new Map<Unit, Unit>();
  for (const join of units) {
    if (join.kind !== "add" && join.kind !== "concat" && join.kind !== "mul") continue;
    const paths = join.inputs.map(chainTo);
    const fork = paths[0]!.start;
    if (paths.some((p) => p.start !== fork) || paths.every((p) => p.chain.length === 0)) continue;
    const inside = paths.flatMap((p) => p.chain);
    if (new Set(inside).size !== inside.length) continue;
    const structure = structureOf(
      join.kind,
      fork,
      join.output,
      paths.map((p) => p.chain),
    );
    if (!structure) continue;
    // The structure reads the fork and writes the join's tensor; what it holds leaves the maps.
    for (const u of [...inside, join]) {
      removed.add(joinOf.get(u) ?? u);
      for (const i of unitInputs(u)) users.get(i)?.delete(u);
      for (const o of unitOutputs(u)) producer.delete(o);
    }
    removed.delete(join);
    replaced.set(join, structure);
    joinOf.set(structure, join);
    producer.set(structure.output, structure);
    users.get(fork)!.add(structure);
  }
  return units.filter((u) => !removed.has(u)).map((u) => replaced.get(u) ?? u);
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
