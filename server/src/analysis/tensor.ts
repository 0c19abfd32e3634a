// Where channels and spatial axes sit in a shape, for each framework's layout.
import type { Framework, Shape } from "./types.js";

/** Index of the channel axis: first for pytorch (C, H, W), last for keras (H, W, C). */
export function channelAxis(shape: Shape, fw: Framework): number {
  return fw === "pytorch" ? 0 : shape.length - 1;
}

export function channels(shape: Shape, fw: Framework): number {
  return shape[channelAxis(shape, fw)]!;
}

/**
 * Where the file layout's channel axis sits in a tensor that `permute` may have reordered (`order[i]` is the
 * layout's axis at position i): ConvNeXt's block holds the channels last between its two permutes.
 */
export function channelPosition(shape: Shape, fw: Framework, order?: readonly number[]): number {
  const axis = channelAxis(shape, fw);
  return order ? order.indexOf(axis) : axis;
}

/** The spatial sizes, in order (H, W for 2-D), whatever the layout. */
export function spatial(shape: Shape, fw: Framework): number[] {
  return fw === "pytorch" ? shape.slice(1) : shape.slice(0, -1);
}

/** Builds a shape in the framework's layout from channels and spatial sizes. */
export function makeShape(c: number, sizes: number[], fw: Framework): Shape {
  return fw === "pytorch" ? [c, ...sizes] : [...sizes, c];
}

export function elements(shape: Shape): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** `64×112×112`, as the inlay hints and tables show shapes. */
export function formatShape(shape: Shape | undefined): string {
  return shape ? shape.join("×") : "?";
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

const axisNames: Record<number, string[]> = { 1: ["L"], 2: ["H", "W"], 3: ["D", "H", "W"] };

/** The conventional name of spatial axis `i` of `rank` (L; H, W; D, H, W). */
export function axisName(i: number, rank: number): string {
  return axisNames[rank]?.[i] ?? `axis ${i}`;
}
