// Binds a block use's arguments to the block's parameters, defaults included.
import type { BlockDef, LayerCall } from "../../../grammar/index.js";
import type { Reporter } from "./diagnostics.js";
import { didYouMean } from "./suggest.js";
import { evaluate, type Environment, type Value } from "./values.js";

/** The environment a block body runs in. Missing or unknown arguments are reported and read as unknown. */
export function bindBlockArgs(block: BlockDef, call: LayerCall, callerEnv: Environment, report: Reporter): Environment {
  const env = new Map<string, Value | undefined>();
  const params = block.params;
  const given = new Set<string>();
  let position = 0;
  for (const arg of call.args ?? []) {
    let name: string | undefined;
    if (arg.key) {
      name = params.find((p) => p.name.text === arg.key!.text)?.name.text;
      if (!name) {
        report.error(
          "unknown-argument",
          `block ${block.name.text} has no parameter '${arg.key.text}'${
            didYouMean(
              arg.key.text,
              params.map((p) => p.name.text),
            ) || ` (its parameters: ${params.map((p) => p.name.text).join(", ") || "none"})`
          }`,
          arg.key.span,
        );
        continue;
      }
    } else {
      name = params[position++]?.name.text;
      if (!name) {
        report.error(
          "argument-count",
          `block ${block.name.text} takes ${params.length} argument${params.length === 1 ? "" : "s"}` +
            ` (${params.map((p) => p.name.text).join(", ") || "none"}` +
            `): remove this one`,
          arg.span,
        );
        continue;
      }
    }
    if (given.has(name)) {
      report.error("duplicate-argument", `${name} is given twice: remove one`, arg.span);
      continue;
    }
    given.add(name);
    env.set(name, evaluate(arg.value, callerEnv, report));
  }
  for (const p of params) {
    if (given.has(p.name.text)) continue;
    if (p.default) {
      // Defaults may refer to earlier parameters (`block B(c, mid = c // 4)`).
      env.set(p.name.text, evaluate(p.default, env, report));
    } else {
      report.error(
        "argument-count",
        `block ${block.name.text} needs ${p.name.text}: write ${block.name.text}(${params
          .filter((q) => !q.default)
          .map((q) => q.name.text)
          .join(", ")})`,
        call.span,
      );
      env.set(p.name.text, undefined);
    }
  }
  return env;
}
