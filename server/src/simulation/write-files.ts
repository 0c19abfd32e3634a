// Writes several files as one: every file goes to a temporary name in its own folder first, and only when all of
// them are written are they renamed into place, so a failure (a full disk, a folder that is not there) leaves
// none of them behind, and no earlier file half-replaced.
import { randomBytes } from "node:crypto";
import { lstatSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

export interface FileToWrite {
  path: string;
  data: string | Uint8Array;
}

/** Writes every file or none; throws an Error whose message is the sentence for the user ("nothing was written"). */
export function writeAllOrNone(files: readonly FileToWrite[]): void {
  const problem = firstWriteProblem(files.map((f) => f.path));
  if (problem) throw new Error(`cannot write ${problem.path}: ${problem.text}; nothing was written`);
  const suffix = `.${process.pid}-${randomBytes(4).toString("hex")}.tmp`;
  const written: string[] = [];
  try {
    const pending = files.map((f) => ({ ...f, temp: join(dirname(f.path), `.${basename(f.path)}${suffix}`) }));
    // flag "wx": a temporary name that exists (a link someone placed) is an error, never followed.
    for (const f of pending) {
      writeFileSync(f.temp, f.data, { flag: "wx" });
      written.push(f.temp);
    }
    // Renames within one folder replace the files at once; the temporary files exist, so only they can fail now.
    for (const f of pending) renameSync(f.temp, f.path);
  } catch (e) {
    for (const temp of written) rmSync(temp, { force: true });
    const reason = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new Error(`cannot write ${files.map((f) => f.path).join(" and ")} (${reason}); nothing was written`);
  }
}

/** Why a file cannot be written where it goes: its folder (missing, not a folder) or the path itself. */
export interface WriteProblem {
  path: string;
  where: "folder" | "file";
  text: string;
}

/**
 * The first reason, in the order of `paths`, that one of them cannot be written (each path's folder, then the
 * path), before anything is written: a directory (or a FIFO) where a file goes would fail a later rename after an
 * earlier one had replaced a file. Callers word the sentence.
 */
export function firstWriteProblem(paths: readonly string[]): WriteProblem | undefined {
  for (const path of paths) {
    const folder = folderProblem(dirname(path));
    if (folder) return { path, where: "folder", text: folder };
    const file = notAFile(path);
    if (file) return { path, where: "file", text: file };
  }
  return undefined;
}

/** What is wrong with the folder a file goes to, or undefined when it is a folder. */
function folderProblem(folder: string): string | undefined {
  try {
    return statSync(folder).isDirectory() ? undefined : `${folder} is not a folder`;
  } catch {
    return `its folder ${folder} does not exist`;
  }
}

/** Why an existing `path` cannot be replaced by a file (a directory, a FIFO), or undefined. */
function notAFile(path: string): string | undefined {
  try {
    return lstatSync(path).isDirectory() || !statSync(path).isFile()
      ? `${path} exists and is not a regular file`
      : undefined;
  } catch {
    return undefined;
  }
}
