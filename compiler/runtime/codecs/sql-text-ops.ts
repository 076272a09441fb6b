import { DIALECTS, type SqlDialect, type SqlDialectName } from "../../sql/sql-dialects.js";

/**
 * The SQL mechanics the codecs' text forms are written with, one implementation per dialect.
 * The codecs own the spelling rules (which texts are numbers, dates, booleans, …) and say them
 * once, with these operations; a dialect only says how its SQL spells a regular-expression
 * match, a cast that may fail, a list. Regular expressions are written in the subset every
 * engine reads alike — `\d`, classes, `{m,n}`, `(?:…)`, `^`/`$` — with white space classes
 * from `spaceClass`, and `.` matching line breaks only under `dotAll`.
 */
export interface SqlTextOps {
  name: SqlDialectName;
  /** A string literal. */
  lit(value: string): string;
  /** The text type columns are cast to. */
  textType: string;
  /** A NULL of the text type. */
  nullText: string;
  /** A regular-expression character class of the code points in `ranges` plus `extra` (ASCII), negated or not. */
  charClass(ranges: readonly (readonly [number, number])[], negate?: boolean, extra?: string): string;
  /** `re` with `.` matching line breaks too. */
  dotAll(re: string): string;
  /** Whether all of `x` matches `re` (no anchors in `re`). */
  fullMatch(x: string, re: string): string;
  /** Whether some part of `x` matches `re` (anchors in `re` as needed). */
  matches(x: string, re: string): string;
  /** Capture group `n` of `re` (anchored at both ends) in `x`; only used where `x` matches. */
  group(x: string, re: string, n: number): string;
  /** Every match of `re` in `x` replaced by the plain text `by`. */
  replaceAll(x: string, re: string, by: string): string;
  /** A double from text that is a decimal number (sign, digits, fraction, exponent); NULL when it overflows. */
  tryDouble(text: string): string;
  /** Infinity, or minus infinity. */
  infinity(negative: boolean): string;
  /** Whether a double is ±infinity. */
  isInfinite(x: string): string;
  /** A DATE from text `DDDD-DD-DD` (digits); NULL when it names no calendar date. */
  tryDate(text: string): string;
  /** The parts of `x` between occurrences of the one character `sep`, as the dialect's list of strings. */
  split(x: string, sep: string): string;
  /** The list without its empty strings, in order. */
  dropEmpty(list: string): string;
  /** The non-NULL `parts` joined by the plain text `sep` ('' when all are NULL). */
  joinNonNull(parts: readonly string[], sep: string): string;
  /** Exact prefix test. */
  startsWith(x: string, prefix: string): string;
  /**
   * Whether all of `x` matches the glob `pattern` (`*`, `?`, classes `[0-9]`, negated `[!…]`, a
   * `-` first in a class is itself), in a dialect whose glob matcher is much cheaper than its
   * regular expressions: DuckDB's (~4× per cell), so that a codec's common spelling is recognised
   * without one. Absent elsewhere; the codecs then say the same with `fullMatch`.
   */
  glob?(x: string, pattern: string): string;
  /**
   * Whether `x` is exactly one of the constant strings `values` (NULL or false when not), in a
   * dialect where one list lookup is much cheaper than a CASE of comparisons and keeps row order
   * (DuckDB's `list_contains`: 1M rows × 4 enum columns, 0.11 s less CPU than the CASE; an
   * `IN (…)` list DuckDB plans as a join, which loses row order). Absent elsewhere; the codecs
   * then compare one value at a time.
   */
  oneOf?(x: string, values: readonly string[]): string;
  /**
   * What goes between `name AS` and `(` for a CTE whose rows should be computed once: `""`, or
   * PostgreSQL's `MATERIALIZED `, without which its planner copies each field's read into every
   * later use of the field (a staging query then took seconds to plan for sixteen rows).
   */
  computedOnce: string;
}

/** `\x{HH}`: the escape RE2 (DuckDB, BigQuery) and Java (Spark) read. */
function braceHex(c: number): string {
  if (c === 9) return "\\t";
  if (c === 10) return "\\n";
  if (c === 12) return "\\f";
  if (c === 13) return "\\r";
  if (c === 32) return " ";
  return `\\x{${c.toString(16).toUpperCase().padStart(2, "0")}}`;
}

/** `\uHHHH`: PostgreSQL's ARE escape (its `\x` takes no braces). */
function uHex(c: number): string {
  if (c === 32) return " ";
  return `\\u${c.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** The character itself: Snowflake's POSIX classes take no escapes for these. */
function raw(c: number): string {
  return String.fromCodePoint(c);
}

function classOf(char: (c: number) => string) {
  return (ranges: readonly (readonly [number, number])[], negate = false, extra = "") =>
    `[${negate ? "^" : ""}${extra}${ranges.map(([a, b]) => (a === b ? char(a) : `${char(a)}-${char(b)}`)).join("")}]`;
}

/** The parts of the ops every dialect takes from its SqlDialect table. */
function base(d: SqlDialect, textType: string) {
  return { name: d.name, lit: d.string, textType, nullText: `CAST(NULL AS ${textType})`, startsWith: d.startsWithText, computedOnce: "" };
}

const duckdb: SqlTextOps = {
  ...base(DIALECTS.duckdb, "VARCHAR"),
  charClass: classOf(braceHex),
  dotAll: (re) => `(?s)${re}`,
  fullMatch: (x, re) => `regexp_full_match(${x}, ${DIALECTS.duckdb.string(re)})`,
  matches: (x, re) => `regexp_matches(${x}, ${DIALECTS.duckdb.string(re)})`,
  group: (x, re, n) => `regexp_extract(${x}, ${DIALECTS.duckdb.string(re)}, ${n})`,
  replaceAll: (x, re, by) => `regexp_replace(${x}, ${DIALECTS.duckdb.string(re)}, ${DIALECTS.duckdb.string(by)}, 'g')`,
  glob: (x, pattern) => `(${x} GLOB ${DIALECTS.duckdb.string(pattern)})`,
  oneOf: (x, values) => `list_contains([${values.map((v) => DIALECTS.duckdb.string(v)).join(", ")}], ${x})`,
  tryDouble: (t) => `TRY_CAST(${t} AS DOUBLE)`,
  infinity: (negative) => `CAST('${negative ? "-" : ""}inf' AS DOUBLE)`,
  isInfinite: (x) => `isinf(${x})`,
  tryDate: (t) => `TRY_CAST(${t} AS DATE)`,
  split: (x, sep) => `string_split(${x}, ${DIALECTS.duckdb.string(sep)})`,
  dropEmpty: (l) => `list_filter(${l}, x -> x <> '')`,
  joinNonNull: (parts, sep) => `concat_ws(${DIALECTS.duckdb.string(sep)}, ${parts.join(", ")})`,
};

const pg = DIALECTS.postgres;
/** Digits `[a, a + n)` of a text as an integer (PostgreSQL). */
const pgInt = (t: string, a: number, n: number) => `CAST(substr(${t}, ${a}, ${n}) AS INTEGER)`;
// Larger than the largest double / smaller than half the smallest subnormal: JS Number gives ±Infinity / 0.
const PG_DOUBLE_MAX = "1.7976931348623158e308";
const PG_DOUBLE_MIN = "2.4703282292062328e-324";

const postgres: SqlTextOps = {
  ...base(pg, "TEXT"),
  computedOnce: "MATERIALIZED ",
  charClass: classOf(uHex),
  // An ARE's `.` matches a line break unless newline-sensitive matching is asked for.
  dotAll: (re) => re,
  fullMatch: (x, re) => `(${x} ~ ${pg.string(`^(?:${re})$`)})`,
  matches: (x, re) => `(${x} ~ ${pg.string(re)})`,
  group: (x, re, n) => `(regexp_match(${x}, ${pg.string(re)}))[${n}]`,
  replaceAll: (x, re, by) => `regexp_replace(${x}, ${pg.string(re)}, ${pg.string(by)}, 'g')`,
  // PostgreSQL has no cast that fails softly (before 16), and its double cast raises on overflow
  // and underflow: decide those on NUMERIC first. An exponent of four digits or more would
  // overflow NUMERIC too, so it is decided by its sign (a zero mantissa is zero whatever follows).
  tryDouble: (t) => [
    `CASE WHEN ${t} ~ '^[+-]?[0.]*([eE].*)?$' THEN CAST(0 AS DOUBLE PRECISION)`,
    `WHEN ${t} ~ '[eE][+]?0*[0-9]{4}' THEN NULL`,
    `WHEN ${t} ~ '[eE]-0*[0-9]{4}' THEN CAST(0 AS DOUBLE PRECISION)`,
    `WHEN abs(CAST(${t} AS NUMERIC)) >= ${PG_DOUBLE_MAX} THEN NULL`,
    `WHEN abs(CAST(${t} AS NUMERIC)) <= ${PG_DOUBLE_MIN} THEN CAST(0 AS DOUBLE PRECISION)`,
    `ELSE CAST(${t} AS DOUBLE PRECISION) END`,
  ].join(" "),
  infinity: (negative) => `CAST('${negative ? "-" : ""}Infinity' AS DOUBLE PRECISION)`,
  isInfinite: (x) => `(abs(${x}) = CAST('Infinity' AS DOUBLE PRECISION))`,
  // The calendar check by hand, since a cast of `2026-02-30` raises instead of giving NULL; the
  // parts are digits (callers guarantee it), so their casts cannot fail.
  tryDate: (t) => {
    const y = pgInt(t, 1, 4);
    const m = pgInt(t, 6, 2);
    const leap = `(${y} % 4 = 0 AND (${y} % 100 <> 0 OR ${y} % 400 = 0))`;
    const days = `CASE ${m} WHEN 2 THEN CASE WHEN ${leap} THEN 29 ELSE 28 END WHEN 4 THEN 30 WHEN 6 THEN 30 WHEN 9 THEN 30 WHEN 11 THEN 30 ELSE 31 END`;
    return `CASE WHEN ${y} >= 1 AND ${m} BETWEEN 1 AND 12 AND ${pgInt(t, 9, 2)} BETWEEN 1 AND ${days} THEN CAST(${t} AS DATE) END`;
  },
  split: (x, sep) => `string_to_array(${x}, ${pg.string(sep)})`,
  dropEmpty: (l) => `array_remove(${l}, '')`,
  joinNonNull: (parts, sep) => `concat_ws(${pg.string(sep)}, ${parts.join(", ")})`,
};

const bq = DIALECTS.bigquery;
const bigquery: SqlTextOps = {
  ...base(bq, "STRING"),
  charClass: classOf(braceHex),
  dotAll: (re) => `(?s)${re}`,
  fullMatch: (x, re) => `REGEXP_CONTAINS(${x}, ${bq.string(`^(?:${re})$`)})`,
  matches: (x, re) => `REGEXP_CONTAINS(${x}, ${bq.string(re)})`,
  // REGEXP_EXTRACT refuses a pattern with more than one group; the anchored match replaced by
  // the group is the group.
  group: (x, re, n) => `REGEXP_REPLACE(${x}, ${bq.string(re)}, ${bq.string(`\\${n}`)})`,
  replaceAll: (x, re, by) => `REGEXP_REPLACE(${x}, ${bq.string(re)}, ${bq.string(by)})`,
  tryDouble: (t) => `SAFE_CAST(${t} AS FLOAT64)`,
  infinity: (negative) => `CAST('${negative ? "-" : ""}inf' AS FLOAT64)`,
  isInfinite: (x) => `IS_INF(${x})`,
  tryDate: (t) => `SAFE_CAST(${t} AS DATE)`,
  split: (x, sep) => `SPLIT(${x}, ${bq.string(sep)})`,
  dropEmpty: (l) => `ARRAY(SELECT leaddef_item FROM UNNEST(${l}) AS leaddef_item WITH OFFSET AS leaddef_at WHERE leaddef_item <> '' ORDER BY leaddef_at)`,
  // ARRAY_TO_STRING leaves out NULL elements (and their separators).
  joinNonNull: (parts, sep) => `ARRAY_TO_STRING([${parts.join(", ")}], ${bq.string(sep)})`,
};

const sf = DIALECTS.snowflake;
const snowflake: SqlTextOps = {
  ...base(sf, "VARCHAR"),
  charClass: classOf(raw),
  // Every call below passes the `s` parameter, so `.` always matches line breaks.
  dotAll: (re) => re,
  // REGEXP_LIKE matches the whole subject.
  fullMatch: (x, re) => `REGEXP_LIKE(${x}, ${sf.string(re)}, 's')`,
  matches: (x, re) => `(REGEXP_INSTR(${x}, ${sf.string(re)}, 1, 1, 0, 's') > 0)`,
  group: (x, re, n) => `REGEXP_SUBSTR(${x}, ${sf.string(re)}, 1, 1, 'es', ${n})`,
  replaceAll: (x, re, by) => `REGEXP_REPLACE(${x}, ${sf.string(re)}, ${sf.string(by)}, 1, 0, 's')`,
  tryDouble: (t) => `TRY_CAST(${t} AS DOUBLE)`,
  infinity: (negative) => `CAST('${negative ? "-" : ""}inf' AS DOUBLE)`,
  isInfinite: (x) => `(abs(${x}) = CAST('inf' AS DOUBLE))`,
  tryDate: (t) => `TRY_TO_DATE(${t}, 'YYYY-MM-DD')`,
  split: (x, sep) => `SPLIT(${x}, ${sf.string(sep)})`,
  dropEmpty: (l) => `ARRAY_REMOVE(${l}, TO_VARIANT(''))`,
  joinNonNull: (parts, sep) => `ARRAY_TO_STRING(ARRAY_CONSTRUCT_COMPACT(${parts.join(", ")}), ${sf.string(sep)})`,
};

const sp = DIALECTS.spark;
const spark: SqlTextOps = {
  ...base(sp, "STRING"),
  charClass: classOf(braceHex),
  dotAll: (re) => `(?s)${re}`,
  // RLIKE finds a match anywhere.
  fullMatch: (x, re) => `(${x} RLIKE ${sp.string(`^(?:${re})$`)})`,
  matches: (x, re) => `(${x} RLIKE ${sp.string(re)})`,
  group: (x, re, n) => `regexp_extract(${x}, ${sp.string(re)}, ${n})`,
  replaceAll: (x, re, by) => `regexp_replace(${x}, ${sp.string(re)}, ${sp.string(by)})`,
  // Java's parse gives ±Infinity on overflow, as JS Number does; the text is a valid number, so
  // the cast cannot fail under ANSI mode either.
  tryDouble: (t) => `CAST(${t} AS DOUBLE)`,
  infinity: (negative) => `CAST('${negative ? "-" : ""}Infinity' AS DOUBLE)`,
  isInfinite: (x) => `(abs(${x}) = CAST('Infinity' AS DOUBLE))`,
  tryDate: (t) => `try_cast(${t} AS DATE)`,
  // split takes a Java pattern: the separator is quoted.
  split: (x, sep) => `split(${x}, ${sp.string(sep.replace(/[\\^$.|?*+()[\]{}]/g, "\\$&"))})`,
  dropEmpty: (l) => `array_remove(${l}, '')`,
  joinNonNull: (parts, sep) => `concat_ws(${sp.string(sep)}, ${parts.join(", ")})`,
};

/** The text operations of each dialect. */
export const TEXT_OPS: Record<SqlDialectName, SqlTextOps> = { duckdb, postgres, bigquery, snowflake, spark };
