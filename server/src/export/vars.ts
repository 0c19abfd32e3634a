// Local variable names of generated functions, and which loop variables a body actually uses.
import { bodyKey, type Op, type RepeatOp, type UseRecord } from "./ir.js";
import { mangle, type NameTarget } from "../codegen/names.js";

/**
 * The variables of one function: each label's (mangled for `target`, see names.ts' variableTarget) and
 * fresh ones (`identity`, `identity2`, `branch1`, …), which the mangling never gives a label.
 */
export class Vars {
  private readonly used = new Set<string>();
  private readonly temporary = new Set<string>();

  constructor(
    ops: Op[],
    private readonly target: NameTarget,
  ) {
    for (const label of labelsIn(ops)) this.used.add(this.label(label));
  }

  /** The variable that holds a label's tensor. */
  label(name: string): string {
    return mangle(name, this.target);
  }

  /** A variable whose value is no longer needed: the next fresh name may reuse it. */
  release(name: string): void {
    if (this.temporary.delete(name)) this.used.delete(name);
  }

  fresh(base: string): string {
    for (let n = 1; ; n++) {
      const name = base === "branch" || n > 1 ? `${base}${n}` : base;
      if (!this.used.has(name)) {
        this.used.add(name);
        this.temporary.add(name);
        return name;
      }
    }
  }
}

function labelsIn(ops: Op[]): string[] {
  const out: string[] = [];
  for (const op of ops) {
    if (op.op === "save") out.push(op.label);
    else if (op.op === "repeat") out.push(...labelsIn(op.body));
    else if (op.op === "residual") out.push(...labelsIn(op.main), ...labelsIn(op.shortcut));
    else if (op.op === "branches" || op.op === "split") for (const b of op.branches) out.push(...labelsIn(b));
    else if (op.op === "gate") out.push(...labelsIn(op.body));
  }
  return out;
}

/**
 * Whether a repeat is written as a loop: its iterations lower to the same code and, where they use
 * blocks, the same classes (a block with a class per use may need different ones per iteration).
 */
export function loops(op: RepeatOp, classOf: (use: UseRecord) => { name: string }): boolean {
  if (!op.loopable) return false;
  if (!op.iterations) return true;
  const classes = (ops: Op[]): string[] =>
    ops.flatMap((o) => {
      if (o.op === "block") return [classOf(o.use!).name];
      if (o.op === "repeat") return (o.iterations ?? [o.body]).flatMap(classes);
      if (o.op === "residual") return [...classes(o.main), ...classes(o.shortcut)];
      if (o.op === "branches" || o.op === "split") return o.branches.flatMap(classes);
      if (o.op === "gate") return classes(o.body);
      return [];
    });
  const first = JSON.stringify(classes(op.iterations[0] ?? []));
  return op.iterations.every((it) => JSON.stringify(classes(it)) === first);
}

/** True when some expression of the body mentions the variable (a loop index). */
export function usesVariable(ops: Op[], name: string): boolean {
  return bodyKey(ops).includes(JSON.stringify({ t: "var", name }));
}
