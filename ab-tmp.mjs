import { DuckDBInstance } from "@duckdb/node-api";
import { readFileSync } from "node:fs";
import { createEnumTypes, typedColumns, readCsv, rulesQuery } from "./bench/lib/sql.mjs";
const input = process.argv[2];
const ours = readFileSync("/tmp/leaddef-sql-3.sql", "utf8");
const macros = readFileSync("/tmp/leaddef-sql-0.sql", "utf8");
async function fresh() { const db = await DuckDBInstance.create(":memory:", { threads: "2", preserve_insertion_order: "true" }); const con = await db.connect(); for (const s of createEnumTypes()) await con.run(s); await con.run(macros); return con; }
async function time(label, sql) { const con = await fresh(); const c = process.cpuUsage(); const t = performance.now(); await con.run(sql); const u = process.cpuUsage(c); console.log(label.padEnd(12), ((performance.now()-t)/1000).toFixed(2), "s wall", ((u.user+u.system)/1e6).toFixed(2), "s cpu"); }
const src = `(SELECT ${typedColumns()} FROM ${readCsv(input)})`;
const plain = `CREATE TEMP TABLE p AS ${rulesQuery(src, "2026-11-22")}`;
const readonly = `CREATE TEMP TABLE r AS SELECT count(*) FROM ${readCsv(input)}`;
for (let i = 0; i < 2; i++) { await time("plain", plain); await time("ours", ours.replace(/\/tmp\/h2\/l1m.csv/g, input)); await time("read", readonly); }
