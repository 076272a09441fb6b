/**
 * Everything that differs between the SQL dialects leaddef targets, in one table per dialect:
 * quoting, literals, types, dates, string and list functions. `emit-sql.ts` builds the query
 * from these pieces and never writes dialect-specific text itself.
 *
 * Every function that takes user text (a name, a string) returns it quoted or escaped so that
 * no content can end the literal or identifier early: that is the injection boundary.
 */

export type SqlDialectName = "duckdb" | "postgres" | "bigquery" | "snowflake" | "spark";

export const SQL_DIALECTS: readonly SqlDialectName[] = ["duckdb", "postgres", "bigquery", "snowflake", "spark"];

export interface SqlDialect {
  name: SqlDialectName;
  /** One identifier (a column, a table part), quoted. */
  ident(name: string): string;
  /** A string literal. */
  string(value: string): string;
  /** A double-precision literal from a finite JS number's `String(n)`. */
  double(text: string): string;
  /** The type names the input columns are cast to. */
  types: { double: string; date: string };
  /** A DATE literal for `YYYY-MM-DD` (already validated). */
  date(iso: string): string;
  /** Today's date in UTC, as the JS evaluator's default as-of. */
  today: string;
  /** Whole days from `d` to `asOf`, an integer expression; NULL when `d` is NULL. */
  daysBetween(d: string, asOf: string): string;
  /** Exact substring test; NULL when either side is NULL. An empty needle matches. (Case-insensitive tests fold both sides first: case-fold-sql.ts.) */
  containsText(haystack: string, needle: string): string;
  /** Exact prefix test; NULL when either side is NULL. */
  startsWithText(s: string, prefix: string): string;
  /** Exact suffix test; NULL when either side is NULL. An empty suffix matches. */
  endsWithText(s: string, suffix: string): string;
  /** Each character of `x` found in `from` replaced by the one at the same position in `to` (code points). */
  translate(x: string, from: string, to: string): string;
  /** Exact membership of a string in a list(string) column; NULL or FALSE when either is NULL. */
  listContains(list: string, item: string): string;
  /** `x IS NULL` for a list column (BigQuery cannot store a NULL array: empty means missing there). */
  listMissing(list: string): string;
}

/** `"a""b"`: ANSI quoted identifier (DuckDB, Postgres, Snowflake). */
function doubleQuoted(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `'it''s'`: standard SQL string, where a backslash is an ordinary character. */
function standardString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Backslash-escaped string body (BigQuery, Spark): no raw quote, backslash or line break survives. */
function backslashEscaped(value: string): string {
  return value
    .replace(/\\/g, "\\\\")
    .replace(/'/g, "\\'")
    .replace(/"/g, '\\"')
    .replace(/`/g, "\\`")
    .replace(/\n/g, "\\n")
    .replace(/\r/g, "\\r")
    .replace(/\t/g, "\\t");
}

const duckdb: SqlDialect = {
  name: "duckdb",
  ident: doubleQuoted,
  // DuckDB strings are standard: backslash is literal.
  string: standardString,
  double: (text) => `CAST('${text}' AS DOUBLE)`,
  types: { double: "DOUBLE", date: "DATE" },
  date: (iso) => `DATE '${iso}'`,
  today: "CAST(timezone('UTC', current_timestamp) AS DATE)",
  daysBetween: (d, asOf) => `CAST(${asOf} - ${d} AS DOUBLE)`,
  containsText: (h, n) => `contains(${h}, ${n})`,
  startsWithText: (s, p) => `starts_with(${s}, ${p})`,
  endsWithText: (s, p) => `ends_with(${s}, ${p})`,
  translate: (x, f, t) => `translate(${x}, ${f}, ${t})`,
  listContains: (l, x) => `list_contains(${l}, ${x})`,
  listMissing: (l) => `${l} IS NULL`,
};

const postgres: SqlDialect = {
  name: "postgres",
  ident: doubleQuoted,
  // With standard_conforming_strings off a backslash would escape; an E'' string reads the
  // same under either setting, so use one whenever a backslash is present.
  string: (v) => (v.includes("\\") ? `E'${v.replace(/\\/g, "\\\\").replace(/'/g, "''")}'` : standardString(v)),
  double: (text) => `CAST('${text}' AS DOUBLE PRECISION)`,
  types: { double: "DOUBLE PRECISION", date: "DATE" },
  date: (iso) => `DATE '${iso}'`,
  today: "CAST(timezone('UTC', now()) AS DATE)",
  // date - date is an integer number of days
  daysBetween: (d, asOf) => `CAST(${asOf} - ${d} AS DOUBLE PRECISION)`,
  // strpos, not LIKE: the needle's % and _ are not wildcards
  containsText: (h, n) => `(strpos(${h}, ${n}) > 0)`,
  startsWithText: (s, p) => `starts_with(${s}, ${p})`,
  // PostgreSQL has no ends_with: the last length(p) characters are p (right(s, 0) is '').
  endsWithText: (s, p) => `(right(${s}, length(${p})) = ${p})`,
  translate: (x, f, t) => `translate(${x}, ${f}, ${t})`,
  listContains: (l, x) => `(${x} = ANY(${l}))`,
  listMissing: (l) => `${l} IS NULL`,
};

const bigquery: SqlDialect = {
  name: "bigquery",
  // Quoted identifiers take the same escapes as strings.
  ident: (name) => `\`${backslashEscaped(name)}\``,
  string: (v) => `'${backslashEscaped(v)}'`,
  // A literal with a decimal point or exponent is FLOAT64 in BigQuery.
  double: (text) => `CAST('${text}' AS FLOAT64)`,
  types: { double: "FLOAT64", date: "DATE" },
  date: (iso) => `DATE '${iso}'`,
  today: "CURRENT_DATE('UTC')",
  daysBetween: (d, asOf) => `CAST(DATE_DIFF(${asOf}, ${d}, DAY) AS FLOAT64)`,
  containsText: (h, n) => `(STRPOS(${h}, ${n}) > 0)`,
  startsWithText: (s, p) => `STARTS_WITH(${s}, ${p})`,
  endsWithText: (s, p) => `ENDS_WITH(${s}, ${p})`,
  translate: (x, f, t) => `TRANSLATE(${x}, ${f}, ${t})`,
  listContains: (l, x) => `(${x} IN UNNEST(${l}))`,
  listMissing: (l) => `(${l} IS NULL OR ARRAY_LENGTH(${l}) = 0)`,
};

const snowflake: SqlDialect = {
  name: "snowflake",
  ident: doubleQuoted,
  // Snowflake single-quoted strings treat backslash as an escape character.
  string: (v) => `'${v.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`,
  double: (text) => `CAST('${text}' AS DOUBLE)`,
  types: { double: "DOUBLE", date: "DATE" },
  date: (iso) => `DATE '${iso}'`,
  today: "CAST(CONVERT_TIMEZONE('UTC', CURRENT_TIMESTAMP()) AS DATE)",
  daysBetween: (d, asOf) => `CAST(DATEDIFF(day, ${d}, ${asOf}) AS DOUBLE)`,
  containsText: (h, n) => `CONTAINS(${h}, ${n})`,
  startsWithText: (s, p) => `STARTSWITH(${s}, ${p})`,
  endsWithText: (s, p) => `ENDSWITH(${s}, ${p})`,
  translate: (x, f, t) => `TRANSLATE(${x}, ${f}, ${t})`,
  // TO_VARIANT, not CAST(… AS VARIANT): the same value, and parsers without Snowflake's types read it.
  listContains: (l, x) => `ARRAY_CONTAINS(TO_VARIANT(${x}), ${l})`,
  listMissing: (l) => `${l} IS NULL`,
};

const spark: SqlDialect = {
  name: "spark",
  ident: (name) => `\`${name.replace(/`/g, "``")}\``,
  // Spark SQL string literals process backslash escapes (spark.sql.parser.escapedStringLiterals=false).
  string: (v) => `'${backslashEscaped(v)}'`,
  double: (text) => `CAST('${text}' AS DOUBLE)`,
  types: { double: "DOUBLE", date: "DATE" },
  date: (iso) => `DATE '${iso}'`,
  today: "to_date(to_utc_timestamp(current_timestamp(), current_timezone()))",
  daysBetween: (d, asOf) => `CAST(datediff(${asOf}, ${d}) AS DOUBLE)`,
  containsText: (h, n) => `(instr(${h}, ${n}) > 0)`,
  startsWithText: (s, p) => `startswith(${s}, ${p})`,
  endsWithText: (s, p) => `endswith(${s}, ${p})`,
  translate: (x, f, t) => `translate(${x}, ${f}, ${t})`,
  listContains: (l, x) => `array_contains(${l}, ${x})`,
  listMissing: (l) => `${l} IS NULL`,
};

export const DIALECTS: Record<SqlDialectName, SqlDialect> = { duckdb, postgres, bigquery, snowflake, spark };

/** Whether `name` is a dialect leaddef can write. */
export function isSqlDialect(name: string): name is SqlDialectName {
  return (SQL_DIALECTS as readonly string[]).includes(name);
}
