#!/usr/bin/env node
// The end-to-end reference of the wide benchmark: one plain DuckDB query (bench/wide/rules.mjs)
// from the input to an id,stage,fit CSV, threads = 2, as a user would write it by hand.
//   node bench/wide/plain-duckdb.mjs IN.csv|IN.parquet|IN.typed.parquet OUT.csv [--as-of D]
// (a .typed.parquet file holds typed columns: bench/wide/rules.mjs typedColumnsQuery)
import { DuckDBInstance } from '@duckdb/node-api';
import { plainQuery } from './rules.mjs';

const [input, output, ...rest] = process.argv.slice(2);
const asOf = rest[0] === '--as-of' ? rest[1] : '2026-11-22';
const lit = (s) => `'${s.replace(/'/g, "''")}'`;
const from = input.endsWith('.parquet') ? `read_parquet(${lit(input)})` : `read_csv(${lit(input)}, header = true, all_varchar = true, quote = '"', escape = '"')`;
const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
const con = await instance.connect();
await con.run(`COPY (${plainQuery(from, asOf, { typed: input.endsWith('.typed.parquet') })}) TO ${lit(output)} (FORMAT csv, HEADER true)`);
