// "Did you mean": the closest known word to a misspelt one.
import { distance } from "fastest-levenshtein";

/** The candidate nearest to `word` (case-insensitive), if it is close enough to be a plausible typo. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(lower, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  // A swap of two letters costs two edits (`covn` → `conv`), so short words allow two; `x` never becomes `relu`.
  const allowed = lower.length <= 3 ? 1 : lower.length <= 8 ? 2 : 3;
  return best !== undefined && bestDistance <= allowed ? best : undefined;
}

/** ", did you mean 'x'?" or nothing. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const c = closest(word, candidates);
  return c ? `: did you mean '${c}'?` : "";
}
