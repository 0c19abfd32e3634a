// What a PyTorch attribute is made of: module constructors, block instantiations, attribute names.
import type { Framework, Shape } from "../analysis/types.js";
import type { BlockOp, LayerOp, Op, UseRecord } from "./ir.js";
import type { ClassIR } from "./lower-file.js";
import { Refusal } from "./lower-context.js";
import { isAttributeName, py } from "./python.js";
import { torchLayer } from "./pytorch-layers.js";

/** What the writer of one class needs: the source framework, the block classes, and where notes go. */
export interface TorchWriter {
  source: Framework;
  classOf(use: UseRecord): ClassIR;
  notes: Set<string>;
  /** The class being written, for notes. */
  where: string;
  imports: Set<"OrderedDict" | "F">;
  /** Helper classes the code uses (pytorch-helpers.ts). */
  helpers: Set<string>;
}

// Attributes nn.Module (and the containers of loops) already have: a layer cannot take these names.
const TAKEN = new Set(["training", "forward", "train", "eval", "parameters", "buffers", "children", "modules", "state_dict", "load_state_dict", "to", "cuda", "cpu", "type", "float", "double", "half", "bfloat16", "apply", "zero_grad", "named_parameters", "named_modules", "named_children", "named_buffers", "register_buffer", "register_parameter", "register_module", "add_module", "get_submodule", "get_parameter", "get_buffer", "requires_grad_", "share_memory", "extra_repr", "append", "extend", "insert", "pop", "keys", "items", "values", "update", "clear", "dump_patches", "xpu", "ipu", "call_super_init"]);

/** The expression that builds a layer's module or a block's instance. */
export function ctor(op: LayerOp | BlockOp, w: TorchWriter): string {
  if (op.op === "layer") {
    const t = torchLayer(op, w.source);
    if (t.helper) w.helpers.add(t.helper);
    return t.ctor;
  }
  const cls = w.classOf(op.use!);
  if (!cls.generic) return `${cls.name}()`;
  const args = [py(op.inChannels)];
  let named = false;
  // Positional while every argument is given; after a default is left out, the rest go by name.
  op.args.forEach((a, i) => {
    if (!a) named = true;
    else args.push(named ? `${cls.params[i]}=${py(a)}` : py(a));
  });
  return `${cls.name}(${args.join(", ")})`;
}

/** A layer name as an attribute, refused when Python or nn.Module already uses it. */
export function attr(name: string): string {
  if (!isAttributeName(name) || TAKEN.has(name)) throw new Refusal(`the layer name '${name}' cannot be a PyTorch module attribute (nn.Module uses it, or Python does): rename the label`);
  return name;
}

/** A body that is a plain chain of modules runs as nn.Sequential, with no code in forward. */
export function isChain(ops: Op[], w: TorchWriter): boolean {
  return ops.every((o) => {
    if (o.op === "block") return true;
    if (o.op === "layer") {
      const t = torchLayer(o, w.source);
      return t.pre === undefined && t.post === undefined;
    }
    return o.op === "repeat" && (o.iterations ?? [o.body]).every((b) => isChain(b, w));
  });
}

/** A shape in PyTorch's layout: channels first. */
export function torchShape(shape: Shape | undefined, source: Framework): Shape | undefined {
  if (!shape || source === "pytorch" || shape.length < 2) return shape;
  return [shape[shape.length - 1]!, ...shape.slice(0, -1)];
}
