// How the walk names what it meets: labels, `seq` indices and automatic `<kind><n>` names, and their collisions.
import type { Name, Span } from "../../../grammar/index.js";
import type { Scope } from "./scope.js";
import type { Slot, WalkContext } from "./walk-context.js";

/**
 * The full dotted name of a layer, block use, repeat or group in `slot` of `scope`, reported when another name
 * of the scope is the same: the exports would write one module over the other, and weights would load twice.
 * A label names the thing itself and is not counted in `<kind><n>` (so `conv1: conv(…)` then `conv(…)` would
 * both be conv1: the second is reported, with the fix).
 */
export function takeName(kind: string, span: Span, scope: Scope, ctx: WalkContext, slot: Slot): string {
  if (slot && "fixed" in slot) return slot.fixed;
  const label = slot && "label" in slot ? slot.label : undefined;
  const local = label ? label.text : slot ? scope.nextIndex() : scope.nextName(kind).slice(scope.prefix.length);
  const full = scope.prefix + local;
  const earlier = scope.claim(local, { span: label?.span ?? span, label: label !== undefined, position: 0 });
  // Two labels of one name are a duplicate label, reported where the second is defined.
  if (!earlier || (label && earlier.label)) return full;
  reportCollision(local, label, span, earlier, scope, ctx);
  return full;
}

function reportCollision(
  local: string,
  label: Name | undefined,
  span: Span,
  earlier: { span: Span; label: boolean },
  scope: Scope,
  ctx: WalkContext,
): void {
  // Said the same way in every use of a block, so that a block used many times gives one diagnostic.
  const group = scope.prefix.slice(scope.owner.length, -1);
  const where = group ? `'${group}'` : scope.prefix ? "this block" : "this model";
  if (label || earlier.label) {
    const labelSpan = label ? label.span : earlier.span;
    const other = label ? earlier.span : span;
    const message =
      `the label '${local}' is also the automatic name of another layer in ${where}, so the two would share one ` +
      `name in the exports and in weights files: rename the label (e.g. '${local}_main'), or label the other ` +
      "layer too (a labelled layer is not counted in the automatic names)";
    ctx.report.error("name-collision", message, labelSpan, [
      { span: other, message: `this one is named '${local}' automatically` },
    ]);
  } else {
    const message =
      `two layers of ${where} are both named '${local}' automatically (a block's name plus a number equals ` +
      "another's, or a quoted label equals an index of the seq): label one of them, or rename a block";
    ctx.report.error("name-collision", message, span, [
      { span: earlier.span, message: `this one is named '${local}' too` },
    ]);
  }
}

/**
 * A quoted label (`"block1-0":`) becomes a part of dotted names, and a key in every export: it may hold any
 * character but a dot (which separates the parts), a quote, a backslash, white space or a control character.
 */
export function checkQuotedLabel(label: Name, ctx: WalkContext): boolean {
  if (!label.quoted) return true;
  const bad = label.text === "" ? "nothing" : /[.\s"\\\p{Cc}\p{Cf}]/u.exec(label.text)?.[0];
  if (bad === undefined) return true;
  const what = bad === "nothing" ? "is empty" : `holds ${bad === "." ? "a dot" : JSON.stringify(bad)}`;
  ctx.report.error(
    "invalid-label",
    `the quoted label "${label.text}" ${what}: a label is one part of a layer's dotted name` +
      " (write letters, digits, '_' or '-', e.g. \"block1-0\")",
    label.span,
  );
  return false;
}
