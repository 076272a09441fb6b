/**
 * The order of lead ids that the merge join of `--events` relies on (sorted-event-file.ts).
 * It is decided once per run from every id in the leads and the merged events files: numeric
 * when each is an integer written canonically (`-?(0|[1-9][0-9]*)`, so `7` and `007` are never
 * both in play: numeric order must agree with the text equality the join matches on), else the
 * code-point order of the text (UTF-8 byte order: what `ORDER BY id` gives on text in DuckDB,
 * PostgreSQL with `COLLATE "C"`, and `LC_ALL=C sort`).
 */

export type IdOrder = "numeric" | "string";

const INTEGER = /^-?(?:0|[1-9][0-9]*)$/;

/** Whether `id` is an integer written without sign noise or leading zeros. */
export function isIntegerId(id: string): boolean {
  return INTEGER.test(id);
}

/** Compares two canonical integers of any length (no precision is lost past 2^53). */
function compareIntegers(a: string, b: string): number {
  const na = a.charCodeAt(0) === 45;
  const nb = b.charCodeAt(0) === 45;
  if (na !== nb) return na ? -1 : 1;
  const magnitude = a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
  return na ? -magnitude : magnitude;
}

/**
 * Code-point order. JavaScript's `<` compares UTF-16 units, which puts U+E000–U+FFFF after the
 * astral characters; code-point (and UTF-8 byte) order puts them before.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      // Surrogates (astral characters) move above U+E000–U+FFFF.
      x = x < 0xe000 ? x + 0x2000 : x - 0x800;
      y = y < 0xe000 ? y + 0x2000 : y - 0x800;
    }
    return x - y;
  }
  return a.length - b.length;
}

/** Negative, zero or positive as `a` sorts before, with or after `b` in `order`. */
export function compareIds(order: IdOrder, a: string, b: string): number {
  return order === "numeric" ? compareIntegers(a, b) : compareCodePoints(a, b);
}

/** The first place a file's ids go backwards in one order. */
export interface OrderBreak {
  line: number;
  previous: string;
  id: string;
}

/**
 * Watches the ids of one file in file order, for both orders at once (the order is chosen only
 * when every file has been seen): whether all are integers, and where each order first breaks.
 */
export class IdOrderCheck {
  allIntegers = true;
  ids = 0;
  readonly breaks: { numeric?: OrderBreak; string?: OrderBreak } = {};
  private previous: string | undefined;

  constructor(readonly path: string) {}

  /** The next id of the file, on `line`. */
  add(id: string, line: number): void {
    this.ids++;
    const integer = this.allIntegers && isIntegerId(id);
    if (!integer) this.allIntegers = false;
    const previous = this.previous;
    this.previous = id;
    if (previous === undefined || previous === id) return;
    if (!this.breaks.string && compareCodePoints(previous, id) > 0) this.breaks.string = { line, previous, id };
    if (integer && !this.breaks.numeric && compareIntegers(previous, id) > 0) this.breaks.numeric = { line, previous, id };
  }
}

/** The order for files whose ids were watched: numeric only when every id of every file is an integer. */
export function chooseIdOrder(checks: readonly IdOrderCheck[]): IdOrder {
  return checks.every((c) => c.allIntegers) ? "numeric" : "string";
}
