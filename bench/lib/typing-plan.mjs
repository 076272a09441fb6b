// Where bench/vscode-typing.mjs types, and how it sums up what it measured (pure functions).

/**
 * Where to type: right before the first digit of the first `>= <number>` after a criterion in
 * the file (digits typed there, then deleted, keep it valid; an `x` there is an error). 1-based.
 */
export function typingSpot(text) {
  const from = text.indexOf("criterion ");
  const m = /(>=\s*)\d/g;
  m.lastIndex = Math.max(0, from);
  const hit = m.exec(text);
  if (!hit) throw new Error("no `>= <number>` to type into");
  const offset = hit.index + hit[1].length;
  const before = text.slice(0, offset).split("\n");
  return { offset, line: before.length, column: before[before.length - 1].length + 1, fraction: before.length / text.split("\n").length };
}

/** The q-quantile (0–1) of the finite values in `xs`, linearly interpolated; NaN when there are none. */
export function quantile(xs, q) {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const i = (s.length - 1) * q;
  return s[Math.floor(i)] + (s[Math.ceil(i)] - s[Math.floor(i)]) * (i - Math.floor(i));
}
/** One decimal, or null for a missing number (JSON has no NaN). */
export const round1 = (x) => (Number.isFinite(x) ? Math.round(x * 10) / 10 : null);
/** Median, p95, max and count of a list of times. */
export const stats = (xs) => ({ median: round1(quantile(xs, 0.5)), p95: round1(quantile(xs, 0.95)), max: round1(Math.max(...xs.filter(Number.isFinite))), n: xs.length });

