// Signature help for layer and block calls: the parameter list with defaults, the current one highlighted.
import type { SignatureHelp } from "vscode-languageserver";
import { tokensOf } from "../../../grammar/index.js";
import type { ArgSpec } from "../analysis/arguments.js";
import { findSpec } from "../analysis/arguments.js";
import { findLayerKind } from "../analysis/layers/index.js";
import type { Analysed } from "./documents.js";
import { callContext, inComment } from "./call-context.js";

/** `stride = 1`, `padding = 0 (pytorch) / valid (keras)`, or just the name when required. */
export function describeDefault(a: ArgSpec): string {
  if (a.default === undefined) return a.optional ? `${a.name} (optional)` : a.name;
  if (typeof a.default !== "function") return `${a.name} = ${String(a.default)}`;
  const pt = a.default("pytorch");
  const k = a.default("keras");
  return pt === k
    ? `${a.name} = ${String(pt)}`
    : `${a.name} = ${pt ?? "required"} (pytorch) / ${k ?? "required"} (keras)`;
}

export function signatureHelp(doc: Analysed, offset: number): SignatureHelp | null {
  if (inComment(doc.analysis.ast.comments, offset)) return null;
  const call = callContext(tokensOf(doc.analysis.ast), offset);
  if (!call) return null;
  if (call.name.toLowerCase() === "input") return inputSignature(doc, call.argumentIndex, call.keyword);
  const kind = findLayerKind(call.name);
  let params: { label: string; documentation?: string }[];
  let documentation: string | undefined;
  if (kind) {
    params = kind.args.map((a) => ({ label: describeDefault(a), documentation: a.doc }));
    documentation = kind.doc;
  } else {
    const block = doc.analysis.ast.definitions.find((d) => d.kind === "block" && d.name.text === call.name);
    if (block?.kind !== "block") return null;
    params = block.params.map((p) => ({ label: p.name.text + (p.default ? " = …" : "") }));
  }
  // A keyword argument highlights its own parameter; otherwise the position counts.
  let active = call.argumentIndex;
  if (kind && call.keyword) {
    const spec = findSpec(kind.args, call.keyword);
    if (spec) active = kind.args.indexOf(spec);
  }
  const label = `${call.name}(${params.map((p) => p.label).join(", ")})`;
  return {
    signatures: [
      { label, documentation, parameters: params.map((p) => ({ label: p.label, documentation: p.documentation })) },
    ],
    activeSignature: 0,
    activeParameter: Math.min(active, Math.max(0, params.length - 1)),
  };
}

/**
 * `input(channels, height, width, batch = 1)` in the file's layout (keras: height, width, channels). One to three
 * spatial sizes may be given; the 2-D form is shown, as for most files, and a keyword highlights `batch`.
 */
function inputSignature(doc: Analysed, argumentIndex: number, keyword: string | undefined): SignatureHelp {
  const sizes =
    doc.analysis.framework === "keras"
      ? [
          ["height", "the sample's height (1-D: its length; 3-D: depth, height, width)"],
          ["width", "the sample's width"],
          ["channels", "channels last, as Keras holds them"],
        ]
      : [
          ["channels", "channels first, as PyTorch holds them"],
          ["height", "the sample's height (1-D: its length; 3-D: depth, height, width)"],
          ["width", "the sample's width"],
        ];
  const params = [
    ...sizes.map(([label, documentation]) => ({ label: label!, documentation })),
    { label: "batch = 1", documentation: "the batch size, left out of the shapes shown (batch_size too)" },
  ];
  const batch = keyword !== undefined && /^batch(_size)?$/i.test(keyword);
  return {
    signatures: [
      {
        label: `input(${params.map((p) => p.label).join(", ")})`,
        documentation: `One sample's shape, in the ${doc.analysis.framework} layout; the first statement of a model.`,
        parameters: params,
      },
    ],
    activeSignature: 0,
    activeParameter: batch ? params.length - 1 : Math.min(argumentIndex, sizes.length - 1),
  };
}
