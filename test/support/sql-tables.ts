// Loads leads into DuckDB and Postgres tables whose columns are the field paths, and runs
// generated SQL against them. Shared by the SQL tests.
import { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import type pg from "pg";
import type { IrField } from "../../compiler/ir.js";
import { DIALECTS } from "../../compiler/sql/sql-dialects.js";

export type Row = Record<string, unknown>;

function duckType(f: IrField): string {
  switch (f.kind) {
    case "number": return f.integer ? "BIGINT" : "DOUBLE";
    case "boolean": return "BOOLEAN";
    case "date": return "DATE";
    case "list": return "VARCHAR[]";
    default: return "VARCHAR";
  }
}

function pgType(f: IrField): string {
  switch (f.kind) {
    case "number": return f.integer ? "bigint" : "double precision";
    case "boolean": return "boolean";
    case "date": return "date";
    case "list": return "text[]";
    default: return "text";
  }
}

export async function openDuckdb(): Promise<DuckDBConnection> {
  const db = await DuckDBInstance.create(":memory:");
  return db.connect();
}

function duckLiteral(f: IrField, v: unknown): string {
  const d = DIALECTS.duckdb;
  if (v === undefined || v === null) return "NULL";
  switch (f.kind) {
    case "number": return f.integer ? String(v) : `CAST('${String(v)}' AS DOUBLE)`;
    case "boolean": return v ? "TRUE" : "FALSE";
    case "date": return `DATE '${String(v)}'`;
    case "list": return `CAST([${(v as string[]).map((s) => d.string(s)).join(", ")}] AS VARCHAR[])`;
    default: return d.string(String(v));
  }
}

/** (Re)creates `table` in DuckDB with one column per field plus `id`, holding `leads`. */
export async function loadDuckdb(con: DuckDBConnection, table: string, fields: readonly IrField[], leads: Row[]): Promise<void> {
  const q = DIALECTS.duckdb.ident;
  await con.run(`CREATE OR REPLACE TABLE ${q(table)} (id BIGINT, ${fields.map((f) => `${q(f.path)} ${duckType(f)}`).join(", ")})`);
  if (!leads.length) return;
  const rows = leads.map((l) => `(${[String(l.id), ...fields.map((f) => duckLiteral(f, l[f.path]))].join(", ")})`);
  await con.run(`INSERT INTO ${q(table)} VALUES ${rows.join(",\n")}`);
}

/** (Re)creates `table` in Postgres the same way, with bound parameters. */
export async function loadPostgres(client: pg.Client, table: string, fields: readonly IrField[], leads: Row[]): Promise<void> {
  const q = DIALECTS.postgres.ident;
  await client.query(`DROP TABLE IF EXISTS ${q(table)}`);
  await client.query(`CREATE TABLE ${q(table)} (id bigint, ${fields.map((f) => `${q(f.path)} ${pgType(f)}`).join(", ")})`);
  if (!leads.length) return;
  const params: unknown[] = [];
  const rows = leads.map((l) => {
    const cells = [l.id, ...fields.map((f) => l[f.path] ?? null)].map((v) => {
      params.push(v);
      return `$${params.length}`;
    });
    return `(${cells.join(", ")})`;
  });
  await client.query(`INSERT INTO ${q(table)} VALUES ${rows.join(", ")}`, params);
}

export async function queryDuckdb(con: DuckDBConnection, sql: string): Promise<Row[]> {
  const reader = await con.runAndReadAll(sql);
  const names = reader.columnNames();
  return reader.getRows().map((r) => Object.fromEntries(r.map((v, i) => [names[i], typeof v === "bigint" ? Number(v) : v])));
}

export async function queryPostgres(client: pg.Client, sql: string): Promise<Row[]> {
  const res = await client.query({ text: sql, rowMode: "array" });
  const names = res.fields.map((f) => f.name);
  return (res.rows as unknown[][]).map((r) => Object.fromEntries(r.map((v, i) => [names[i], typeof v === "string" && /^-?\d+$/.test(v) && res.fields[i].dataTypeID === 20 ? Number(v) : v])));
}
