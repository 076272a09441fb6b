#!/usr/bin/env node
// `leaddef run --engine js` against DuckDB's plain COPY query on the same CSV or JSON Lines file, end to end, each a
// fresh process under /usr/bin/time: median wall time, CPU time (user + sys) and peak RSS over
// the runs, the ratio of the medians and the load average before each run (the machine is shared:
// read the ratio beside the load). Bench-only helper (issue 14); `npm run bench` stays the
// official table.
//
//   node bench/lib/js-engine-ratio.mjs CSV [--runs 3] [--cli dist/cli/leaddef.mjs] [--definition bench/bench.leaddef]
//
// Make the CSV with `node examples/generate-leads.mjs --count 1000000 --seed 7 --format csv --out F --bad-rate 0`.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AS_OF } from './schema.mjs';
import { LEADDEF_CLI } from './cli-path.mjs';

const BENCH = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const input = args[0];
if (!input || input.startsWith('--')) {
  process.stderr.write('usage: node bench/lib/js-engine-ratio.mjs CSV [--runs N] [--cli PATH] [--definition FILE]\n');
  process.exit(2);
}
const runs = Number(option('--runs', '3'));
const cli = option('--cli', LEADDEF_CLI);
const definition = option('--definition', join(BENCH, 'bench.leaddef'));
const out = join(tmpdir(), `js-engine-ratio-${process.pid}`);
// duckdb-copy.mjs reads a .jsonl/.ndjson file with read_json, anything else with read_csv: name the reference so.
const REFERENCE = /\.(jsonl|ndjson)$/i.test(input) ? 'DuckDB COPY from read_json' : 'DuckDB COPY from read_csv';

const commands = {
  'leaddef run --engine js': [process.execPath, cli, 'run', definition, '--input', input, '-o', `${out}.js.csv`, '--as-of', AS_OF, '--no-progress'],
  [REFERENCE]: [process.execPath, join(BENCH, 'e2e', 'duckdb-copy.mjs'), input, `${out}.duckdb.csv`, '--as-of', AS_OF],
};

/** One timed run: wall and CPU seconds, peak RSS in MiB. */
function timed(argv) {
  const stats = `${out}.time`;
  const r = spawnSync('/usr/bin/time', ['-o', stats, '-f', '%e %U %S %M', ...argv], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed: ${r.stderr}`);
  const [wall, user, sys, kb] = readFileSync(stats, 'utf8').trim().split(/\s+/).map(Number);
  return { wall, cpu: user + sys, rss: kb / 1024 };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
for (let i = 0; i < runs; i++) {
  for (const [name, argv] of Object.entries(commands)) {
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    const r = timed(argv);
    results[name].push(r);
    process.stderr.write(`run ${i + 1} ${name}: ${r.wall.toFixed(2)} s wall, ${r.cpu.toFixed(2)} s CPU, ${r.rss.toFixed(0)} MiB (load ${load})\n`);
  }
}
const row = (name) => {
  const rs = results[name];
  return { wall: median(rs.map((r) => r.wall)), cpu: median(rs.map((r) => r.cpu)), rss: Math.max(...rs.map((r) => r.rss)) };
};
const js = row('leaddef run --engine js');
const duck = row(REFERENCE);
for (const [name, r] of [['leaddef run --engine js', js], [REFERENCE, duck]]) {
  process.stdout.write(`${name.padEnd(28)} median ${r.wall.toFixed(2)} s wall  ${r.cpu.toFixed(2)} s CPU  peak ${r.rss.toFixed(0)} MiB\n`);
}
process.stdout.write(`js / DuckDB: ${(js.wall / duck.wall).toFixed(2)}x wall, ${(js.cpu / duck.cpu).toFixed(2)}x CPU (medians of ${runs})\n`);
for (const f of ['js.csv', 'js.csv.rejects.csv', 'duckdb.csv', 'time']) rmSync(`${out}.${f}`, { force: true });
