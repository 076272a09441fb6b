import { readFailure } from "./reasons.js";
import { JS_SPACE, json, jsonStr, lit, trim, type JsonSql, type TextSql } from "./sql-text.js";

/**
 * The number and integer codec. Accepted: JSON numbers; text `[+-]digits[.digits][e±n]` with
 * surrounding white space. An integer must be whole (`2500.0` is 2500). Internal value: a JS
 * number, NaN for missing.
 */

/** The general reader. Self-contained: the module writer copies its source. */
export function readNumber(v: unknown, integer: boolean): number {
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw readFailure({ code: "not-a-number", value: String(v) });
    if (integer && !Number.isInteger(v)) throw readFailure({ code: "not-a-whole-number", value: String(v) });
    return v;
  }
  if (v === null || v === undefined) return NaN;
  if (typeof v === "string") {
    const s = v.trim();
    if (/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(s)) {
      const n = Number(s);
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

/** The generated evaluator's inline test for a lead object's value `v` (already a JSON number of the right kind). */
export function numberInlineTest(integer: boolean, get: string): string {
  // v - v === 0 excludes NaN and ±Infinity, which no data file can hold.
  return integer ? `Number.isInteger(v = ${get})` : `typeof (v = ${get}) === "number" && v - v === 0`;
}

const NUMBER_RE = lit(`${JS_SPACE}*[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?${JS_SPACE}*`);
/** A number with nothing to trim: DuckDB's cast then reads it as `Number` does (unless it overflows). */
const PLAIN_NUMBER_RE = lit("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

/** SQL reading text `s` as readNumber does (wholeness is checked by the engine, on the value). */
export function numberFromText(integer: boolean, s: string): TextSql {
  // Overflow: JS `Number` gives ±Infinity where DuckDB's cast gives NULL.
  const exact = `CASE WHEN regexp_full_match(${s}, ${NUMBER_RE}) THEN COALESCE(TRY_CAST(${trim(s)} AS DOUBLE), CASE WHEN starts_with(${trim(s)}, '-') THEN CAST('-inf' AS DOUBLE) ELSE CAST('inf' AS DOUBLE) END) END`;
  return { value: `COALESCE(CASE WHEN regexp_full_match(${s}, ${PLAIN_NUMBER_RE}) THEN TRY_CAST(${s} AS DOUBLE) END, ${exact})`, code: lit(integer ? "not-a-whole-number" : "not-a-number") };
}

/** SQL reading a JSON value `x`: numbers as JSON.parse reads them (overflow aside), strings as text. */
export function numberFromJson(integer: boolean, x: string): JsonSql {
  const t = numberFromText(integer, jsonStr(x));
  return { value: `CASE WHEN ${json.isNumber(x)} THEN TRY_CAST(${x} AS DOUBLE) WHEN ${json.isString(x)} THEN ${t.value} END`, code: t.code, shown: json.shown(x) };
}
