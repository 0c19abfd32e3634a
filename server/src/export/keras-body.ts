// A lowered body as Keras functional code: one `x = layers.X(…, name=…)(x)` line per layer.
import type { MergeOp } from "../../../grammar/index.js";
import type { Framework, Shape } from "../analysis/types.js";
import { arith, num, type Sym } from "../codegen/sym.js";
import type { BlockOp, Op, UseRecord } from "./ir.js";
import { kerasLayer } from "./keras-layers.js";
import type { ClassIR } from "./lower-file.js";
import { kerasLayerPart, pyCommentText, pyString } from "../codegen/names.js";
import { py, shapeComment, withComment } from "../codegen/python.js";
import { loops, type Vars } from "./vars.js";

const IN = "    ";

/** What the writer of one function needs: the source framework, the block functions, and where notes go. */
export interface KerasWriter {
  source: Framework;
  classOf(use: UseRecord): ClassIR;
  notes: Set<string>;
  where: string;
}

/** The state of a function body: current and result variables, the layer-name prefix (an f-string part). */
export interface KerasFlow {
  cur: string;
  run: string;
  /** `""` in a model, `{name}.` in a block function, plus `repeat1.{i}.` inside a loop. */
  prefix: string;
  vars: Vars;
  /** The variables of the model's inputs (keras.Input), in order. */
  inputs?: string[];
}

/** Lines for `ops`; returns the variable holding the result. */
export function kerasLines(ops: Op[], f: KerasFlow, indent: string, w: KerasWriter, out: string[]): string {
  let cur = f.cur;
  const run = f.run;
  // A permuted tensor is held as the file holds it (see permute's crossDims), not moved to Keras' layout.
  const assign = (expr: string, shape?: Shape, asIs = false) => {
    const held = asIs ? shape : kerasShape(shape, w.source);
    out.push(withComment(`${indent}${run} = ${expr}`, held ? shapeComment(held) : undefined, 52));
    cur = run;
  };
  for (const op of ops) {
    switch (op.op) {
      case "layer":
        for (const step of kerasLayer(op, w.source)) {
          if (step.note) {
            out.push(`${indent}# ${pyCommentText(step.note)}`);
            w.notes.add(`${w.where}.${op.attr}: ${step.note}`);
          }
          const args = [...step.args, `name=${layerName(f.prefix, kerasLayerPart(op.attr) + step.suffix)}`];
          assign(
            `layers.${step.cls}(${args.join(", ")})(${cur})`,
            step.suffix === "" ? op.info?.outputShape : undefined,
            op.info?.outputOrder !== undefined,
          );
        }
        break;
      case "block":
        assign(call(op, cur, f.prefix, w), op.outShape);
        break;
      case "repeat":
        if (cur !== run) out.push(`${indent}${run} = ${cur}`);
        cur = run;
        if (loops(op, w.classOf)) {
          out.push(`${indent}for ${op.index} in range(${py(op.count)}):`);
          cur = kerasLines(
            op.body,
            { ...f, cur, prefix: `${f.prefix}${kerasLayerPart(op.attr)}.{${op.index}}.` },
            indent + IN,
            w,
            out,
          );
        } else {
          // The iterations need different block functions (a block with one per use): one after the other.
          op.iterations!.forEach((b, i) => {
            cur = kerasLines(b, { ...f, cur, prefix: `${f.prefix}${kerasLayerPart(op.attr)}.${i}.` }, indent, w, out);
          });
        }
        break;
      case "residual": {
        const saved = f.vars.fresh("identity");
        out.push(`${indent}${saved} = ${cur}`);
        const main = kerasLines(op.main, { ...f, cur }, indent, w, out);
        if (op.when && op.shortcut.length > 0) {
          out.push(`${indent}if ${py(op.when)}:  # shortcut auto: a projection where the shape changes`);
          kerasLines(op.shortcut, { ...f, cur: saved, run: saved }, indent + IN, w, out);
        } else kerasLines(op.shortcut, { ...f, cur: saved, run: saved }, indent, w, out);
        assign(`layers.Add()([${main}, ${saved}])`, op.outShape);
        f.vars.release(saved);
        break;
      }
      case "branches": {
        const parts = op.branches.map((b) =>
          b.length === 0 ? cur : kerasLines(b, { ...f, cur, run: f.vars.fresh("branch") }, indent, w, out),
        );
        assign(merge(op.merge, parts), op.outShape);
        for (const p of parts) f.vars.release(p);
        break;
      }
      case "mergeLabels":
        assign(merge(op.merge, [cur, ...op.labels.map((l) => f.vars.label(l))]), op.outShape);
        break;
      case "gate": {
        // Multiply broadcasts axes of size 1 (a 1×1×C gate over H×W×C).
        const scale = kerasLines(op.body, { ...f, cur, run: f.vars.fresh("gate") }, indent, w, out);
        assign(merge("mul", [cur, scale]), op.outShape);
        f.vars.release(scale);
        break;
      }
      case "split": {
        // Keras has no split layer: keras.ops.split cuts the channels (last axis) at the running sums of the sizes.
        const names = op.branches.map(() => f.vars.fresh("part"));
        const at = op.sizes
          ? `[${cuts(op.sizes)
              .map((c) => py(c))
              .join(", ")}]`
          : String(op.parts);
        out.push(
          `${indent}${names.join(", ")}${names.length === 1 ? "," : ""} = keras.ops.split(${cur}, ${at}, axis=-1)`,
        );
        const parts = op.branches.map((b, i) =>
          b.length === 0 ? names[i]! : kerasLines(b, { ...f, cur: names[i]!, run: names[i]! }, indent, w, out),
        );
        assign(merge("concat", parts), op.outShape);
        for (const p of names) f.vars.release(p);
        break;
      }
      case "input":
        cur = f.inputs?.[op.index] ?? cur;
        break;
      case "save":
        if (f.vars.label(op.label) !== cur) out.push(`${indent}${f.vars.label(op.label)} = ${cur}`);
        break;
      case "load":
        cur = f.vars.label(op.label);
        break;
    }
  }
  return cur;
}

/**
 * A layer name as Python: a plain string, or an f-string inside blocks and loops. The parts are mangled
 * identifiers, dots, digits and the writer's own `{name}` and `{i}` fields: nothing to escape in the f-string.
 */
export function layerName(prefix: string, local: string): string {
  const name = prefix + local;
  return name.includes("{") ? `f"${name}"` : pyString(name);
}

function merge(op: MergeOp, parts: string[]): string {
  // Keras tensors are channels last, where Concatenate joins by default.
  return `layers.${op === "concat" ? "Concatenate" : op === "mul" ? "Multiply" : "Add"}()([${parts.join(", ")}])`;
}

/** The indices where keras.ops.split cuts: the running sums of all sizes but the last. */
function cuts(sizes: Sym): Sym[] {
  const node = sizes.node;
  if (node.t === "lit" && node.v.type === "tuple") {
    const values = node.v.items.map((v) => (v?.type === "number" ? v.value : 0));
    return values.slice(0, -1).map((_, i) => num(values.slice(0, i + 1).reduce((a, b) => a + b, 0)));
  }
  if (node.t !== "tuple") return [sizes];
  const items = node.items.map((n, i) => ({
    node: n,
    value: sizes.value?.type === "tuple" ? sizes.value.items[i] : undefined,
  }));
  const out: Sym[] = [];
  let sum: Sym | undefined;
  for (const item of items.slice(0, -1)) {
    sum = sum ? arith("+", sum, item) : item;
    out.push(sum);
  }
  return out;
}

function call(op: BlockOp, cur: string, prefix: string, w: KerasWriter): string {
  const cls = w.classOf(op.use!);
  const args = [cur];
  if (cls.generic) {
    let named = false;
    op.args.forEach((a, i) => {
      if (!a) named = true;
      else args.push(named ? `${cls.params[i]}=${py(a)}` : py(a));
    });
  }
  return `${cls.name}(${[...args, `name=${layerName(prefix, kerasLayerPart(op.attr))}`].join(", ")})`;
}

/** A shape in Keras' layout: channels last. */
export function kerasShape(shape: Shape | undefined, source: Framework): Shape | undefined {
  if (!shape || source === "keras" || shape.length < 2) return shape;
  return [...shape.slice(1), shape[0]!];
}
