// An adaptive pool whose output does not divide its input, as cnnlens' export (onnx/pool.ts) writes it: per spatial
// axis, one Slice and one ReduceMean (or ReduceMax) per output cell, joined by a Concat on that axis. PyTorch's cell j
// of n over W covers [⌊j·W/n⌋, ⌈(j+1)·W/n⌉), so the bounds say which pool it was: `adaptiveavgpool(n)`.
import type { ConstTensor, OnnxNode } from "./ir.js";
import { intAttr, intsAttr } from "./ir.js";

/** What the recogniser reads of the graph around a node. */
export interface CellGraph {
  opset: number;
  constant(v: string): ConstTensor | undefined;
  /** The nodes that read a tensor (graph outputs count as a reader no node is). */
  readers(v: string): OnnxNode[];
  isOutput(v: string): boolean;
  producer(v: string): OnnxNode | undefined;
}

export interface AdaptiveCells {
  max: boolean;
  /** The output size per spatial axis (an axis left as it was keeps its size). */
  out: number[];
  /** The last Concat: its output is the pool's. */
  last: OnnxNode;
  nodes: OnnxNode[];
}

/**
 * The adaptive pool that the Slice `n` (reading `x` of `shape`, batch first) is a cell of, with the axes after it
 * that the export reduced in turn; undefined when `n` is not part of exactly this pattern.
 */
export function adaptiveCells(n: OnnxNode, x: string, shape: number[], g: CellGraph): AdaptiveCells | undefined {
  const first = oneAxis(n, x, shape, g);
  if (!first) return undefined;
  const out = shape.slice(2);
  out[first.axis - 2] = first.cells;
  const nodes = [...first.nodes];
  let last = first.concat;
  // The next axis reads the Concat's output: every reader must be a cell of that axis, else the pool ends here.
  for (;;) {
    const readers = g.readers(last.outputs[0]!);
    const head = readers[0];
    if (!head || g.isOutput(last.outputs[0]!) || head.opType !== "Slice") break;
    const current = [shape[0]!, shape[1]!, ...out];
    const next = oneAxis(head, last.outputs[0]!, current, g);
    if (!next || next.op !== first.op || next.axis <= first.axis) break;
    if (readers.some((r) => !next.nodes.includes(r))) break;
    out[next.axis - 2] = next.cells;
    nodes.push(...next.nodes);
    last = next.concat;
  }
  return { max: first.op === "ReduceMax", out, last, nodes };
}

interface Axis {
  axis: number;
  cells: number;
  op: string;
  concat: OnnxNode;
  nodes: OnnxNode[];
}

/** One axis' cells: Slice → Reduce → Concat, every Concat input a cell of `x` with PyTorch's bounds, in order. */
function oneAxis(n: OnnxNode, x: string, shape: number[], g: CellGraph): Axis | undefined {
  const first = sliceOf(n, shape.length, g);
  if (n.opType !== "Slice" || !first || first.axis < 2) return undefined;
  const reduce = sole(n.outputs[0]!, g);
  if (reduce?.opType !== "ReduceMean" && reduce?.opType !== "ReduceMax") return undefined;
  const concat = sole(reduce.outputs[0]!, g);
  if (concat?.opType !== "Concat" || normalise(intAttr(concat, "axis", 0), shape.length) !== first.axis)
    return undefined;
  const w = shape[first.axis]!;
  const cells = concat.inputs.length;
  // A cell per output position, fewer than the input has (equal sizes would be no pool at all).
  if (cells < 2 || cells >= w) return undefined;
  const nodes: OnnxNode[] = [];
  for (const [j, cell] of concat.inputs.entries()) {
    const r = g.producer(cell);
    const s = r ? g.producer(r.inputs[0] ?? "") : undefined;
    if (!r || !s || r.opType !== reduce.opType || sole(cell, g) !== concat || sole(s.outputs[0]!, g) !== r)
      return undefined;
    if (s.opType !== "Slice" || s.inputs[0] !== x || !reducesOnly(r, first.axis, shape.length, g)) return undefined;
    const bounds = sliceOf(s, shape.length, g);
    const start = Math.floor((j * w) / cells);
    const end = Math.ceil(((j + 1) * w) / cells);
    if (!bounds || bounds.axis !== first.axis || clamp(bounds.start, w) !== start || clamp(bounds.end, w) !== end)
      return undefined;
    nodes.push(s, r);
  }
  return { axis: first.axis, cells, op: reduce.opType, concat, nodes: [...nodes, concat] };
}

/** A Slice's one axis and bounds (step 1), from its inputs (opset 10 on) or its attributes; undefined otherwise. */
function sliceOf(n: OnnxNode, rank: number, g: CellGraph): { axis: number; start: number; end: number } | undefined {
  const ints = (i: number) => {
    const t = n.inputs[i] ? g.constant(n.inputs[i]) : undefined;
    return t?.ints ?? (t?.float ? Array.from(t.float) : undefined);
  };
  const late = g.opset >= 10;
  const starts = late ? ints(1) : intsAttr(n, "starts");
  const ends = late ? ints(2) : intsAttr(n, "ends");
  const axes = late ? (n.inputs[3] ? ints(3) : undefined) : intsAttr(n, "axes");
  const steps = late && n.inputs[4] ? ints(4) : [1];
  if (starts?.length !== 1 || ends?.length !== 1 || axes?.length !== 1 || steps?.[0] !== 1) return undefined;
  return { axis: normalise(axes[0]!, rank), start: starts[0]!, end: ends[0]! };
}

/** The Reduce keeps its axes and reduces exactly `axis`. */
function reducesOnly(r: OnnxNode, axis: number, rank: number, g: CellGraph): boolean {
  const given = g.opset >= 18 && r.inputs[1] ? g.constant(r.inputs[1])?.ints : intsAttr(r, "axes");
  return intAttr(r, "keepdims", 1) === 1 && given?.length === 1 && normalise(given[0]!, rank) === axis;
}

/** The one node that reads `v`, when `v` is not also a graph output. */
function sole(v: string, g: CellGraph): OnnxNode | undefined {
  const readers = g.readers(v);
  return readers.length === 1 && !g.isOutput(v) ? readers[0] : undefined;
}

const normalise = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);

/** ONNX clamps a slice's bounds to the axis (exporters write INT64_MAX for "to the end"). */
const clamp = (v: number, w: number) => Math.max(0, Math.min(w, v < 0 ? v + w : v));
