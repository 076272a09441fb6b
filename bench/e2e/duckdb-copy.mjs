#!/usr/bin/env node
// End to end in DuckDB: COPY (rules over read_csv, or read_json for .jsonl) TO the output CSV, threads = 2.
//   node bench/e2e/duckdb-copy.mjs IN.csv|IN.jsonl OUT.csv [--as-of D]
import { DuckDBInstance } from '@duckdb/node-api';
import { createEnumTypes, typedColumns, readCsv, readJsonLines, rulesQuery } from '../lib/sql.mjs';
import { AS_OF } from '../lib/schema.mjs';

const [input, output, ...rest] = process.argv.slice(2);
const asOf = rest[0] === '--as-of' ? rest[1] : AS_OF;
const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
const con = await instance.connect();
for (const stmt of createEnumTypes()) await con.run(stmt);
const src = `(SELECT ${typedColumns()} FROM ${/\.(jsonl|ndjson)$/i.test(input) ? readJsonLines(input) : readCsv(input)})`;
await con.run(`COPY (${rulesQuery(src, asOf)}) TO '${output.replace(/'/g, "''")}' (FORMAT csv, HEADER true)`);
process.stderr.write('duckdb-copy: done\n');
