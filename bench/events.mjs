#!/usr/bin/env node
// npm run bench:events — scoring behaviour: `leaddef run` with an event stream from a separate
// file (examples/engagement.leaddef: windows, decay, max, count and latest), N leads × ~10 events
// each, for both engines: wall time, CPU time, rows per second and peak memory (/usr/bin/time -v).
// Numbers, not a test: nothing here asserts a time. `npm run bench` runs it as its part 4.
//
//   npm run build && node bench/events.mjs [--count N] [--seed S] [--runs R]
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, renameSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { COLUMNS, generateLeads, toCsvLine } from '../examples/generate-leads.mjs';
import { generateEvents } from '../examples/generate-events.mjs';
import { LEADDEF_CLI as CLI } from './lib/cli-path.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH);
const DEF = join(ROOT, 'examples', 'engagement.leaddef');
const AS_OF = '2026-11-22';

/** Writes `header` and every line of `lines` to `path` (through a .tmp file, so an interrupted run leaves no half file); returns the line count. */
async function write(path, header, lines) {
  const tmp = `${path}.tmp`;
  const out = createWriteStream(tmp);
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
  renameSync(tmp, path);
  return n;
}

/**
 * The leads file and its events file for `count` leads (generated once, cached in bench/data/).
 * Ids are padded to one width (`L0000001` at a million leads): the generator's `L999999` then
 * `L1000000` are not in code-point order, and an events file above `--events-memory` is merged
 * with the leads in id order, so both files come sorted, as a warehouse export would.
 */
async function ensureData(count, seed, log) {
  const data = join(BENCH, 'data');
  mkdirSync(data, { recursive: true });
  const leadsPath = join(data, `events-leads-${count}-${seed}-sorted.csv`);
  const eventsPath = join(data, `events-${count}-${seed}-sorted.csv`);
  const width = String(count).length;
  const pad = (id) => `L${id.slice(1).padStart(width, '0')}`;
  let events;
  if (!existsSync(leadsPath) || !existsSync(eventsPath)) {
    log(`events bench: generating ${count.toLocaleString('en-US')} leads and their events…`);
    await write(leadsPath, COLUMNS.join(','), (function* () { for (const r of generateLeads({ seed, count, badRowRate: 0 })) yield toCsvLine({ ...r, id: pad(r.id) }); })());
    events = await write(eventsPath, 'id,type,occurred,url', (function* () { for (const e of generateEvents({ seed, count })) yield `${pad(e.id)},${e.type},${e.occurred},${e.url}`; })());
  } else {
    events = Number(spawnSync('wc', ['-l', eventsPath], { encoding: 'utf8' }).stdout.trim().split(/\s+/)[0]) - 1;
  }
  return { leadsPath, eventsPath, events };
}

/** One fresh `leaddef run` under /usr/bin/time -v: wall seconds, CPU seconds, peak RSS in MiB and the engine's notices. */
function runOnce(engine, leadsPath, eventsPath) {
  const args = ['-v', process.execPath, CLI, 'run', DEF, '--input', leadsPath, '--events', `activity=${eventsPath}`, '--as-of', AS_OF, '--engine', engine, '-o', '/dev/null', '--no-progress'];
  const started = performance.now();
  const r = spawnSync('/usr/bin/time', args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = (performance.now() - started) / 1000;
  if (r.status !== 0) throw new Error(`${engine}: exit ${r.status}\n${r.stderr.slice(-2000)}`);
  const kb = (name) => Number(new RegExp(`${name}: ([\\d.]+)`).exec(r.stderr)?.[1] ?? NaN);
  const cpu = kb('User time \\(seconds\\)') + kb('System time \\(seconds\\)');
  const rss = kb('Maximum resident set size \\(kbytes\\)') / 1024;
  // The DuckDB engine's hand-over warning ("…; scoring with the JS engine instead (same results)").
  const handedOver = /scoring with the JS engine instead/.test(r.stderr);
  return { seconds, cpu, rss, handedOver };
}

/**
 * Runs both engines `runs` times each on `count` leads with their events; returns the median run
 * per engine and the table's lines (markdown, as the README shows them).
 */
export async function eventsBench({ count = 100_000, seed = 42, runs = 3, log = (m) => process.stderr.write(`${m}\n`) } = {}) {
  const { leadsPath, eventsPath, events } = await ensureData(count, seed, log);
  const rows = [];
  for (const engine of ['js', 'duckdb']) {
    log(`events bench: ${engine} × ${runs}…`);
    const all = Array.from({ length: runs }, () => runOnce(engine, leadsPath, eventsPath)).sort((a, b) => a.seconds - b.seconds);
    rows.push({ engine, runs, ...all[Math.floor((runs - 1) / 2)] });
  }
  const lines = [
    `events (examples/engagement.leaddef, --events activity=FILE): ${count.toLocaleString('en-US')} leads, ${events.toLocaleString('en-US')} events (${(events / count).toFixed(1)} per lead); load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`,
    `| engine | wall (median of ${runs}) | CPU | leads/s | peak memory |`,
    '|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.engine}${r.handedOver ? ' (handed to JS)' : ''} | ${r.seconds.toFixed(2)} s | ${r.cpu.toFixed(2)} s | ${Math.round(count / r.seconds).toLocaleString('en-US')} | ${r.rss.toFixed(0)} MB |`),
    '(--engine duckdb reads the events file itself, into a table under a 256 MB memory limit (spilling to disk past it), and joins in SQL.)',
  ];
  return { count, events, rows, lines };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values: opt } = parseArgs({ options: { count: { type: 'string', default: '100000' }, seed: { type: 'string', default: '42' }, runs: { type: 'string', default: '3' } } });
  const { lines } = await eventsBench({ count: Number(opt.count), seed: Number(opt.seed), runs: Number(opt.runs) });
  console.log(lines.join('\n'));
}
