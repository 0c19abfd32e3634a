// A Split whose parts each run through a chain of layers and meet again in one Concat, in order, is the language's
// `split { branch … }`; the language has no other way to hold a part of a tensor, so any other Split is refused.
import type { LNode } from "./layer-graph.js";
import { describeNode, refuse } from "./refusal.js";
import { unitInputs, type Unit } from "./units.js";

export function groupSplits(nodes: LNode[], outputs: string[]): Unit[] {
  const users = new Map<string, Unit[]>();
  for (const n of nodes) for (const i of unitInputs(n)) users.set(i, [...(users.get(i) ?? []), n]);
  const taken = new Set<Unit>();
  const replaced = new Map<Unit, Unit>();
  for (const s of nodes) {
    if (s.kind !== "split") continue;
    const branches: Unit[][] = [];
    let join: Extract<LNode, { kind: "add" | "mul" | "concat" }> | undefined;
    for (const [index, part] of s.outputs.entries()) {
      const body: Unit[] = [];
      let at = part;
      for (;;) {
        const next = users.get(at) ?? [];
        if (next.length !== 1 || outputs.includes(at)) fail(s);
        const u = next[0]! as LNode;
        if (u.kind === "concat") {
          if ((join && join !== u) || u.inputs[index] !== at || u.inputs.length !== s.outputs.length) fail(s);
          join = u;
          break;
        }
        if (u.kind !== "layer") fail(s);
        body.push(u);
        at = u.output;
      }
      branches.push(body);
    }
    for (const b of branches) b.forEach((u) => taken.add(u));
    taken.add(join!);
    const sizes = s.sizes;
    replaced.set(s, { kind: "struct", struct: "split", input: s.input, output: join!.output, bodies: branches, sizes });
  }
  return nodes.filter((n) => !taken.has(n)).map((n) => replaced.get(n) ?? n);
}

function fail(s: LNode): never {
  refuse(
    `${describeNode(s.source)}: its parts are not each a chain of layers joined again by one Concat in order, ` +
      `which is the only split the .cnn language writes (split { branch … })`,
  );
}
