// `repeat` in PyTorch: a container of iterations named 0, 1, … (so keys read repeat1.0.conv1), built in a loop.
import type { Op, RepeatOp } from "./ir.js";
import { pyString } from "../codegen/names.js";
import { py } from "../codegen/python.js";
import { assignMember, attr, isChain, member, type Forward, type TorchWriter } from "./pytorch-modules.js";
import { loops, usesVariable } from "./vars.js";

const IN = "    ";

// The walks over a body, owned by pytorch-body.ts, which calls into this module for each repeat: passed in so
// that this module does not import it back.
/** initLines of pytorch-body.ts. */
export type InitLines = (ops: Op[], owner: string, indent: string, w: TorchWriter, depth: number) => string[];
/** forwardLines of pytorch-body.ts. */
export type ForwardLines = (ops: Op[], f: Forward, indent: string, w: TorchWriter, out: string[]) => string;

/** `__init__` lines: the container, then each iteration's modules (in a loop, or written out). */
export function repeatInit(
  op: RepeatOp,
  owner: string,
  indent: string,
  w: TorchWriter,
  depth: number,
  initLines: InitLines,
): string[] {
  const loop = loops(op, w.classOf);
  const bodies = loop ? [op.body] : op.iterations!;
  const chain = bodies.every((b) => isChain(b, w));
  const path = attr(op.attr, w);
  const container = member(owner, path);
  const out = [`${indent}${assignMember(owner, path, `nn.${chain ? "Sequential" : "ModuleList"}()`)}`];
  if (loop) {
    out.push(`${indent}for ${usesVariable(op.body, op.index) ? op.index : "_"} in range(${py(op.count)}):`);
    out.push(...iteration(op.body, container, chain, indent + IN, w, depth, initLines));
  } else {
    // The iterations need different block classes (a block with a class per use): one after the other.
    for (const b of bodies) out.push(...iteration(b, container, chain, indent, w, depth, initLines));
  }
  return out;
}

/** One iteration: a container whose children are named as the analysis names them. */
function iteration(
  body: Op[],
  container: string,
  chain: boolean,
  indent: string,
  w: TorchWriter,
  depth: number,
  initLines: InitLines,
): string[] {
  const step = depth === 0 ? "step" : `step${depth + 1}`;
  const lines = initLines(body, step, indent, w, depth + 1);
  const single = lines.length === 1 ? /^\s*\w+\.(\w+) = (.*)$/.exec(lines[0]!) : null;
  if (single && chain) {
    w.imports.add("OrderedDict");
    return [`${indent}${container}.append(nn.Sequential(OrderedDict(${single[1]}=${single[2]})))`];
  }
  // nn.ModuleDict({…}) takes modules only; a bare nn.Parameter (layer scale) is set as an attribute below.
  if (single && !single[2]!.startsWith("nn.Parameter("))
    return [`${indent}${container}.append(nn.ModuleDict({${pyString(single[1]!)}: ${single[2]}}))`];
  return [
    `${indent}${step} = nn.${chain ? "Sequential" : "ModuleDict"}()`,
    ...lines,
    `${indent}${container}.append(${step})`,
  ];
}

/**
 * `forward` lines: one call when the iterations are a chain, else a loop over the iterations (or each
 * iteration written out); returns the variable holding the result, or undefined for the one-call case.
 */
export function repeatForward(
  op: RepeatOp,
  f: Forward,
  indent: string,
  w: TorchWriter,
  out: string[],
  forwardLines: ForwardLines,
): string | undefined {
  const loop = loops(op, w.classOf);
  const bodies = loop ? [op.body] : op.iterations!;
  if (bodies.every((b) => isChain(b, w))) return undefined;
  if (f.cur !== f.run) out.push(`${indent}${f.run} = ${f.cur}`);
  if (!loop) {
    let cur = f.run;
    bodies.forEach((b, i) => {
      cur = forwardLines(
        b,
        { ...f, cur, access: (a) => member(`${f.access(op.attr)}[${i}]`, attr(a)) },
        indent,
        w,
        out,
      );
    });
    return cur;
  }
  const step = f.depth === 0 ? "step" : `step${f.depth + 1}`;
  out.push(`${indent}for ${step} in ${f.access(op.attr)}:`);
  return forwardLines(
    op.body,
    { ...f, cur: f.run, access: (a) => member(step, attr(a)), depth: f.depth + 1 },
    indent + IN,
    w,
    out,
  );
}
