import { recordAt, type CsvScan } from "./scan.js";

/**
 * The id of a row that has none, as the JS engine gives it: its record number. DuckDB's rows are
 * numbered by position only, so the engine's result readers (the one-pass CSV results, the
 * Parquet results) turn a row's position into its record number here, in JS, while they walk
 * the rows in input order counting blank lines: no SQL over the file's shape, whatever its size.
 */

/**
 * The record number of the row at `pos` (0-based, in DuckDB's reading, blank lines included)
 * with `blanks` blank lines before it, as the id's text. CSV (`scan` given): the data record's
 * ordinal, the malformed records DuckDB skipped counted. JSON Lines: the ordinal among non-blank
 * lines. Parquet: the row's ordinal (no blank lines).
 */
export function recordNumbers(scan: CsvScan | undefined): (pos: number, blanks: number) => string {
  return scan ? (pos) => String(recordAt(scan, pos + 1).record) : (pos, blanks) => String(pos + 1 - blanks);
}
