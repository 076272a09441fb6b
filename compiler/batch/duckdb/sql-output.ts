import { DIALECTS } from "../../sql/sql-dialects.js";
import { JS_SPACE } from "../../runtime/codecs/sql-text.js";

/** How the DuckDB engine formats results in SQL exactly as the JS writers do (output.ts). */
const lit = DIALECTS.duckdb.string;

/** `csvCell` (output.ts) in SQL. */
export const csvCellSql = (x: string) =>
  `CASE WHEN regexp_matches(${x}, ${lit(`[",\\r\\n]|^${JS_SPACE}|${JS_SPACE}$`)}) THEN '"' || replace(${x}, '"', '""') || '"' ELSE ${x} END`;

/**
 * A CSV line from its cells, each already formatted and never NULL (`concat` reads NULL as
 * empty, `concat_ws` would drop the cell and its comma), as one `concat`, after `prefix`: DuckDB
 * then builds one string per row. A chain of `||` and `concat_ws` built one per step: on a
 * typed Parquet file of 1M rows the one `concat` took the query 0.59 → 0.55 s (9 runs each,
 * taking turns, output identical).
 */
export const csvLineSql = (cells: readonly string[], prefix: readonly string[] = []): string =>
  `concat(${[...prefix, ...cells.flatMap((c, i) => (i === 0 ? [c] : ["','", c]))].join(", ")})`;

/**
 * JS `String(n)` for a DOUBLE, in SQL. Whole numbers below 2^53 (nearly every score) print as
 * integers. Otherwise DuckDB's own text has the same shortest round-trip digits as JS, only laid
 * out differently (`4.0`, `3.9e-06`), so the digits and decimal exponent are taken from it and laid
 * out by the rules of ECMAScript Number::toString.
 *
 * A macro's argument is copied into its body wherever the body names it, so the parts each step
 * computes (the digits, the exponent) are bound once, as a one-element list's lambda parameter,
 * and not passed on as expressions: passed on, each `leaddef_js_num` expanded to ~80 regular
 * expressions, which took DuckDB ~0.25 s to plan for a JSON Lines run's 25 reject values, and
 * evaluated as many per value that is not a whole number.
 */
export const MACROS = `
CREATE OR REPLACE TEMP MACRO leaddef_js_layout(sign, d, n) AS
  CASE WHEN d = '' THEN '0'
    WHEN length(d) <= n AND n <= 21 THEN sign || d || repeat('0', n - length(d))
    WHEN 0 < n AND n <= 21 THEN sign || d[1:n] || '.' || d[n + 1:]
    WHEN -6 < n AND n <= 0 THEN sign || '0.' || repeat('0', -n) || d
    ELSE sign || d[1:1] || CASE WHEN length(d) > 1 THEN '.' || d[2:] ELSE '' END || 'e' || CASE WHEN n - 1 >= 0 THEN '+' ELSE '-' END || CAST(abs(n - 1) AS VARCHAR)
  END;
CREATE OR REPLACE TEMP MACRO leaddef_js_digits(sign, i, f, e) AS
  list_transform([{'d': rtrim(ltrim(i || f, '0'), '0'), 'n': length(i) + e - (length(i || f) - length(ltrim(i || f, '0')))}],
    leaddef_dn -> leaddef_js_layout(sign, leaddef_dn.d, leaddef_dn.n))[1];
CREATE OR REPLACE TEMP MACRO leaddef_js_text(t) AS
  list_transform([{'sign': CASE WHEN starts_with(t, '-') THEN '-' ELSE '' END, 'i': regexp_extract(t, '^-?(\\d*)', 1), 'f': regexp_extract(t, '\\.(\\d*)', 1), 'e': COALESCE(TRY_CAST(regexp_extract(t, '[eE]([+-]?\\d+)$', 1) AS INTEGER), 0)}],
    leaddef_part -> leaddef_js_digits(leaddef_part.sign, leaddef_part.i, leaddef_part.f, leaddef_part.e))[1];
CREATE OR REPLACE TEMP MACRO leaddef_js_num(v) AS
  CASE WHEN v IS NULL THEN 'undefined'
    WHEN isnan(v) THEN 'NaN'
    WHEN isinf(v) THEN CASE WHEN v > 0 THEN 'Infinity' ELSE '-Infinity' END
    WHEN v = trunc(v) AND abs(v) < 9007199254740992 THEN CAST(CAST(v AS BIGINT) AS VARCHAR)
    ELSE leaddef_js_text(CAST(v AS VARCHAR))
  END;
`;
