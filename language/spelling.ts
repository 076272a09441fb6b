/**
 * Names longer than this get no "did you mean": nobody misspells a 200-character name, and
 * comparing a pasted 20,000-character one against every candidate took seconds.
 */
export const MAX_SUGGESTION_LENGTH = 200;

/** Counts the distance-table cells computed, so tests can assert the work done, not the time taken. */
export interface SpellingMeter {
  cells: number;
}

/**
 * Levenshtein distance, or `max + 1` once it is certain to exceed `max`. Only the diagonal band
 * of width 2·max+1 is computed (cells outside it are more than `max` edits away), so the work is
 * O(length · max), not O(length²).
 */
export function editDistance(a: string, b: string, max = Infinity, meter?: SpellingMeter): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (!Number.isFinite(max)) max = Math.max(a.length, b.length);
  const over = max + 1;
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j <= max ? j : over;
  for (let i = 1; i <= a.length; i++) {
    const from = Math.max(1, i - max);
    const to = Math.min(b.length, i + max);
    cur[0] = i <= max ? i : over;
    if (from > 1) cur[from - 1] = over;
    let rowMin = cur[0];
    for (let j = from; j <= to; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      const d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      cur[j] = d > over ? over : d;
      if (cur[j] < rowMin) rowMin = cur[j];
    }
    if (to < b.length) cur[to + 1] = over;
    if (meter) meter.cells += to - from + 1;
    if (rowMin > max) return over;
    [prev, cur] = [cur, prev];
  }
  return prev[b.length] > max ? over : prev[b.length];
}

/**
 * The closest candidate to `name`, or undefined when nothing is close enough.
 * As in TypeScript's getSpellingSuggestion, the allowed distance grows with the name's
 * length (about a third of it), and a case-only difference always wins.
 */
export function closestName(name: string, candidates: Iterable<string>, meter?: SpellingMeter): string | undefined {
  if (name.length > MAX_SUGGESTION_LENGTH) return undefined;
  const lower = name.toLowerCase();
  const maxDistance = Math.max(1, Math.floor(name.length * 0.34));
  let best: string | undefined;
  let bestDistance = maxDistance + 1;
  for (const candidate of candidates) {
    if (candidate === name) continue;
    if (candidate.toLowerCase() === lower) return candidate;
    // A typo in one segment of a dotted path should be judged on the whole path.
    const d = editDistance(lower, candidate.toLowerCase(), bestDistance - 1, meter);
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return best;
}
