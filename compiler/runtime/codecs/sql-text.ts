import { DIALECTS } from "../../sql/sql-dialects.js";

/**
 * Building blocks for the codecs' SQL forms (DuckDB, whose regular expressions are RE2). Each
 * codec turns a non-NULL text expression into its value — NULL when the text does not fit — and
 * names the reason code for the rows that fail; the engine computes codes only for those rows.
 */
export const lit = DIALECTS.duckdb.string;

/** JS `\s` (what `String.prototype.trim` strips), for RE2, whose `\s` is ASCII only. */
export const JS_SPACE = "[\\t\\n\\x{0B}\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}]";

/** JS `String.prototype.trim`. */
export const trim = (x: string) => `regexp_replace(${x}, ${lit(`^${JS_SPACE}+|${JS_SPACE}+$`)}, '', 'g')`;

/** A JSON string's text, cheaply when it has no escapes. */
export const jsonStr = (x: string) => `CASE WHEN NOT contains(${x}, '\\') THEN trim(${x}, '"') ELSE json_extract_string(${x}, '$') END`;

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

/** Tests on a DuckDB JSON value. */
export const json = {
  isString: (x: string) => `ascii(${x}) = 34`,
  isNumber: (x: string) => `(ascii(${x}) = 45 OR ascii(${x}) BETWEEN 48 AND 57)`,
  text: (x: string) => `CAST(${x} AS VARCHAR)`,
  /** As a reason shows a JSON value: a string's text, anything else as JSON. */
  shown: (x: string) => `CASE WHEN ascii(${x}) = 34 THEN ${jsonStr(x)} ELSE CAST(${x} AS VARCHAR) END`,
};
