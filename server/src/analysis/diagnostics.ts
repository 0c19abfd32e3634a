// Diagnostic codes and the reporter that the analysis writes them to.
import type { Span } from "../../../grammar/index.js";
import type { Diagnostic, RelatedInfo, Severity } from "./types.js";

/**
 * Every diagnostic code, stable across versions: tests, quick fixes and users' suppressions rely on them.
 * The comment says when each is given.
 */
export const Codes = {
  syntax: "a syntax error",
  lexer: "a character that the language does not use",
  nesting: "brackets or signs nested too deep",
  "unknown-layer": "a layer kind or block that does not exist",
  "unknown-argument": "a keyword argument the layer does not take",
  "unknown-label": "a label that is not defined before its use",
  "duplicate-label": "a label defined twice in one model or block",
  "duplicate-definition": "two models or blocks with one name",
  "invalid-label": "a quoted label that is empty or holds a dot, a quote, white space or a control character",
  "name-collision": "a label equal to an automatic name (conv1, B1, repeat1) in the same scope, or two such names",
  "duplicate-argument": "an argument given twice",
  "argument-count": "too many positional arguments, or a required one missing",
  "argument-type": "an argument of the wrong type or with the wrong number of per-axis values",
  "argument-value": "an argument outside its allowed values",
  "number-range": "a number too large to be exact, or infinite",
  "division-by-zero": "a division by zero in an argument",
  "missing-input": "a model that does not start with input(…)",
  "misplaced-input": "input(…) anywhere but the first statement of a model",
  "input-rank": "a layer applied to a tensor of the wrong rank",
  "output-size": "an output size of zero or less",
  "kernel-too-large": "a kernel larger than the padded input",
  "groups-mismatch": "groups that do not divide the channels",
  "single-value": "a group or instance normalisation whose every statistic is over one value (PyTorch refuses)",
  "output-padding": "output_padding not smaller than stride or dilation",
  "pool-padding": "pool padding greater than half the kernel",
  "stride-dilation": "keras: a stride and a dilation both above 1",
  "same-stride": "pytorch: padding same with a stride above 1",
  "shape-mismatch": "shapes that an add or residual cannot merge",
  "concat-mismatch": "shapes that concat cannot join",
  "broadcast-mismatch": "shapes that mul or gate cannot multiply (axes neither equal nor 1)",
  "split-mismatch": "split parts that do not divide the channels, or sizes that do not sum to them",
  "misplaced-output": "output(…) in a block, in a chain, or before the tensors it names",
  "input-label": "a model with several inputs where one is not labelled",
  "unused-result": "a chain whose result is never used (not continued, merged, labelled and used, or an output)",
  "block-hides-layer": "a block named like a layer kind: in this file the block is used instead",
  "recursive-block": "a block that uses itself",
  "dense-not-flat": "dense on a tensor that is not flat (acts on the last axis)",
  "permuted-layout": "a layer that needs the channel axis in place (conv, pools, batchnorm) on a permuted tensor",
  "mode-rank": "an interpolation mode that does not fit the input's spatial rank (bilinear on a 3-D input)",
  "inexact-division": "an output-size division that drops rows or columns",
  framework: "an unknown or misplaced framework line",
  "rf-misaligned": "merged paths whose receptive fields are not aligned",
  "too-large": "a model that expands to more layers than the analysis allows",
  "size-overflow": "a size, parameter count, MACs or memory past 2^53 − 1; a receptive field out of range",
} as const;

export type Code = keyof typeof Codes;

/** Collects diagnostics; used by every part of the analysis so none of them throws on bad input. */
export class Reporter {
  readonly diagnostics: Diagnostic[] = [];
  private readonly seen = new Set<string>();

  /** A reporter that has already reported `earlier` (a walk resumed after an edit starts from them). */
  static continuing(earlier: readonly Diagnostic[]): Reporter {
    const report = new Reporter();
    for (const d of earlier) report.adopt(d);
    return report;
  }

  /** Appends a diagnostic made earlier: by the walk a resumed one continues, or that it joins (model.ts). */
  adopt(d: Diagnostic): void {
    this.seen.add(keyOf(d.code, d.span, d.message));
    this.diagnostics.push(d);
  }

  add(
    severity: Severity,
    code: Code,
    message: string,
    span: Span,
    related?: RelatedInfo[],
    data?: Record<string, unknown>,
  ): void {
    // A block used many times would repeat the same mistake at the same place; one copy is enough.
    const key = keyOf(code, span, message);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const d: Diagnostic = { severity, code, message, span };
    if (related && related.length > 0) d.related = related;
    if (data) d.data = data;
    this.diagnostics.push(d);
  }

  error(code: Code, message: string, span: Span, related?: RelatedInfo[], data?: Record<string, unknown>): void {
    this.add("error", code, message, span, related, data);
  }

  warning(code: Code, message: string, span: Span, related?: RelatedInfo[], data?: Record<string, unknown>): void {
    this.add("warning", code, message, span, related, data);
  }

  info(code: Code, message: string, span: Span, related?: RelatedInfo[], data?: Record<string, unknown>): void {
    this.add("information", code, message, span, related, data);
  }
}

function keyOf(code: string, span: Span, message: string): string {
  return `${code}|${span.start}|${span.end}|${message}`;
}
