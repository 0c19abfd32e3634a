// What one layer kind is, face by face: the shape of the per-kind modules in this folder.
//
// Why a folder above analysis/ and onnx/: analysis/ must stay pure (it may not import ONNX or code
// generation), so a kind's analysis face (arguments, docs, shape, parameters, MACs, receptive field,
// checks) lives in analysis/layers/, keyed by the same closed `LayerKindName`, and the module here imports
// it and adds the faces the analysis does not need: its tensors, ONNX lowering, and PyTorch and Keras code,
// written with codegen/ (symbolic values, Python text, Refusal), which sits below this folder.
import type { LayerKind } from "../analysis/layers/index.js";
import type { LayerKindName } from "../analysis/layers/names.js";
import type { Framework, LayerInfo } from "../analysis/types.js";
import type { CodeFace, KerasStep, TorchLayer } from "../codegen/layer-code.js";
import type { Emitter } from "../onnx/emit.js";
import type { ParamRole } from "../onnx/tensors.js";

/**
 * One tensor a layer owns: its state_dict role, shape (PyTorch layout), fan-in/out for initialisation, and
 * optionally what differs from a `<layer>.<role>` tensor initialised at random.
 */
export type TensorEntry = [role: ParamRole, shape: number[], fanIn: number, fanOut: number, extra?: TensorExtra];

/** A tensor's exceptions to the common case. */
export interface TensorExtra {
  /** The framework's constant initial value (PReLU's 0.25, a norm's γ = 1 and β = 0, layer scale's init). */
  initial?: number;
  /** Named by the layer itself, not `<layer>.<role>`: an nn.Parameter attribute (ConvNeXt's layer_scale). */
  ownName?: boolean;
}

/** A layer with a known input shape, as the tensors face reads it. */
export type ShapedLayer = LayerInfo & { inputShape: number[] };

/**
 * A framework class written as data: `nn.ELU(alpha=0.5)` is `{ cls: "nn.ELU", kwargs: [["alpha", "alpha", 1]] }`
 * (keyword, the layer's argument, and the default at which the keyword is left out).
 */
export interface ClassCode {
  cls: string;
  args?: string[];
  kwargs?: [keyword: string, argument: string, omitWhen: number | boolean | string][];
}

/**
 * A backend's code for a kind: its class as data when that is all it is, else a function of the layer op, or
 * the reason the backend has no such layer at all (shown after the layer's name when an export refuses).
 */
export type BackendFace<T> = ClassCode | CodeFace<T> | { refuses: string };

/** Every face of one layer kind. */
export interface LayerUnit<K extends LayerKindName = LayerKindName> {
  /** Arguments, docs, shape rule, parameters, MACs, receptive field and checks (analysis/layers/). */
  analysis: LayerKind<K>;
  /** The output has the input's shape (decides `shortcut auto`'s projection stride in the exports). */
  sameShape: boolean;
  /** The output is never negative (zero padding before a max pool then equals PyTorch's -inf padding). */
  nonNegative: boolean;
  /** The tensors the layer owns, named `<layer>.<role>` as in a PyTorch state_dict; none when omitted. */
  tensors?: (layer: ShapedLayer, framework: Framework) => TensorEntry[];
  /** The ONNX (opset 17) lowering. */
  onnx: Emitter;
  /** The PyTorch module (`nn.Conv2d(…)`) and what forward adds around it. */
  pytorch: BackendFace<TorchLayer>;
  /** The Keras layers (`layers.Conv2D(…)`), channels last, with the padding or cropping they need. */
  keras: BackendFace<KerasStep[]>;
}
