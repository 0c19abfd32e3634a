// Interpolation modes of upsample and resize, and PyTorch's check that a mode fits the input's spatial rank.
import type { LayerContext } from "./kind.js";

/** The modes nn.Upsample and F.interpolate take (align_corners false for all but nearest). */
export const INTERPOLATION_MODES = ["nearest", "bilinear", "linear", "trilinear", "bicubic"];

/** The spatial rank each smooth mode works on; nearest works on any. */
const RANK_OF_MODE: Record<string, number> = { linear: 1, bilinear: 2, bicubic: 2, trilinear: 3 };

/** The (multi)linear mode of a rank: linear, bilinear or trilinear. */
export function linearModeOf(rank: number): string {
  return ["linear", "bilinear", "trilinear"][rank - 1] ?? "bilinear";
}

/**
 * Whether `mode` fits a `rank`-D feature map, as PyTorch checks ("Got 5D input, but bilinear mode needs 4D
 * input"); reported with the mode that does fit otherwise.
 */
export function modeFitsRank(ctx: LayerContext, rank: number, mode: string | undefined): boolean {
  const needs = mode === undefined ? undefined : RANK_OF_MODE[mode];
  if (needs === undefined || needs === rank) return true;
  const fits = rank === 2 ? "bilinear or bicubic" : linearModeOf(rank);
  const its = `its input ${ctx.input.join("×")} has ${rank} spatial ${rank === 1 ? "axis" : "axes"}`;
  ctx.report.error(
    "mode-rank",
    `${ctx.written}: mode ${mode} works on ${needs}-D feature maps, but ${its}: use mode: ${fits} (or nearest)`,
    ctx.args.span("mode"),
  );
  return false;
}
