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
  // Allow about one edit in three letters: `covn` → `conv`, but not `x` → `relu`.
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(lower.length / 3)) ? best : undefined;
}

/** ", did you mean 'x'?" or nothing. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const c = closest(word, candidates);
  return c ? `: did you mean '${c}'?` : "";
}
