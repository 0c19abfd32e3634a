// The one way the importer says no: a sentence naming the place and what to do, never an approximation.

/** Thrown inside the importer and returned by importOnnx as `{ refusal }`; never reaches the caller as a throw. */
export class ImportRefusal extends Error {}

/** Throws the refusal `message`. */
export function refuse(message: string): never {
  throw new ImportRefusal(message);
}

/** `node 'Conv_3' (Conv)`: how every message names a node. */
export function describeNode(node: { name: string; opType: string }): string {
  return `node '${node.name}' (${node.opType})`;
}
