// Lowers a whole analysed file: every model's body, and one class per block (or per use when they differ).
import type { BlockDef } from "../../../grammar/index.js";
import type { SaveStep } from "../analysis/program.js";
import { channels } from "../analysis/tensor.js";
import type { Analysis } from "../analysis/types.js";
import type { ModelIR, Op, UseRecord } from "./ir.js";
import { lowerUseBody, paramNames } from "./lower-block.js";
import { Frame, NotGeneric, Refusal, type Flow, type LayerFact, type LowerContext } from "./lower-context.js";
import { pyGlobal, specialisedName, variableTarget, type NameTarget } from "../codegen/names.js";
import { num } from "../codegen/sym.js";
import { lowerSteps } from "./lower.js";

/** A block's class: generic (parameters as constructor arguments) or specialised to some uses' values. */
export interface ClassIR {
  name: string;
  block: BlockDef;
  generic: boolean;
  /** Python names of the block's parameters (generic classes only take them). */
  params: string[];
  body: Op[];
  /** The use whose shapes the comments show. */
  first: UseRecord;
}

/** Every selected model lowered, the block classes, and which class each block use takes. */
export interface LoweredFile {
  models: ModelIR[];
  classes: ClassIR[];
  classOf(use: UseRecord): ClassIR;
}

/** Lowers every model of a file without errors. Throws Refusal when the lowering cannot be exact. */
export function lowerFile(analysis: Analysis, fact: LayerFact): LoweredFile {
  const blocks = new Map<string, BlockDef>();
  for (const d of analysis.ast.definitions) if (d.kind === "block") blocks.set(d.name.text, d);
  // Parameters are variables of their block's class (or function), which may call any other block.
  const variables = variableTarget([...blocks.keys()].map(pyGlobal));
  const records = new Map<string, UseRecord>();
  const bases = { next: 1 };
  // One map for the whole file: every label definition of the record is its own object.
  const labels = new Map<SaveStep, Flow>();
  const context = (index: number): LowerContext => ({
    framework: analysis.framework,
    blocks,
    fact,
    bases,
    variables,
    labels,
    literal: true,
    dry: false,
    loopDepth: 0,
    lowerSteps,
    uses: { get: (id) => records.get(id), add: (r) => void records.set(r.id, r) },
    model: { index, info: analysis.models[index]! },
  });
  const models = analysis.models.map((info, index): ModelIR => {
    const program = info.program;
    if (!program || !info.input) throw new Refusal(`model ${info.name} has no input`);
    const ctx = context(index);
    const ops: Op[] = [];
    const flowOf = (shape: number[]) => ({
      channels: num(channels(shape, info.framework)),
      stride: num(1),
      base: 0,
      shape,
    });
    ctx.inputs = info.inputs.map((one) => (one.shape ? flowOf(one.shape) : flowOf(info.input!)));
    const start = ctx.inputs[0]!;
    exactly(`model ${info.name}`, () => lowerSteps(program, start, new Frame("", new Map()), ctx, ops));
    return {
      name: info.name,
      className: pyGlobal(info.name),
      framework: info.framework,
      input: info.input,
      batch: info.batch,
      body: ops,
      inputs: info.inputs.map((one) => ({ name: one.name, shape: one.shape ?? info.input! })),
      outputs: info.outputs.map((o) => ({ name: o.name, ...(o.shape ? { shape: o.shape } : {}) })),
      labelledOutputs: info.outputs.some((o) => o.span !== undefined),
      ...(info.output ? { outShape: info.output } : {}),
    };
  });

  const generic = decide([...records.values()]);
  for (const r of records.values()) {
    if (generic.get(r.block)) continue;
    const ctx = context(r.at.model);
    const lowered = exactly(r.name, () => lowerUseBody(blocks.get(r.block)!, r.at.step, r.values, r.inChannels, ctx));
    r.specialized = { body: lowered.ops, key: lowered.key };
  }
  return classesFor(blocks, [...records.values()], generic, models, variables);
}

/** The specialised classes of each block (blocks whose uses differ), grouped once for the notes. */
export function specialisedClasses(file: LoweredFile): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const c of file.classes) {
    if (c.generic) continue;
    const list = out.get(c.block.name.text);
    if (list) list.push(c.name);
    else out.set(c.block.name.text, [c.name]);
  }
  return out;
}

/** Runs a lowering step whose failure means the export would not be exact: a Refusal that says where. */
function exactly<T>(where: string, step: () => T): T {
  try {
    return step();
  } catch (e) {
    if (e instanceof NotGeneric) throw new Refusal(`${where}: ${e.message}`);
    throw e;
  }
}

/** A block is one generic class when every use lowers to the same body and so do the blocks it uses. */
function decide(records: UseRecord[]): Map<string, boolean> {
  const generic = new Map<string, boolean>();
  const firstKey = new Map<string, string | undefined>();
  for (const r of records) {
    if (!firstKey.has(r.block)) firstKey.set(r.block, r.generic?.key);
    const ok = r.generic !== undefined && r.generic.key === firstKey.get(r.block);
    generic.set(r.block, (generic.get(r.block) ?? true) && ok);
  }
  for (let changed = true; changed;) {
    changed = false;
    for (const r of records) {
      if (generic.get(r.block) && r.inner.some((u) => generic.get(u.block) === false)) {
        generic.set(r.block, false);
        changed = true;
      }
    }
  }
  return generic;
}

function classesFor(
  blocks: Map<string, BlockDef>,
  records: UseRecord[],
  generic: Map<string, boolean>,
  models: ModelIR[],
  variables: NameTarget,
): LoweredFile {
  const classes: ClassIR[] = [];
  const byUse = new Map<UseRecord, ClassIR>();
  // Grouped once: filtering every record per block would be quadratic in files with many blocks.
  const usesOf = new Map<string, UseRecord[]>();
  for (const r of records) {
    const list = usesOf.get(r.block);
    if (list) list.push(r);
    else usesOf.set(r.block, [r]);
  }
  for (const block of blocks.values()) {
    const uses = usesOf.get(block.name.text) ?? [];
    if (uses.length === 0) continue;
    if (generic.get(block.name.text)) {
      const params = paramNames(block, variables);
      const cls: ClassIR = {
        name: pyGlobal(block.name.text),
        block,
        generic: true,
        params,
        body: uses[0]!.generic!.body,
        first: uses[0]!,
      };
      classes.push(cls);
      for (const u of uses) byUse.set(u, cls);
      continue;
    }
    const byKey = new Map<string, ClassIR>();
    for (const u of uses) {
      const k = u.specialized!.key;
      let cls = byKey.get(k);
      if (!cls) {
        cls = {
          name: specialisedName(block.name.text, byKey.size + 1),
          block,
          generic: false,
          params: [],
          body: u.specialized!.body,
          first: u,
        };
        byKey.set(k, cls);
        classes.push(cls);
      }
      byUse.set(u, cls);
    }
  }
  return {
    models,
    classes,
    classOf: (use) => {
      const cls = byUse.get(use);
      if (!cls) throw new Refusal(`no class for the block use ${use.name}`);
      return cls;
    },
  };
}
