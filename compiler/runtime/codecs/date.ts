import { layoutPattern } from "../../../language/date-layout.js";
import { readFailure } from "./reasons.js";
import { DUCKDB_TEXT, json, jsonStr, spaceClass, trimText, type JsonSql, type TextSql } from "./sql-text.js";
import type { SqlTextOps } from "./sql-text-ops.js";

/**
 * The date codec. Accepted: `YYYY-MM-DD`, or an ISO timestamp (`T` or a space after the date,
 * then anything: seconds, fraction, zone) whose date as written is used, with surrounding white
 * space; and, when the field declares one, its layout (`date("M/D/YYYY")`), optionally followed by
 * a time. A valid calendar date. Internal value: whole days since 1970-01-01, NaN for missing.
 */

/** The reader: the fast path first, then the declared layout, then the general rules. Module-copied with the functions it calls. */
export function readDate(v: unknown, layout?: string | null): number {
  if (typeof v === "string") {
    const fast = plainDate(v, 0, v.length);
    if (fast === fast) return fast;
    if (layout) {
      const days = layoutDate(v, layout);
      if (days === days) return days;
      try {
        return readDateGeneral(v);
      } catch {
        throw readFailure({ code: "not-a-date", value: v, layout });
      }
    }
  }
  return readDateGeneral(v);
}

/**
 * Each declared layout's pattern and expression, built on first use (the reader runs per cell
 * on exports whose every date is written `11/3/2025`). The module writer defines it too.
 */
export const LAYOUT_READERS = new Map<string, { re: RegExp; year: number; month: number; day: number } | null>();

/** Text in a declared layout (the time after it ignored) as days, NaN when it is not. Self-contained but for LAYOUT_READERS, layoutPattern and daysFromCivil. */
export function layoutDate(text: string, layout: string): number {
  let p = LAYOUT_READERS.get(layout);
  if (p === undefined) {
    const pattern = layoutPattern(layout);
    p = "error" in pattern ? null : { re: new RegExp("^" + pattern.source + "(?:[T ].*)?$", "s"), year: pattern.year, month: pattern.month, day: pattern.day };
    LAYOUT_READERS.set(layout, p);
  }
  if (p === null) return NaN;
  const m = p.re.exec(text.trim());
  if (!m) return NaN;
  const y = Number(m[p.year]);
  const mo = Number(m[p.month]);
  const d = Number(m[p.day]);
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const dim = mo === 2 ? (leap ? 29 : 28) : mo === 4 || mo === 6 || mo === 9 || mo === 11 ? 30 : 31;
  if (mo < 1 || mo > 12 || d < 1 || d > dim || y < 100) return NaN;
  return daysFromCivil(y, mo, d);
}

/** The general rules (the reference the fast path is tested against). Self-contained but for readFailure. */
export function readDateGeneral(v: unknown): number {
  if (v === null || v === undefined) return NaN;
  if (typeof v === "string") {
    const s = v.trim();
    if (s.length === 10 || (s.length > 10 && (s[10] === "T" || s[10] === " "))) {
      const y = Number(s.slice(0, 4));
      const m = Number(s.slice(5, 7));
      const d = Number(s.slice(8, 10));
      if (s[4] === "-" && s[7] === "-" && /^\d{4}-\d\d-\d\d/.test(s) && m >= 1 && m <= 12 && d >= 1) {
        const days = Date.UTC(y, m - 1, d) / 86400000;
        // Date.UTC rolls 2026-02-30 over to March; a real date round-trips.
        if (new Date(days * 86400000).getUTCDate() === d) return days;
      }
    }
    throw readFailure({ code: "not-a-date", value: v });
  }
  if (v instanceof Date && !Number.isNaN(v.getTime())) return Math.floor(v.getTime() / 86400000);
  throw readFailure({ code: "not-a-date", value: JSON.stringify(v) });
}

/** Two decimal digits at s[i], or -1. */
export function digit2(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * The fast path over text `s[a, b)`: `YYYY-MM-DD`, or an ISO timestamp (`T` or a space after the
 * date) whose date part is used, as days since 1970-01-01; NaN for anything else, including years
 * before 100 (which Date.UTC maps to 19xx: the general reader decides those).
 */
export function plainDate(s: string, a: number, b: number): number {
  if (b - a !== 10) {
    if (b - a < 10) return NaN;
    const c = s.charCodeAt(a + 10);
    if (c !== 84 /* T */ && c !== 32) return NaN;
  }
  if (s.charCodeAt(a + 4) !== 45 || s.charCodeAt(a + 7) !== 45) return NaN;
  const hi = digit2(s, a);
  const lo = digit2(s, a + 2);
  const m = digit2(s, a + 5);
  const d = digit2(s, a + 8);
  return plainCalendarDay(hi, lo, m, d);
}

/** Two ASCII digits at buf[i] as a number, or -1. */
function digit2Bytes(buf: Uint8Array, i: number): number {
  const a = buf[i] - 48;
  const b = buf[i + 1] - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** plainDate over UTF-8 bytes `buf[a, b)`: the same spellings, the same NaN for anything else. */
export function plainDateBytes(buf: Uint8Array, a: number, b: number): number {
  if (b - a !== 10) {
    if (b - a < 10) return NaN;
    const c = buf[a + 10];
    if (c !== 84 /* T */ && c !== 32) return NaN;
  }
  if (buf[a + 4] !== 45 || buf[a + 7] !== 45) return NaN;
  const hi = digit2Bytes(buf, a);
  const lo = digit2Bytes(buf, a + 2);
  const m = digit2Bytes(buf, a + 5);
  const d = digit2Bytes(buf, a + 8);
  return plainCalendarDay(hi, lo, m, d);
}

/**
 * The day of a date read as two-digit groups (century `hi`, year `lo`, month, day; -1 for a group
 * that was not two digits), NaN when it is no calendar date or before year 100: the one check of
 * the text and byte fast paths.
 */
export function plainCalendarDay(hi: number, lo: number, m: number, d: number): number {
  if (hi < 0 || lo < 0 || m < 1 || m > 12 || d < 1) return NaN;
  const y = hi * 100 + lo;
  if (y < 100) return NaN;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const dim = m === 2 ? (leap ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
  if (d > dim) return NaN;
  return daysFromCivil(y, m, d);
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(year: number, m: number, d: number): number {
  const y = m <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (m + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * The generated evaluator's inline read of a lead object's date: a plain spelling is read
 * inline, a missing value decided inline, anything else goes to `slow`.
 */
export function dateInlineRead(get: string, slow: string): string {
  return `(typeof (v = ${get}) === "string" && (t = plainDate(v, 0, v.length)) === t ? t : v === undefined || v === null ? NaN : ${slow})`;
}

/** After trimming: `YYYY-MM-DD`, alone or followed by `T` or a space and anything. */
const dateRe = (ops: SqlTextOps) => ops.dotAll(`${spaceClass(ops)}*\\d{4}-\\d\\d-\\d\\d(${spaceClass(ops)}*|[T ].*)`);
const PLAIN_DATE_RE = "\\d{4}-\\d\\d-\\d\\d";

/** SQL reading text `s` as readDate does. */
export function dateFromText(s: string, layout?: string, ops: SqlTextOps = DUCKDB_TEXT): TextSql {
  const exact = `CASE WHEN ${ops.fullMatch(s, dateRe(ops))} THEN ${ops.tryDate(`substr(${trimText(ops, s)}, 1, 10)`)} END`;
  // The same test as a glob where the dialect has a cheap one (DuckDB): no regular expression for a plain date.
  const isPlain = ops.glob ? ops.glob(s, "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]") : ops.fullMatch(s, PLAIN_DATE_RE);
  const plain = `CASE WHEN ${isPlain} THEN ${ops.tryDate(s)} END`;
  return { value: `COALESCE(${plain}, ${exact}${layout ? `, ${layoutSql(s, layout, ops)}` : ""})`, code: ops.lit("not-a-date") };
}

/** SQL reading text `s` in a declared layout, as layoutDate does. */
function layoutSql(s: string, layout: string, ops: SqlTextOps): string {
  const p = layoutPattern(layout);
  if ("error" in p) return "NULL"; // the checker refuses such layouts
  const re = ops.dotAll(`^${p.source}(?:[T ].*)?$`);
  const t = trimText(ops, s);
  const part = (n: number) => ops.group(t, re, n);
  // The parts are digits: the month and day padded to two, they spell `YYYY-MM-DD`. A year
  // before 100 is refused, as in JS (where Date.UTC would move it to 19xx).
  const iso = `${part(p.year)} || '-' || lpad(${part(p.month)}, 2, '0') || '-' || lpad(${part(p.day)}, 2, '0')`;
  return `CASE WHEN ${ops.matches(t, re)} AND ${part(p.year)} >= '0100' THEN ${ops.tryDate(iso)} END`;
}

/** SQL reading a JSON value: only a string can spell a date. */
export function dateFromJson(x: string, layout?: string): JsonSql {
  const t = dateFromText(jsonStr(x), layout);
  // A plain date is read off the JSON text (`"2026-11-22"`, or followed by `T` or a space and
  // anything, as a timestamp is: its first ten characters are the date), without extracting the
  // string (1M dates: 0.13 s of CPU instead of 0.4 s); anything else, or a plain date that is no
  // day, takes the general reading, which reads a plain date first too. (The JSON text of a
  // string ends at its closing quote, so a quote right after the date ends it; an escape there
  // starts with a backslash, which the glob does not take.)
  const plain = `CASE WHEN ${x} GLOB '"[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9][" T]*' THEN TRY_CAST(substr(${x}, 2, 10) AS DATE) END`;
  return { value: `COALESCE(${plain}, CASE WHEN ${json.isString(x)} THEN ${t.value} END)`, code: t.code, shown: json.shown(x) };
}
