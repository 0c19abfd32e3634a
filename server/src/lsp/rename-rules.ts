// Which new names a rename may give a block or a label; a refusal says why and what to do instead.
import { LSPErrorCodes, ResponseError } from "vscode-languageserver";
import type { FileAst, Span } from "../../../grammar/index.js";
import { keywordNames } from "../../../grammar/index.js";
import { findLayerKind } from "../analysis/layers/index.js";
import type { LineIndex } from "../text/line-index.js";
import type { Reference } from "./references.js";

const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Longer names are certainly not typed by a person; the cap keeps a rename's edit small. */
const MAX_NAME_LENGTH = 200;

/**
 * Throws a ResponseError (RequestFailed, shown to the user) when `newName` would not parse, would be read as
 * something else (a reserved word, a layer kind, `input`), or would collide with a name already in use.
 */
export function checkNewName(
  target: Reference,
  newName: string,
  refs: Reference[],
  ast: FileAst,
  index: LineIndex,
): void {
  const refuse = (why: string) => {
    throw new ResponseError(
      LSPErrorCodes.RequestFailed,
      `Cannot rename '${target.name}' to '${clip(newName)}': ${why}.`,
    );
  };
  if (newName === target.name) return;
  if (newName.length > MAX_NAME_LENGTH) refuse(`a name has at most ${MAX_NAME_LENGTH} characters`);
  if (!identifier.test(newName)) refuse("a name starts with a letter or '_' and goes on with letters, digits and '_'");
  if (keywordNames.includes(newName)) refuse(`'${newName}' is a reserved word of the language; choose another name`);
  if (findLayerKind(newName) || newName.toLowerCase() === "input") {
    refuse(`'${newName}' is a layer kind, so a bare '${newName}' would read as that layer; choose another name`);
  }
  const line = (span: Span) => index.position(span.start).line + 1;
  for (const def of ast.definitions) {
    if (def.kind !== "framework" && def.name.text === newName) {
      refuse(`${def.kind} '${newName}' already exists (line ${line(def.name.span)}); choose a name that is not in use`);
    }
  }
  // A label may not take a block's name (a bare word would become ambiguous), nor a label's in its scope;
  // a block may not take the name of any label, since a bare word at a chain's start means the label.
  for (const r of refs) {
    if (r.kind !== "label" || !r.definition || r.name !== newName) continue;
    if (target.kind === "block" || r.scope?.start === target.scope?.start) {
      refuse(`label '${newName}' already exists (line ${line(r.span)}); choose a name that is not in use there`);
    }
  }
}

function clip(name: string): string {
  return name.length > 40 ? `${name.slice(0, 40)}…` : name;
}
