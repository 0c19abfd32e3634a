// Reads a model's first statement, `input(3, 224, 224)` or `input(3, 224, 224, batch: 8)`.
import type { Name, Span, Statement } from "../../../grammar/index.js";
import type { Reporter } from "./diagnostics.js";
import type { Framework, Shape } from "./types.js";
import { evaluate, type Value } from "./values.js";

export interface ModelInput {
  /** Undefined when the input line is there but wrong (already reported). */
  shape?: Shape;
  batch: number;
  /** `image: input(…)`: the label under which the input is a tensor of the body. */
  label?: Name;
  span: Span;
}

/** Whether a statement is an `input(…)` line. */
function isInput(s: Statement): boolean {
  const call = s.chain[0];
  return call?.kind === "layer" && call.name.text.toLowerCase() === "input";
}

/**
 * The inputs of a model: its leading `input(…)` lines. With several, each needs a label (the body continues
 * from the first; chains start from the others by their labels), and the first's batch applies to all.
 */
export function readInputs(body: Statement[], framework: Framework, report: Reporter): { inputs: ModelInput[] } {
  const inputs: ModelInput[] = [];
  for (const s of body) {
    if (!isInput(s)) break;
    const one = readInput(s, framework, report)!;
    if (s.label) one.label = s.label;
    inputs.push(one);
  }
  if (inputs.length > 1) {
    for (const one of inputs) {
      if (one.label) continue;
      report.error(
        "input-label",
        "a model with several inputs labels each one, so that chains can start from it: image: input(…)",
        one.span,
      );
    }
    const first = inputs[0]!;
    for (const one of inputs.slice(1))
      if (one.batch !== first.batch && one.batch !== 1)
        report.error("argument-value", `every input has the first one's batch (${first.batch})`, one.span);
  }
  return { inputs };
}

const MAX_RANK = 4;

/** The input of a model, or undefined when its first statement is not `input(…)`. */
export function readInput(
  first: Statement | undefined,
  framework: Framework,
  report: Reporter,
): ModelInput | undefined {
  const call = first?.chain[0];
  if (!first || call?.kind !== "layer" || call.name.text.toLowerCase() !== "input") return undefined;
  if (first.chain.length > 1) {
    report.error(
      "syntax",
      "input(…) stands alone on its statement: put the next layer on its own line",
      first.chain[1]!.span,
    );
  }
  const env = new Map<string, Value | undefined>();
  const dims: number[] = [];
  let batch = 1;
  let ok = true;
  const whole = (v: Value | undefined) => v?.type === "number" && v.integer && v.value >= 1;
  for (const arg of call.args ?? []) {
    const v = evaluate(arg.value, env, report);
    if (arg.key) {
      const key = arg.key.text.toLowerCase();
      if (key === "batch" || key === "batch_size") {
        if (whole(v)) batch = (v as { value: number }).value;
        else {
          report.error("argument-type", "batch must be a whole number ≥ 1", arg.value.span);
        }
      } else {
        report.error("unknown-argument", `input takes the sizes and batch, not '${arg.key.text}'`, arg.key.span);
      }
      continue;
    }
    const items = v?.type === "tuple" ? v.items : [v];
    for (const item of items) {
      if (whole(item)) dims.push((item as { value: number }).value);
      else {
        if (v !== undefined) report.error("argument-type", "input sizes must be whole numbers ≥ 1", arg.value.span);
        ok = false;
      }
    }
  }
  const layout = framework === "pytorch" ? "(C, H, W)" : "(H, W, C)";
  if (ok && dims.length === 0) {
    report.error(
      "argument-count",
      `input needs the sample's shape ${layout}` +
        `, e.g. input(${framework === "pytorch" ? "3, 224, 224" : "224, 224, 3"})`,
      call.span,
    );
    ok = false;
  }
  if (ok && dims.length > MAX_RANK) {
    report.error(
      "argument-count",
      `input has ${dims.length} sizes` +
        `: give the channels and 1 to 3 spatial sizes ${layout}, without the batch (use batch: N)`,
      call.span,
    );
    ok = false;
  }
  return ok ? { shape: dims, batch, span: first.span } : { batch, span: first.span };
}
