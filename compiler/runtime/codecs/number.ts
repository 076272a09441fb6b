import { readFailure } from "./reasons.js";
import { DUCKDB_TEXT, json, jsonStr, spaceClass, type JsonSql, type TextSql } from "./sql-text.js";
import type { SqlTextOps } from "./sql-text-ops.js";

/**
 * The number and integer codec. Accepted: JSON numbers; text as exports write it — an optional
 * sign, a currency symbol (`$ € £ ¥`) or a three-letter code (`USD `) before or after, digits
 * with or without grouping (`1,200,000.50`; with `decimalComma`, `1.200.000,50`), a fraction,
 * an exponent, surrounding white space. An integer must be whole (`2500.0` is 2500). Internal
 * value: a JS number, NaN for missing.
 */

/**
 * The accepted text, as a regular expression source that JavaScript and RE2 (DuckDB) read
 * alike; `space` is the white-space class. Groups: 1 and 2 the signs (before and after a leading
 * currency: at most one may be written), 3 the digits. Self-contained: module-copied.
 */
export function numberPattern(space: string, decimalComma: boolean): string {
  const currency = "(?:[$€£¥]|[A-Z]{3}" + space + ")";
  const digits = decimalComma
    ? "(?:\\d{1,3}(?:\\.\\d{3})+(?:,\\d*)?|\\d+(?:,\\d*)?|,\\d+)"
    : "(?:\\d{1,3}(?:,\\d{3})+(?:\\.\\d*)?|\\d+\\.?\\d*|\\.\\d+)";
  const trailing = "(?:[$€£¥]|[A-Z]{3})";
  return "^" + space + "*([+-]?)" + space + "*(?:" + currency + space + "*)?([+-]?)(" + digits + "(?:[eE][+-]?\\d+)?)" + space + "*(?:" + trailing + ")?" + space + "*$";
}

/**
 * The accepted text compiled once (the general reader runs per cell on exports whose every
 * number is written `$1,200.00`). The module writer defines the same constants (RUNTIME_CONSTANTS).
 */
export const NUMBER_TEXT = new RegExp(numberPattern("\\s", false));
export const NUMBER_TEXT_DECIMAL_COMMA = new RegExp(numberPattern("\\s", true));

/** The general reader. Self-contained but for NUMBER_TEXT* and readFailure: module-copied. */
export function readNumber(v: unknown, integer: boolean, decimalComma = false): number {
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw readFailure({ code: "not-a-number", value: String(v) });
    if (integer && !Number.isInteger(v)) throw readFailure({ code: "not-a-whole-number", value: String(v) });
    return v;
  }
  if (v === null || v === undefined) return NaN;
  if (typeof v === "string") {
    const m = (decimalComma ? NUMBER_TEXT_DECIMAL_COMMA : NUMBER_TEXT).exec(v);
    if (m && !(m[1] && m[2])) {
      const plain = decimalComma ? m[3].replace(/\./g, "").replace(",", ".") : m[3].replace(/,/g, "");
      const n = Number((m[1] || m[2]) + plain);
      if (integer && !Number.isInteger(n)) throw readFailure({ code: "not-a-whole-number", value: v });
      return n;
    }
  }
  throw readFailure({ code: integer ? "not-a-whole-number" : "not-a-number", value: typeof v === "string" ? v : JSON.stringify(v) });
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * The fast path over text `s[a, b)`: a plain decimal (`-12`, `3.5`, `.5`, `7.`) of at most 15
 * digits, or NaN for anything else (the general reader then decides). m / 10^k with m < 2^53 and
 * k <= 22 is exactly the correctly rounded value Number() gives.
 */
export function plainDecimal(s: string, a: number, b: number): number {
  let i = a;
  let neg = false;
  if (s.charCodeAt(i) === 45) {
    neg = true;
    i++;
  }
  let m = 0;
  let digits = 0;
  let k = 0;
  let c = 0;
  while (i < b && (c = s.charCodeAt(i) - 48) >= 0 && c <= 9) {
    m = m * 10 + c;
    digits++;
    i++;
  }
  if (i < b && s.charCodeAt(i) === 46) {
    i++;
    while (i < b && (c = s.charCodeAt(i) - 48) >= 0 && c <= 9) {
      m = m * 10 + c;
      digits++;
      k++;
      i++;
    }
  }
  if (i !== b || digits === 0 || digits > 15) return NaN;
  const v = k === 0 ? m : m / POW10[k];
  return neg ? -v : v;
}

/**
 * plainDecimal over UTF-8 bytes `buf[a, b)`, with `point` the decimal separator's byte (`.`, or
 * `,` for decimal-comma exports, whose plain spelling `-1234,5` the general reader takes as
 * -1234.5): NaN for anything but a plain decimal of at most 15 digits.
 */
export function plainDecimalBytes(buf: Uint8Array, a: number, b: number, point: number): number {
  let i = a;
  let neg = false;
  if (buf[i] === 45) {
    neg = true;
    i++;
  }
  let m = 0;
  let digits = 0;
  let k = 0;
  let c = 0;
  while (i < b && (c = buf[i] - 48) >= 0 && c <= 9) {
    m = m * 10 + c;
    digits++;
    i++;
  }
  if (i < b && buf[i] === point) {
    i++;
    while (i < b && (c = buf[i] - 48) >= 0 && c <= 9) {
      m = m * 10 + c;
      digits++;
      k++;
      i++;
    }
  }
  if (i !== b || digits === 0 || digits > 15) return NaN;
  const v = k === 0 ? m : m / POW10[k];
  return neg ? -v : v;
}

/** The generated evaluator's inline test for a lead object's value `v` (already a JSON number of the right kind). */
export function numberInlineTest(integer: boolean, get: string): string {
  // v - v === 0 excludes NaN and ±Infinity, which no data file can hold.
  return integer ? `Number.isInteger(v = ${get})` : `typeof (v = ${get}) === "number" && v - v === 0`;
}

/** A number with nothing to trim or strip: a cast then reads it as `Number` does (unless it overflows). */
const PLAIN_NUMBER_RE = "[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?";

/** SQL reading text `s` as readNumber does (wholeness is checked by the engine, on the value). */
export function numberFromText(integer: boolean, s: string, decimalComma = false, ops: SqlTextOps = DUCKDB_TEXT): TextSql {
  const re = numberPattern(spaceClass(ops), decimalComma);
  const group = (n: number) => ops.group(s, re, n);
  const digits = decimalComma ? `replace(replace(${group(3)}, '.', ''), ',', '.')` : `replace(${group(3)}, ',', '')`;
  const text = `${group(1)} || ${group(2)} || ${digits}`;
  // Overflow: JS `Number` gives ±Infinity where a cast gives NULL.
  const exact = `CASE WHEN ${ops.matches(s, re)} AND (${group(1)} = '' OR ${group(2)} = '') THEN COALESCE(${ops.tryDouble(text)}, CASE WHEN ${ops.startsWith(text, "'-'")} THEN ${ops.infinity(true)} ELSE ${ops.infinity(false)} END) END`;
  const plain = decimalComma ? "NULL" : `CASE WHEN ${ops.fullMatch(s, PLAIN_NUMBER_RE)} THEN ${ops.tryDouble(s)} END`;
  const readings = [plain, exact];
  if (ops.glob) {
    // Most cells are digits, perhaps with a point or a minus sign: where the dialect has a cheap
    // glob, such a cell goes straight to the cast, without a regular expression (~0.07 s per
    // million cells in DuckDB). Over these characters the cast gives what the readings below
    // give, or NULL (`1.2.3`, `-`, an overflow), and they then decide: a test holds it. With a
    // decimal comma a point groups thousands, so only digits and minus signs take this path.
    const chars = decimalComma ? "-0-9" : "-0-9.";
    readings.unshift(`CASE WHEN NOT ${ops.glob(s, `*[!${chars}]*`)} THEN ${ops.tryDouble(s)} END`);
  }
  return { value: `COALESCE(${readings.filter((r) => r !== "NULL").join(", ")})`, code: ops.lit(integer ? "not-a-whole-number" : "not-a-number") };
}

/** SQL reading a JSON value `x`: numbers as JSON.parse reads them (overflow aside), strings as text. */
export function numberFromJson(integer: boolean, x: string, decimalComma = false): JsonSql {
  const t = numberFromText(integer, jsonStr(x), decimalComma);
  // A JSON number too large for a double (`1e400`) is not a number (JSON.parse gives Infinity).
  // Cast as text: a JSON value's cast parses it as JSON again (1M numbers: 0.13 s of CPU, 0.06 s as text).
  const number = `TRY_CAST(CAST(${x} AS VARCHAR) AS DOUBLE)`;
  return {
    value: `CASE WHEN ${json.isNumber(x)} THEN CASE WHEN NOT isinf(${number}) THEN ${number} END WHEN ${json.isString(x)} THEN ${t.value} END`,
    code: `CASE WHEN ${json.isNumber(x)} AND isinf(${number}) THEN 'not-a-number' ELSE ${t.code} END`,
    shown: json.shown(x),
  };
}
