/**
 * The one rounding of points per event (`per` score lines): half away from zero to 2 decimals,
 * after rounding to 6 decimals so that float noise (a `pow` one unit in the last place apart
 * between engines, a sum taken in another order) cannot flip a cent. The generated evaluator
 * embeds this function's source; the SQL emitter writes the same steps (compiler/sql).
 */
export function round2(x: number): number {
  const n = Math.floor(Math.abs(x) * 1e6 + 0.5);
  const r = Math.floor((n + 5000) / 10000) / 100;
  return x < 0 ? -r : r;
}

/** What one event is worth on a `per` line: P, times (1 − R/100) once per whole D days of its age. */
export function eventWorth(weight: number, ageDays: number, decay: { factor: number; every: number } | undefined): number {
  return decay ? weight * Math.pow(decay.factor, Math.floor(ageDays / decay.every)) : weight;
}
