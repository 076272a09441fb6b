#!/usr/bin/env node
// The wide benchmark in memory, one engine per process: leaddef's evaluator or the hand-written
// function over the same pre-parsed leads (loading untimed, one untimed warm-up pass).
//   node bench/wide/inmem.mjs --engine leaddef|handwritten --csv FILE [--reps R] [--as-of D]
// Prints one JSON line: leads/s (median pass), checksum, peak RSS.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Checksum } from '../lib/checksum.mjs';
import { splitCsvLine } from '../lib/leads.mjs';
import { makeQualifier, toLead } from './rules.mjs';

const { values: args } = parseArgs({ options: { engine: { type: 'string' }, csv: { type: 'string' }, reps: { type: 'string', default: '3' }, 'as-of': { type: 'string', default: '2026-11-22' } } });
const STAGES = { none: 0, mql: 1, sal: 2, sql: 3 };

const text = readFileSync(args.csv, 'utf8');
const lines = text.split('\n');
const columns = lines[0].split(',');
const leads = [];
for (let i = 1; i < lines.length; i++) if (lines[i]) leads.push(toLead(splitCsvLine(lines[i]), columns));
const n = leads.length;
const stage = new Int8Array(n);
const fit = new Float64Array(n);

let pass;
if (args.engine === 'handwritten') {
  const qualify = makeQualifier(args['as-of']);
  pass = () => {
    for (let i = 0; i < n; i++) {
      const [s, f] = qualify(leads[i]);
      stage[i] = s;
      fit[i] = f;
    }
  };
} else {
  const { compile } = await import('../../dist/compiler/index.js');
  const path = fileURLToPath(new URL('./wide.leaddef', import.meta.url));
  const { program } = compile(readFileSync(path, 'utf8'), { path });
  const opts = { asOf: args['as-of'] };
  pass = () => {
    for (let i = 0; i < n; i++) {
      const r = program.evaluate(leads[i], opts);
      stage[i] = STAGES[r.stage];
      fit[i] = r.scores.fit;
    }
  };
}
pass(); // warm-up
const times = [];
for (let k = 0; k < Number(args.reps); k++) {
  const t = performance.now();
  pass();
  times.push((performance.now() - t) / 1000);
}
const checksum = new Checksum();
for (let i = 0; i < n; i++) checksum.add(leads[i].id, stage[i], fit[i]);
const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];
process.stdout.write(JSON.stringify({ ok: true, n, rate: n / median, checksum: checksum.toString(), maxRss: process.resourceUsage().maxRSS * 1024 }) + '\n');
