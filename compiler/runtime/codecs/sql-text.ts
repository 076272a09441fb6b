import { TEXT_OPS, type SqlTextOps } from "./sql-text-ops.js";

/**
 * Building blocks for the codecs' SQL forms. The text forms take a dialect's `SqlTextOps`
 * (sql-text-ops.ts); the JSON forms, which only the DuckDB engine uses, are DuckDB's. Each codec
 * turns a non-NULL text expression into its value — NULL when the text does not fit — and names
 * the reason code for the rows that fail; the engine computes codes only for those rows.
 */

/** DuckDB's text operations, the default of every text form. */
export const DUCKDB_TEXT: SqlTextOps = TEXT_OPS.duckdb;

export const lit = DUCKDB_TEXT.lit;

/** What JS `\s` (and so `String.prototype.trim`) matches, as code point ranges: the one list every dialect renders. */
export const SPACE_RANGES: readonly (readonly [number, number])[] = [
  [0x09, 0x09], [0x0a, 0x0a], [0x0b, 0x0b], [0x0c, 0x0c], [0x0d, 0x0d], [0x20, 0x20], [0xa0, 0xa0], [0x1680, 0x1680], [0x2000, 0x200a], [0x2028, 0x2028], [0x2029, 0x2029], [0x202f, 0x202f], [0x205f, 0x205f], [0x3000, 0x3000], [0xfeff, 0xfeff],
].map(([a, b]) => [a, b] as const);

/** JS `\s` as a class of the dialect's regular expressions (DuckDB's RE2 `\s` is ASCII only). */
export function spaceClass(ops: SqlTextOps): string {
  return ops.charClass(SPACE_RANGES);
}

/** JS `\s`, for RE2 (DuckDB). */
export const JS_SPACE = spaceClass(DUCKDB_TEXT);

/** JS `String.prototype.trim` in the dialect of `ops`. */
export function trimText(ops: SqlTextOps, x: string): string {
  const s = spaceClass(ops);
  return ops.replaceAll(x, `^${s}+|${s}+$`, "");
}

/** JS `String.prototype.trim` (DuckDB). */
export const trim = (x: string) => trimText(DUCKDB_TEXT, x);

/**
 * A JSON string's text, as JSON.parse reads it. `json_extract_string` is also the cheapest way in
 * DuckDB (1M strings: 0.09 s of CPU, against 0.18 s for `trim(x, '"')` behind a test for escapes).
 */
export const jsonStr = (x: string) => `json_extract_string(${x}, '$')`;

/** SQL for one field read from text: its value (NULL when it does not fit) and the reason code when it does not. */
export interface TextSql {
  value: string;
  /** SQL giving the reason code for a present text whose value is NULL; "NULL" when any text fits. */
  code: string;
}

/**
 * SQL for one field read from a JSON value `x` (DuckDB's JSON type, NULL when absent or null):
 * its value, the reason code of a present value that does not fit, and the value as a reason shows it.
 */
export interface JsonSql extends TextSql {
  shown: string;
}

/**
 * Whether the JSON value `x`'s text starts with a byte in [from, to): compared as text, which
 * DuckDB does on the prefix it keeps inline (1M values: ~13 ms of CPU, against ~29 ms for
 * `ascii(x) = 34`, which decodes the first character).
 */
const startsIn = (x: string, from: string, to: string) => `(CAST(${x} AS VARCHAR) >= ${lit(from)} AND CAST(${x} AS VARCHAR) < ${lit(to)})`;

/** Tests on a DuckDB JSON value (its first byte tells its type). */
export const json: { isString: (x: string) => string; isNumber: (x: string) => string; isArray: (x: string) => string; text: (x: string) => string; shown: (x: string) => string } = {
  isString: (x: string) => startsIn(x, '"', "#"),
  isNumber: (x: string) => `(${startsIn(x, "0", ":")} OR ${startsIn(x, "-", ".")})`,
  isArray: (x: string) => startsIn(x, "[", "\\"),
  /**
   * A JSON value as JSON.stringify writes what JSON.parse read: DuckDB writes a number back as
   * its parser read it (`100.0`, `1E2` → `100.0`, `1e21`, every digit of a long integer), JS as
   * `String(n)` (`100`, `1e+21`, `12345678901234567000`), taken from the DuckDB engine's macro
   * `leaddef_js_num` (sql-output.ts). A number too large for a double shows as written, as the
   * JS engine shows it. Numbers inside arrays and objects keep DuckDB's spelling.
   */
  text: (x: string) => `CASE WHEN ${json.isNumber(x)} AND NOT isinf(TRY_CAST(${x} AS DOUBLE)) THEN leaddef_js_num(TRY_CAST(${x} AS DOUBLE)) ELSE CAST(${x} AS VARCHAR) END`,
  /** As a reason shows a JSON value: a string's text, anything else as `text`. */
  shown: (x: string) => `CASE WHEN ${json.isString(x)} THEN ${jsonStr(x)} ELSE ${json.text(x)} END`,
};
