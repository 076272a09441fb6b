/**
 * A sum of doubles that is exact until it is read: the running total is kept as a short list of
 * non-overlapping partial sums (Shewchuk's algorithm, as Python's math.fsum), and read correctly
 * rounded. Floating-point addition is not associative, so a plain running total depends on the
 * order the values came in; this one does not, which is what lets the report's workers sum their
 * pieces separately and the main thread merge them into exactly the single-threaded mean.
 */
export class ExactSum {
  /** Non-overlapping partial sums, smallest magnitude first; their exact sum is the total. */
  private partials: number[] = [];
  /** Infinities and NaNs, summed plainly: the total is theirs once one is added. */
  private nonFinite = 0;

  /** Adds one value. */
  add(x: number): void {
    if (!Number.isFinite(x)) {
      this.nonFinite += x;
      return;
    }
    const p = this.partials;
    let i = 0;
    for (let j = 0; j < p.length; j++) {
      let y = p[j];
      if (Math.abs(x) < Math.abs(y)) [x, y] = [y, x];
      const hi = x + y;
      const lo = y - (hi - x);
      if (lo !== 0) p[i++] = lo;
      x = hi;
    }
    p.length = i;
    p.push(x);
  }

  /** The state as plain data (structured-clone safe), for merge. */
  parts(): number[] {
    return this.nonFinite === 0 ? [...this.partials] : [...this.partials, this.nonFinite];
  }

  /** Adds another sum's parts (from `parts()`): the result is exactly the sum of both. */
  merge(parts: readonly number[]): void {
    for (const x of parts) this.add(x);
  }

  /** The total, correctly rounded to the nearest double (ties to even). */
  value(): number {
    if (this.nonFinite !== 0) return this.nonFinite;
    const p = this.partials;
    let n = p.length;
    if (n === 0) return 0;
    let hi = p[--n];
    let lo = 0;
    while (n > 0) {
      const x = hi;
      const y = p[--n];
      hi = x + y;
      lo = y - (hi - x);
      if (lo !== 0) break;
    }
    // Half-way cases: the partials below decide which way `hi + lo` rounds.
    if (n > 0 && ((lo < 0 && p[n - 1] < 0) || (lo > 0 && p[n - 1] > 0))) {
      const y = lo * 2;
      const x = hi + y;
      if (y === x - hi) hi = x;
    }
    return hi;
  }
}
