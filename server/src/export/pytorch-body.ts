// A lowered body as PyTorch code: `__init__` lines creating the modules, `forward` lines running them.
import type { MergeOp } from "../../../grammar/index.js";
import type { Shape } from "../analysis/types.js";
import type { LayerOp, Op } from "./ir.js";
import { pyCommentText } from "../codegen/names.js";
import { py, shapeComment, withComment } from "../codegen/python.js";
import { isLiteral } from "../codegen/sym.js";
import { torchLayer } from "./pytorch-layers.js";
import {
  assignMember,
  attr,
  containerLines,
  ctor,
  member,
  torchShape,
  type Forward,
  type TorchWriter,
} from "./pytorch-modules.js";
import { repeatForward, repeatInit } from "./pytorch-repeat.js";

export type { Forward, TorchWriter } from "./pytorch-modules.js";
export { torchShape } from "./pytorch-modules.js";

const IN = "    ";

/** `__init__` lines that create the modules of `ops` as attributes of `owner` (self, or a loop step). */
export function initLines(
  ops: Op[],
  owner: string,
  indent: string,
  w: TorchWriter,
  depth = 0,
  made = new Set<string>(),
): string[] {
  const out: string[] = [];
  for (const op of ops) {
    switch (op.op) {
      case "layer":
      case "block": {
        const path = attr(op.attr, w);
        out.push(...containerLines(owner, path, indent, made), `${indent}${assignMember(owner, path, ctor(op, w))}`);
        break;
      }
      case "repeat":
        out.push(...containerLines(owner, attr(op.attr), indent, made));
        out.push(...repeatInit(op, owner, indent, w, depth, initLines));
        break;
      case "residual": {
        out.push(...initLines(op.main, owner, indent, w, depth, made));
        if (op.when && op.shortcut.length > 0) {
          const paths = op.shortcut.map((s) => attr((s as LayerOp).attr));
          // The containers exist in both branches of the `if`: the projection's modules are None without it.
          for (const p of paths) out.push(...containerLines(owner, p, indent, made));
          out.push(`${indent}if ${py(op.when)}:  # shortcut auto: a projection where the shape changes`);
          out.push(...initLines(op.shortcut, owner, indent + IN, w, depth, made));
          const plain = paths.every((p) => /^[A-Za-z_]\w*$/.test(p));
          const none = plain
            ? [`${indent}${IN}${paths.map((p) => member(owner, p)).join(" = ")} = None`]
            : paths.map((p) => `${indent}${IN}${assignMember(owner, p, "None")}`);
          out.push(`${indent}else:`, ...none);
        } else out.push(...initLines(op.shortcut, owner, indent, w, depth, made));
        break;
      }
      case "branches":
        for (const b of op.branches) out.push(...initLines(b, owner, indent, w, depth, made));
        break;
      case "split":
        if (op.sizes && !isLiteral(op.sizes)) {
          // The sizes are an expression of the block's parameters, which forward cannot see: keep them.
          w.splitSizes ??= new Map();
          const name = w.splitSizes.size === 0 ? "split_sizes" : `split_sizes${w.splitSizes.size + 1}`;
          w.splitSizes.set(op, name);
          out.push(`${indent}${owner}.${attr(name, w)} = ${py(op.sizes)}`);
        }
        for (const b of op.branches) out.push(...initLines(b, owner, indent, w, depth));
        break;
      case "gate":
        out.push(...initLines(op.body, owner, indent, w, depth));
        break;
      default:
        break;
    }
  }
  return out;
}

/** `forward` lines for `ops`; returns the variable holding the result. */
export function forwardLines(ops: Op[], f: Forward, indent: string, w: TorchWriter, out: string[]): string {
  let cur = f.cur;
  const run = f.run;
  // A permuted tensor is held as the file holds it (see permute's crossDims), not moved to PyTorch's layout.
  const assign = (expr: string, shape: Shape | undefined, asIs = false) => {
    const held = asIs ? shape : torchShape(shape, w.source);
    out.push(withComment(`${indent}${run} = ${expr}`, shapeComment(held), 52));
    cur = run;
  };
  for (const op of ops) {
    switch (op.op) {
      case "layer": {
        const t = torchLayer(op, w.source);
        if (t.note) {
          out.push(`${indent}# ${pyCommentText(t.note)}`);
          w.notes.add(`${w.where}.${op.attr}: ${t.note}`);
        }
        const also = t.reads === undefined ? "" : `, ${f.vars.label(t.reads)}`;
        const call = t.apply
          ? t.apply(f.access(op.attr), cur)
          : `${f.access(op.attr)}(${t.pre ? t.pre(cur) : cur}${also})`;
        assign(t.post ? t.post(call) : call, op.info?.outputShape, op.info?.outputOrder !== undefined);
        break;
      }
      case "block":
        assign(`${f.access(op.attr)}(${cur})`, op.outShape);
        break;
      case "repeat": {
        const result = repeatForward(op, { ...f, cur }, indent, w, out, forwardLines);
        if (result === undefined) assign(`${f.access(op.attr)}(${cur})`, op.outShape);
        else cur = result;
        break;
      }
      case "residual": {
        const saved = f.vars.fresh("identity");
        out.push(`${indent}${saved} = ${cur}`);
        const main = forwardLines(op.main, { ...f, cur }, indent, w, out);
        if (op.when && op.shortcut.length > 0) {
          out.push(`${indent}if ${f.access((op.shortcut[0] as LayerOp).attr)} is not None:`);
          forwardLines(op.shortcut, { ...f, cur: saved, run: saved }, indent + IN, w, out);
        } else forwardLines(op.shortcut, { ...f, cur: saved, run: saved }, indent, w, out);
        cur = main;
        assign(`${main} + ${saved}`, op.outShape);
        f.vars.release(saved);
        break;
      }
      case "branches": {
        const parts = op.branches.map((b) =>
          b.length === 0 ? cur : forwardLines(b, { ...f, cur, run: f.vars.fresh("branch") }, indent, w, out),
        );
        assign(torchMerge(op.merge, parts), op.outShape);
        for (const p of parts) f.vars.release(p);
        break;
      }
      case "mergeLabels":
        assign(torchMerge(op.merge, [cur, ...op.labels.map((l) => f.vars.label(l))]), op.outShape);
        break;
      case "gate": {
        // Squeeze-and-excitation: the body's result (often N×C×1×1) broadcasts over the input.
        const scale = forwardLines(op.body, { ...f, cur, run: f.vars.fresh("gate") }, indent, w, out);
        assign(`${cur} * ${scale}`, op.outShape);
        f.vars.release(scale);
        break;
      }
      case "split": {
        const names = op.branches.map(() => f.vars.fresh("part"));
        const cut = op.sizes
          ? `torch.split(${cur}, ${w.splitSizes?.has(op) ? f.access(w.splitSizes.get(op)!) : py(op.sizes)}, dim=1)`
          : `torch.chunk(${cur}, ${op.parts}, dim=1)`;
        out.push(`${indent}${names.join(", ")}${names.length === 1 ? "," : ""} = ${cut}`);
        const parts = op.branches.map((b, i) =>
          b.length === 0 ? names[i]! : forwardLines(b, { ...f, cur: names[i]!, run: names[i]! }, indent, w, out),
        );
        assign(torchMerge("concat", parts), op.outShape);
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

/** A merge in PyTorch: channels are axis 1 of N×C×… tensors; `*` broadcasts axes of size 1. */
function torchMerge(op: MergeOp, parts: string[]): string {
  return op === "concat" ? `torch.cat([${parts.join(", ")}], dim=1)` : parts.join(op === "mul" ? " * " : " + ");
}
