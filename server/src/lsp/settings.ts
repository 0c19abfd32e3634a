// The extension's settings as the server reads them (contributed in package.json under `cnnlens.*`).
import type { InlayHintSettings } from "./inlay-hints.js";

export interface Settings {
  inlayHints: InlayHintSettings;
  hoverDetail: "full" | "short";
  framework: "pytorch" | "keras";
  /** The simulation's memory budget (its estimated peak above the process's baseline), in MiB. */
  memoryBudgetMiB: number;
}

export const defaultSettings: Settings = {
  inlayHints: { shapes: true, params: false },
  hoverDetail: "full",
  framework: "pytorch",
  memoryBudgetMiB: 4096,
};

/** Reads whatever the client sent, falling back to the defaults for anything missing or malformed. */
export function readSettings(raw: unknown): Settings {
  const r = (raw ?? {}) as {
    inlayHints?: Partial<InlayHintSettings>;
    hoverDetail?: string;
    framework?: string;
    simulation?: { memoryBudget?: unknown; memoryBudgetMiB?: unknown };
  };
  // `memoryBudgetMiB` was the setting's first name (its title read "Memory Budget Mi B"); it is still read.
  const budget = r.simulation?.memoryBudget ?? r.simulation?.memoryBudgetMiB;
  return {
    inlayHints: {
      shapes: typeof r.inlayHints?.shapes === "boolean" ? r.inlayHints.shapes : defaultSettings.inlayHints.shapes,
      params: typeof r.inlayHints?.params === "boolean" ? r.inlayHints.params : defaultSettings.inlayHints.params,
    },
    hoverDetail: r.hoverDetail === "short" ? "short" : "full",
    framework: r.framework === "keras" ? "keras" : "pytorch",
    memoryBudgetMiB: typeof budget === "number" && budget > 0 ? budget : defaultSettings.memoryBudgetMiB,
  };
}
