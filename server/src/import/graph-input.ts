// The graph's inputs and their sizes: fixed in the file, or given with --input-shape where the file names them.
import type { OnnxGraph, OnnxValueInfo } from "./ir.js";
import { refuse, refuseWithoutShape } from "./refusal.js";

/** The input tensors' names and shapes (batch first); refuses sizes it cannot know. */
export function graphInputs(graph: OnnxGraph, given: number[] | undefined): { name: string; shape: number[] }[] {
  if (graph.inputs.length === 0) refuse("the graph has no input (every input is an initializer)");
  if (given && graph.inputs.length > 1)
    refuse(
      `--input-shape gives the sizes of a model's only input, but this graph has ${graph.inputs.length} inputs ` +
        `(${graph.inputs.map((i) => `'${i.name}'`).join(", ")}); export it with fixed sizes`,
    );
  return graph.inputs.map((input) => oneInput(input, given));
}

function oneInput(input: OnnxValueInfo, given: number[] | undefined): { name: string; shape: number[] } {
  if (input.elemType !== 1 && input.elemType !== 0)
    refuse(`the graph input '${input.name}' has element type ${input.elemType}, not float32`);
  const dims = input.dims;
  if (!dims || dims.length < 2) refuse(`the graph input '${input.name}' has no known rank`);
  if (given) {
    if (given.length !== dims.length - 1)
      refuse(
        `--input-shape gives ${given.length} sizes but the input '${input.name}' has ${dims.length - 1} ` +
          `axes after the batch`,
      );
    dims.slice(1).forEach((d, i) => {
      if (typeof d === "number" && d !== given[i])
        refuse(`--input-shape gives ${given[i]} for axis ${i + 1} of '${input.name}', which the file fixes at ${d}`);
    });
  }
  // A symbolic batch is read as 1: the language's input is one sample, the batch an option of the simulation.
  const batch = typeof dims[0] === "number" && dims[0] > 0 ? dims[0] : 1;
  const rest = dims.slice(1).map((d, i) => (typeof d === "number" && d > 0 ? d : given?.[i]));
  if (rest.some((d) => d === undefined))
    refuseWithoutShape(
      `the input '${input.name}' has the dynamic shape [${dims.map((d) => d ?? "?").join(", ")}]; ` +
        `give its sizes after the batch with --input-shape, in the file's order: ${sizesInOrder(dims)}`,
    );
  if (rest.length > 4)
    refuse(`the input '${input.name}' has rank ${dims.length}; the language takes at most 3 spatial axes`);
  return { name: input.name, shape: [batch, ...(rest as number[])] };
}

/**
 * The sizes --input-shape takes, in the file's own order (channels first, or last in a Keras file's graph), and
 * an example: `3,H,W (for example 3,224,224)`; `H,W,3 (for example 224,224,3)`.
 */
function sizesInOrder(dims: readonly (number | string | undefined)[]): string {
  const known = (d: number | string | undefined): d is number => typeof d === "number" && d > 0;
  const after = dims.slice(1);
  // A symbolic size's own name when it is a short plain word (`height`); the file's text is shown, not trusted.
  const plain = (d: unknown): d is string => typeof d === "string" && /^[A-Za-z_][\w.]{0,19}$/.test(d);
  const names = after.map((d, i) => (known(d) ? String(d) : plain(d) ? d : `size${i + 1}`));
  const example = after.map((d) => (known(d) ? d : 224));
  return `${names.join(",")} (for example ${example.join(",")})`;
}
