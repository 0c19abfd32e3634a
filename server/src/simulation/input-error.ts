// The one error a reader of a user's file throws: the file's path, and a sentence saying what is wrong with it.

/**
 * A file the simulation could not use. `unreadable` files were never read (missing, a directory, a FIFO,
 * a device, no permission); the others were read and their content is wrong. The message is the
 * sentence a user sees: `cannot read PATH: REASON` or `PATH: REASON`.
 */
export class InputFileError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
    readonly unreadable: boolean,
  ) {
    super(unreadable ? `cannot read ${path}: ${reason}` : `${path}: ${reason}`);
    this.name = "InputFileError";
  }
}

/** A byte count in the unit a person reads at a glance (B, KiB, MiB, GiB). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** A name from a file, quoted when it holds characters that would garble a one-line message. */
export function quoteName(name: string): string {
  return /^[\w.\-/:[\]]{1,200}$/.test(name)
    ? name
    : JSON.stringify(name.length > 200 ? `${name.slice(0, 200)}…` : name);
}
