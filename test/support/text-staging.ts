// Runs `--staging text` queries over a CSV file loaded as an all-text table: into DuckDB by its
// CSV reader (`all_varchar`), into PostgreSQL as a TEXT column per header name with every cell as
// written (an empty cell an empty text, as a CSV COPY with FORCE_NOT_NULL leaves it).
// Shared by the staging and codec tests.
import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import type pg from "pg";
import type { IrProgram } from "../../compiler/ir.js";
import { emitSql } from "../../compiler/sql/emit-sql.js";
import { openDuckdb, queryDuckdb, queryPostgres, type Row } from "./sql-tables.js";

/** The staging query's rows over `csv` loaded into a fresh in-memory DuckDB. */
export async function stagingOnDuckdb(ir: IrProgram, csv: string, asOf: string, decimalComma = false): Promise<Row[]> {
  const duck = await openDuckdb();
  await duck.run(`CREATE TABLE leads_text AS SELECT * FROM read_csv('${csv.replace(/'/g, "''")}', header = true, all_varchar = true, delim = ',', quote = '"')`);
  const sql = emitSql(ir, { dialect: "duckdb", table: "leads_text", asOf, columns: "all", staging: "text", decimalComma });
  return queryDuckdb(duck, sql);
}

/** The staging query's rows over `csv` loaded into a temporary PostgreSQL table of TEXT columns. */
export async function stagingOnPostgres(client: pg.Client, ir: IrProgram, csv: string, asOf: string, decimalComma = false): Promise<Row[]> {
  const [header, ...rows] = parse(readFileSync(csv, "utf8")) as string[][];
  const ident = (n: string) => `"${n.replace(/"/g, '""')}"`;
  await client.query("DROP TABLE IF EXISTS leads_text");
  await client.query(`CREATE TEMP TABLE leads_text (${header.map((h) => `${ident(h)} TEXT`).join(", ")})`);
  for (let start = 0; start < rows.length; start += 200) {
    const batch = rows.slice(start, start + 200);
    const values = batch.map((_, r) => `(${header.map((_, c) => `$${r * header.length + c + 1}`).join(", ")})`);
    await client.query(`INSERT INTO leads_text VALUES ${values.join(", ")}`, batch.flat());
  }
  const sql = emitSql(ir, { dialect: "postgres", table: "leads_text", asOf, columns: "all", staging: "text", decimalComma });
  return queryPostgres(client, sql);
}
