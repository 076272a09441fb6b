#!/usr/bin/env node
// npm run bench:events — scoring behaviour: `leaddef run` with an event stream from a separate
// file (examples/engagement.leaddef: windows, decay, max, count and latest), N leads × ~10 events
// each, for both engines: wall time, rows per second and peak memory (/usr/bin/time -v).
// Numbers, not a test: nothing here asserts a time.
//
//   npm run build && node bench/events.mjs [--count N] [--seed S]
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { COLUMNS, generateLeads, toCsvLine } from '../examples/generate-leads.mjs';
import { generateEvents } from '../examples/generate-events.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH);
const CLI = join(ROOT, 'dist', 'compiler', 'app', 'cli.js');
const DEF = join(ROOT, 'examples', 'engagement.leaddef');
const { values: opt } = parseArgs({ options: { count: { type: 'string', default: '100000' }, seed: { type: 'string', default: '42' } } });
const count = Number(opt.count);
const seed = Number(opt.seed);

async function write(path, header, lines) {
  const out = createWriteStream(path);
  let buf = header + '\n';
  let n = 0;
  for (const line of lines) {
    buf += line + '\n';
    n++;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise((r) => out.once('drain', r));
      buf = '';
    }
  }
  await new Promise((r) => out.end(buf, r));
  return n;
}

const data = join(BENCH, 'data');
mkdirSync(data, { recursive: true });
const leadsPath = join(data, `events-leads-${count}-${seed}.csv`);
const eventsPath = join(data, `events-${count}-${seed}.csv`);
let events = 0;
if (!existsSync(leadsPath) || !existsSync(eventsPath)) {
  process.stderr.write(`generating ${count} leads and their events…\n`);
  await write(leadsPath, COLUMNS.join(','), (function* () { for (const r of generateLeads({ seed, count, badRowRate: 0 })) yield toCsvLine(r); })());
  events = await write(eventsPath, 'id,type,occurred,url', (function* () { for (const e of generateEvents({ seed, count })) yield `${e.id},${e.type},${e.occurred},${e.url}`; })());
} else {
  events = Number(spawnSync('wc', ['-l', eventsPath], { encoding: 'utf8' }).stdout.trim().split(/\s+/)[0]) - 1;
}

function run(engine) {
  const args = ['-v', process.execPath, CLI, 'run', DEF, '--input', leadsPath, '--events', `activity=${eventsPath}`, '--as-of', '2026-11-22', '--engine', engine, '-o', '/dev/null', '--no-progress'];
  const started = performance.now();
  const r = spawnSync('/usr/bin/time', args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = (performance.now() - started) / 1000;
  if (r.status !== 0) throw new Error(`${engine}: exit ${r.status}\n${r.stderr.slice(-2000)}`);
  const rss = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1] ?? NaN) / 1024;
  return { seconds, rss };
}

const rows = [];
for (const engine of ['js', 'duckdb']) {
  const runs = [run(engine), run(engine), run(engine)].sort((a, b) => a.seconds - b.seconds);
  rows.push({ engine, ...runs[1] });
}
console.log(`leads: ${count}, events: ${events} (${(events / count).toFixed(1)} per lead); load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
console.log('| engine | median of 3 | leads/s | peak memory |');
console.log('|---|---|---|---|');
for (const r of rows) console.log(`| ${r.engine} | ${r.seconds.toFixed(2)} s | ${Math.round(count / r.seconds).toLocaleString('en-US')} | ${r.rss.toFixed(0)} MB |`);
console.log('(--engine duckdb reads the events file itself, into a table under its 1 GB memory limit, and joins in SQL.)');
