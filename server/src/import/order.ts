// Orders the nodes so that each comes after what it reads, keeping the file's order where it already does; refuses
// cycles and tensors that nothing produces.
import type { OnnxGraph, OnnxNode } from "./ir.js";
import { describeNode, refuse } from "./refusal.js";

/** The nodes that the graph outputs need, each after its producers (Kahn's algorithm, stable). */
export function orderNodes(graph: OnnxGraph): OnnxNode[] {
  const producer = new Map<string, OnnxNode>();
  for (const n of graph.nodes)
    for (const o of n.outputs) {
      if (o === "") continue;
      if (producer.has(o) || graph.constants.has(o) || graph.inputs.some((i) => i.name === o))
        refuse(`${describeNode(n)} writes the tensor '${o}', which another node or input already defines`);
      producer.set(o, n);
    }
  const live = liveNodes(graph, producer);
  const available = new Set<string>([...graph.constants.keys(), ...graph.inputs.map((i) => i.name), ""]);
  const waiting = graph.nodes.filter((n) => live.has(n));
  for (const n of waiting)
    for (const i of n.inputs)
      if (!available.has(i) && !producer.has(i))
        refuse(`${describeNode(n)} reads '${i}', which no node, initializer or graph input defines`);
  const ordered: OnnxNode[] = [];
  let pending = waiting;
  // Repeated passes keep the file's order for a graph already sorted (the usual case: one pass).
  while (pending.length > 0) {
    const next: OnnxNode[] = [];
    for (const n of pending) {
      if (n.inputs.every((i) => available.has(i))) {
        ordered.push(n);
        for (const o of n.outputs) available.add(o);
      } else next.push(n);
    }
    if (next.length === pending.length)
      refuse(
        `the graph has a cycle through ${describeNode(next[0]!)}: an ONNX graph must be acyclic ` +
          `(loops are Loop nodes), so the file is damaged`,
      );
    pending = next;
  }
  return ordered;
}

/** The nodes some graph output depends on; the rest (leftover shape arithmetic) is dropped. */
function liveNodes(graph: OnnxGraph, producer: Map<string, OnnxNode>): Set<OnnxNode> {
  const live = new Set<OnnxNode>();
  const stack = graph.outputs.map((o) => o.name);
  while (stack.length > 0) {
    const n = producer.get(stack.pop()!);
    if (!n || live.has(n)) continue;
    live.add(n);
    stack.push(...n.inputs);
  }
  return live;
}
