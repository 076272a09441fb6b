// A CSV file as Parquet with every column text, as a warehouse export of a CRM table holds it:
// the one conversion the DuckDB engine's Parquet tests start from.
import { DuckDBInstance } from "@duckdb/node-api";

/** Writes `csv` to `parquet` with DuckDB, every column VARCHAR. */
export async function csvToParquet(csv: string, parquet: string): Promise<void> {
  const db = await DuckDBInstance.create(":memory:");
  const con = await db.connect();
  try {
    await con.run(`COPY (SELECT * FROM read_csv('${csv.replace(/'/g, "''")}', header = true, all_varchar = true)) TO '${parquet.replace(/'/g, "''")}' (FORMAT parquet)`);
  } finally {
    con.closeSync();
    db.closeSync();
  }
}
