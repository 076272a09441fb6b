// bench/bench.leaddef in DuckDB SQL over an in-memory table (threads = 2). Setup (untimed) loads
// the benchmark CSV into a typed table; the timed part runs the rules query (bench/lib/sql.mjs)
// and reads every lead's stage and fit back into JavaScript.
import { DuckDBInstance } from '@duckdb/node-api';
import { createEnumTypes, typedColumns, readCsv, rulesQuery } from '../lib/sql.mjs';

export const needsLeads = false;

export async function setup({ asOf, csvPath, n }) {
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const con = await instance.connect();
  for (const stmt of createEnumTypes()) await con.run(stmt);
  await con.run(`CREATE TABLE leads AS SELECT ${typedColumns()} FROM ${readCsv(csvPath)} LIMIT ${n}`);
  const ids = (await con.runAndReadAll('SELECT id FROM leads')).getColumns()[0];
  const query = rulesQuery('leads', asOf, { withId: false });
  return {
    ids,
    note: 'threads=2',
    // Always evaluates the whole table (a warm-up pass included) and reads every row back.
    async run(_leads, _count, stage, fit, STAGE_INDEX) {
      const result = await con.run(query);
      let i = 0;
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        const s = chunk.getColumnValues(0);
        const f = chunk.getColumnValues(1);
        for (let j = 0; j < s.length; j++, i++) {
          stage[i] = STAGE_INDEX[s[j]];
          fit[i] = f[j];
        }
      }
      if (i !== ids.length) throw new Error(`duckdb returned ${i} rows, expected ${ids.length}`);
    },
    close() {
      con.closeSync?.();
      instance.closeSync?.();
    },
  };
}
