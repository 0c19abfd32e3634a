// Random small models whose names come from what Python, nn.Module, Keras and the writers already use.
import { layerNames } from "../../server/src/analysis/layers/index.js";
import { keywordNames } from "../../grammar/tokens.js";

/** A small seeded generator (mulberry32): the same seed gives the same models on every machine. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Python keywords and builtins, nn.Module's attributes, Keras' automatic names, the writers' own names and
// near-duplicates of each other and of automatic layer names.
const POOL = [
  "x",
  "x_",
  "x__",
  "self",
  "inputs",
  "name",
  "in_channels",
  "identity",
  "identity2",
  "branch1",
  "step",
  "step2",
  "i",
  "j",
  "k",
  "i3",
  "torch",
  "nn",
  "F",
  "keras",
  "layers",
  "OrderedDict",
  "KerasDense",
  "range",
  "float",
  "super",
  "len",
  "slice",
  "print",
  "lambda",
  "class",
  "def",
  "None",
  "True",
  "match",
  "_",
  "__x",
  "__init__",
  "forward",
  "training",
  "train",
  "train_",
  "_modules",
  "_parameters",
  "__class__",
  "__dict__",
  "_call_impl",
  "register_forward_hook",
  "cuda",
  "type",
  "append",
  "keys",
  "add_1",
  "input_layer",
  "concatenate",
  "conv1",
  "conv1_",
  "conv2",
  "relu1",
  "B1",
  "repeat1",
  "M",
  "B",
  "B_use1",
  "conv1_pad",
  "Stage_use1",
];

const reserved = new Set([...keywordNames, ...layerNames().map((n) => n.toLowerCase()), "input", "output"]);

/** Names a .cnn file may use for labels, parameters, blocks and models. */
export const NAMES = POOL.filter((n) => !reserved.has(n.toLowerCase()));

/** Writes one random file: up to two blocks, one model, four channels throughout, sizes kept by padding. */
export function randomModel(next: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const distinct = (n: number, avoid: Set<string> = new Set()): string[] => {
    const out: string[] = [];
    while (out.length < n) {
      const c = pick(NAMES);
      if (!avoid.has(c) && !out.includes(c)) out.push(c);
    }
    return out;
  };
  const definitions = distinct(3);
  const blocks = definitions.slice(0, 1 + Math.floor(next() * 2));
  const model = definitions[2]!;
  const text: string[] = [];
  const params = new Map<string, string[]>();
  for (const b of blocks) {
    const [c, pad] = distinct(2);
    params.set(b, [c!, pad!]);
    const labels = distinct(2);
    const lines = body(next, pick, labels, { c: c!, pad: pad! }, []);
    text.push(`block ${b}(${c}, ${pad} = 1) {`, ...lines.map((l) => `  ${l}`), "}", "");
  }
  const labels = distinct(4);
  const uses = blocks.map((b) => (next() < 0.5 ? `${b}(4)` : `${b}(4, ${params.get(b)![1]}: 1)`));
  const lines = ["input(3, 6, 6)", "conv(4, 3, padding: 1)", ...body(next, pick, labels, { c: "4", pad: "1" }, uses)];
  // The model ends in a layer, so that its output is a module's output that the oracle records.
  text.push(`model ${model} {`, ...[...lines, "conv(4, 1) -> relu()"].map((l) => `  ${l}`), "}");
  return text.join("\n") + "\n";
}

/** Statements on a 4-channel tensor: labels, label merges, residuals, branches, repeats and block uses. */
function body(
  next: () => number,
  pick: <T>(xs: readonly T[]) => T,
  labels: string[],
  v: { c: string; pad: string },
  uses: string[],
): string[] {
  const out: string[] = [];
  const defined: string[] = [];
  const conv = () => `conv(${v.c}, 3, padding: ${v.pad})`;
  const steps = 3 + Math.floor(next() * 4);
  for (let s = 0; s < steps; s++) {
    const r = next();
    const free = labels.filter((l) => !defined.includes(l));
    if (r < 0.25 && free.length) {
      const l = free[0]!;
      out.push(next() < 0.5 ? `${l}: ${conv()}` : `${l}: relu()`);
      defined.push(l);
    } else if (r < 0.4 && defined.length) {
      out.push(next() < 0.5 ? `concat(${pick(defined)}) -> conv(${v.c}, 1)` : `add(${pick(defined)})`);
    } else if (r < 0.5 && defined.length) {
      out.push(`${pick(defined)} -> conv(${v.c}, 1)`);
    } else if (r < 0.6) {
      out.push(`residual { ${conv()} -> batchnorm() } shortcut auto`);
    } else if (r < 0.7) {
      out.push(`concat { branch { conv(${v.c}, 1) } branch { relu() } } -> conv(${v.c}, 1)`);
    } else if (r < 0.8) {
      out.push(`repeat ${1 + Math.floor(next() * 2)} { ${conv()} -> relu() }`);
    } else if (uses.length) {
      const use = pick(uses);
      out.push(next() < 0.5 ? use : `repeat 2 { ${use} }`);
    } else out.push(`${conv()} -> relu()`);
  }
  return out;
}
