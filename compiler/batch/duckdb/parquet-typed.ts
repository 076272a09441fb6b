import type { IrField } from "../../ir.js";
import type { ReadOptions } from "../../runtime/codecs/codec.js";
import { DIALECTS } from "../../sql/sql-dialects.js";
import { csvField, type FieldSql } from "./readers.js";

/**
 * Parquet columns whose type already holds a field's value. Every Parquet column is defined to
 * read as its text (DuckDB's `CAST(… AS VARCHAR)`) read by the field's codec, as a CSV cell; for
 * the types below that reading is known to give the column's own value back, so the engine reads
 * the value directly and skips the text. Anything else (FLOAT, whose text is the float's shortest
 * spelling, not the double's; DECIMAL and HUGEINT, whose casts to DOUBLE DuckDB may round
 * differently from its text; TIMESTAMP WITH TIME ZONE, whose text depends on the session's zone;
 * dates outside years 1–9999, whose text is not `YYYY-MM-DD`) keeps the text reading.
 * `test/duckdb-parquet-typed.test.ts` holds the two readings equal over edge values.
 */
const q = DIALECTS.duckdb.ident;

const INTEGERS = new Set(["TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT"]);

/** The dates whose text is `YYYY-MM-DD`: the ones a plain-date reading gives back. */
const inDateRange = (x: string) => `${x} BETWEEN DATE '0001-01-01' AND DATE '9999-12-31'`;

/**
 * A field read from Parquet column `col` of DuckDB type `type`: directly where the type holds the
 * value (see above), else as the column's text through the codec, as before. `text` is the
 * column's text (its VARCHAR cast), used only for the rows the direct reading cannot take.
 */
export function parquetField(f: IrField, col: string, type: string, options: ReadOptions = {}): FieldSql {
  const c = q(col);
  // The text of a value is never NULL, so a cell is present exactly when the column is not NULL:
  // tested on the column, not on its text (a cast to VARCHAR per row, ~10% of the typed query).
  const asText = (): FieldSql => ({ ...csvField(f, `CAST(${c} AS VARCHAR)`, options, true), present: `${c} IS NOT NULL` });
  const direct = (value: string): FieldSql => ({ present: `${c} IS NOT NULL`, value, reject: "NULL", optional: f.optional });
  // A direct value where `ok` holds; elsewhere the text reading decides, and rejects as it does.
  const where = (ok: string, value: string): FieldSql => {
    const t = asText();
    return { ...t, value: `CASE WHEN ${ok} THEN ${value} ELSE ${t.value} END` };
  };
  if (type === "VARCHAR") return csvField(f, col, options);
  switch (f.kind) {
    case "boolean":
      if (type === "BOOLEAN") return direct(c);
      break;
    case "number":
      if (INTEGERS.has(type)) return { ...direct(`CAST(${c} AS DOUBLE)`), whole: true };
      // NaN and ±Infinity are not numbers to the codec: their text reading rejects them.
      if (type === "DOUBLE") return where(`isfinite(${c})`, c);
      break;
    case "date":
      if (type === "DATE") return where(inDateRange(c), c);
      if (type === "TIMESTAMP") return where(inDateRange(`CAST(${c} AS DATE)`), `CAST(${c} AS DATE)`);
      break;
  }
  return asText();
}
