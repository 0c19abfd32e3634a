// The one way a name from an ONNX file reaches the .cnn text: as a label, a model name or a comment, each made
// valid and unique here, so no name in a file can break the text or clash with the analysis' automatic names.
import { isLayerKindName } from "../analysis/layers/names.js";
import { keywordNames } from "../../../grammar/index.js";

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Hands out labels: distinct, valid, and never equal to a layer kind or an automatic name (`conv3`, `repeat1`). */
export class LabelNames {
  private readonly used = new Set<string>();
  /** Block names: a label `Bottleneck3` would clash with the automatic name of a use. */
  private readonly blocks: string[] = [];

  /** A block name that no label or other block takes (`Bottleneck`, `Bottleneck2`). */
  reserve(base: string): string {
    let name = base;
    // Letters, not digits: the uses of `Bottleneck2` would be named `Bottleneck21`.
    for (let i = 1; this.blocks.includes(name); i++) name = `${base}${String.fromCharCode(65 + i)}`;
    this.blocks.push(name);
    return name;
  }

  /** The label's text for the file: bare when an identifier, quoted otherwise (`"stage2-0"`). */
  label(hint: string): string {
    // A quoted label may hold anything but a dot, a quote, a backslash, white space or a control character.
    // `#3` ends the node names of cnnlens' own export (`relu2#3`): a counter, not part of the layer's name.
    let base =
      hint
        .replace(/#[0-9]+$/, "")
        .replace(/[.\s"\\\p{Cc}\p{Cf}/:]+/gu, "_")
        .replace(/^_+|_+$/g, "") || "t";
    const auto = /^([A-Za-z]+)[0-9]*$/.exec(base);
    // `relu` would read as the layer at the start of a chain, and `conv3` may be an automatic name.
    const prefix = auto?.[1] ?? "";
    if (
      auto &&
      (isLayerKindName(prefix.toLowerCase()) ||
        /^(repeat|input|output|model|block)$/i.test(prefix) ||
        this.blocks.some((b) => b.toLowerCase() === prefix.toLowerCase() || b.toLowerCase() === base.toLowerCase()))
    )
      base = `${base}_`;
    let name = base;
    for (let i = 2; this.used.has(name.toLowerCase()); i++) name = `${base}_${i}`;
    this.used.add(name.toLowerCase());
    return IDENTIFIER.test(name) ? name : `"${name}"`;
  }
}

/** A model or block name: an identifier made from the graph's name. */
export function definitionName(hint: string, fallback: string): string {
  const words = hint.replace(/[^A-Za-z0-9_]+/g, "_").replace(/^_+|_+$/g, "");
  const name = words === "" ? fallback : /^[0-9]/.test(words) ? `${fallback}_${words}` : words;
  // A keyword (`model`, `block`: PyTorch's graph named after a file `model.onnx`) cannot name a definition.
  return isLayerKindName(name.toLowerCase()) || keywordNames.includes(name) ? `${name}_` : name;
}

/** Text for a `#` comment: one line, whatever the name holds. */
export function commentText(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, "?");
}
