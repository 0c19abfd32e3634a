// Class names for the top-k of a simulation: a labels file with one name per line (ImageNet's synsets, say).
import { InputFileError } from "./input-error.js";
import { readRegularFile } from "./read-file.js";

/** Far above ImageNet-21k's names (about 1 MB); a larger "labels file" is the wrong file. */
const maxLabelsBytes = 16 * 1024 * 1024;

/** The class names of a labels file, line i naming class i; white space around a name is dropped. */
export function readLabels(path: string): string[] {
  const bytes = readRegularFile(path, maxLabelsBytes);
  if (bytes.includes(0)) throw new InputFileError(path, "is not a text file with one class name per line", false);
  const lines = bytes.toString("utf8").split(/\r?\n/);
  // A file that ends with a newline has no empty class after it.
  if (lines.at(-1) === "") lines.pop();
  return lines.map((l) => l.trim());
}

/** A sentence when the labels do not name exactly the output's classes, undefined when they do. */
export function labelsMismatch(labels: readonly string[], classes: number): string | undefined {
  if (labels.length === classes) return undefined;
  return (
    `the labels file names ${labels.length} classes and the output has ${classes}: ` +
    (labels.length < classes ? "classes past its last line are shown by index" : "its extra lines are ignored")
  );
}
