// What a layer kind's PyTorch and Keras faces return, and the small pieces every face writes its code with.
import type { Framework } from "../analysis/types.js";
import type { LayerOp } from "./layer-op.js";
import { isValue } from "./layer-values.js";
import { py } from "./python.js";
import type { Sym } from "./sym.js";

/** A layer's module, and the forward-pass wrapping it needs (explicit padding, layout moves, cropping). */
export interface TorchLayer {
  ctor: string;
  pre?: (input: string) => string;
  post?: (output: string) => string;
  /**
   * How forward uses the attribute when it is not a module to call: an nn.Parameter (layer scale) is applied
   * as `x * self.layer_scale`, so that its state_dict key is the layer's own name.
   */
  apply?: (attribute: string, input: string) => string;
  /** Why the wrapping is there: a comment above the forward line, and a note for the user. */
  note?: string;
  /** A helper class the module is made of, defined once at the top of the file (see torch-helpers.ts). */
  helper?: string;
  /** A label whose tensor the module also reads, passed as its second argument (`resize(like: image)`). */
  reads?: string;
}

/** One Keras layer call: its class, arguments (without the name) and the suffix its name gets. */
export interface KerasStep {
  cls: string;
  args: string[];
  /** "" for the layer itself; `_pad`, `_crop`, `_permute`, `_reshape` for the helpers around it. */
  suffix: string;
  note?: string;
}

/** What a face may ask about other kinds (the registry's, passed in so that a unit need not import it). */
export interface KindFacts {
  /** Kinds whose output is never negative (zero padding before a max pool then equals -inf padding). */
  nonNegative: ReadonlySet<string>;
}

/**
 * A backend's code for one layer op of a `source` file, written by the kind's unit; it throws Refusal (with
 * the layer's name) for what the backend cannot do exactly.
 */
export type CodeFace<T> = (op: LayerOp, source: Framework, kinds: KindFacts) => T;

/** `name=value`, or nothing when the value is absent or equals `skip` (the backend's default). */
export function kw(name: string, s: Sym | undefined, skip?: number | boolean | string): string[] {
  return s === undefined || (skip !== undefined && isValue(s, skip)) ? [] : [`${name}=${py(s)}`];
}

/** One Keras layer, without helpers around it. */
export function one(cls: string, args: string[] = []): KerasStep[] {
  return [{ cls, args, suffix: "" }];
}
