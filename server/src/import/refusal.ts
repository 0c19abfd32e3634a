// The one way the importer says no: a sentence naming the place and what to do, never an approximation.

/** Thrown inside the importer and returned by importOnnx as `{ refusal }`; never reaches the caller as a throw. */
export class ImportRefusal extends Error {
  /** Set when the input's sizes are what is missing: an editor asks for them rather than reading the sentence. */
  needsInputShape = false;
}

/** Throws the refusal `message`. */
export function refuse(message: string): never {
  throw new ImportRefusal(message);
}

/** Throws the refusal `message`, which the sizes of the input (`--input-shape`) would answer. */
export function refuseWithoutShape(message: string): never {
  const refusal = new ImportRefusal(message);
  refusal.needsInputShape = true;
  throw refusal;
}

/** `node 'Conv_3' (Conv)`: how every message names a node. */
export function describeNode(node: { name: string; opType: string }): string {
  return `node '${node.name}' (${node.opType})`;
}
