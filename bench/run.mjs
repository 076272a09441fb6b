#!/usr/bin/env node
// npm run bench — leaddef against hand-written JavaScript and peer rule engines.
//
//   node bench/run.mjs [--count N] [--seed S] [--quick] [--only a,b] [--no-inmem] [--no-e2e]
//                      [--no-engines] [--engine-runs R] [--no-events] [--events-count N] [--events-runs R]
//                      [--vscode]
//
// Generates the leads once (examples/generate-leads.mjs, cached in bench/data/), runs every engine
// in its own child process, checks every engine's checksum against the hand-written reference and
// prints one table on stdout (progress goes to stderr). Exits non-zero on a checksum mismatch or a
// failed engine; leaddef rows that wait for the compiler print "pending" and do not fail the run.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync,
  openSync, readSync, writeSync, closeSync,
} from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { checksumCsvText } from './lib/checksum.mjs';
import { AS_OF } from './lib/schema.mjs';
import { LEADDEF_CLI } from './lib/cli-path.mjs';
import { editorLatency, enginesTable, runEngines } from './engines.mjs';
import { eventsBench } from './events.mjs';
import { vscodeTypingPart } from './lib/vscode-part.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH);
const DATA = join(BENCH, 'data');
const GENERATOR = join(ROOT, 'examples', 'generate-leads.mjs');
const LEADDEF_INDEX = join(ROOT, 'dist', 'compiler', 'index.js');
const TIME = '/usr/bin/time';

const { values: opt } = parseArgs({
  options: {
    count: { type: 'string' },
    seed: { type: 'string', default: '42' },
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    'no-inmem': { type: 'boolean', default: false },
    'no-e2e': { type: 'boolean', default: false },
    'no-engines': { type: 'boolean', default: false },
    'engine-runs': { type: 'string' },
    'no-events': { type: 'boolean', default: false },
    'events-count': { type: 'string' },
    'events-runs': { type: 'string' },
    vscode: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (opt.help) {
  process.stdout.write('usage: node bench/run.mjs [--count N] [--seed S] [--quick] [--only a,b] [--no-inmem] [--no-e2e] [--no-engines] [--engine-runs R] [--no-events] [--events-count N] [--events-runs R] [--vscode]\n');
  process.exit(0);
}
const COUNT = Number(opt.count ?? (opt.quick ? 20_000 : 1_000_000));
const SEED = Number(opt.seed);
const QUICK = opt.quick;
const only = opt.only ? new Set(opt.only.split(',')) : null;
const wanted = (id) => !only || only.has(id) || id === 'handwritten' || id === 'fast-reader';

const log = (msg) => process.stderr.write(`${msg}\n`);
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)}s`;

// ---------------------------------------------------------------------------------------------
// Engines. `limit`: slow peers run on a prefix of the data (their rate is prefix / median time).

const reps = (n) => (QUICK ? Math.min(n, 2) : n);
const INMEM = [
  { id: 'handwritten', label: 'hand-written JS (reference)', reps: reps(5), warmup: 20_000 },
  { id: 'leaddef', label: 'leaddef program.evaluate', reps: reps(5), warmup: 20_000 },
  { id: 'duckdb', label: 'DuckDB SQL, in-memory table', reps: reps(5), warmup: 0 },
  { id: 'filtrex', label: 'filtrex', limit: 200_000, reps: reps(3), warmup: 5_000 },
  { id: 'json-logic', label: 'json-logic-js', limit: 200_000, reps: reps(3), warmup: 5_000 },
  { id: 'cel', label: '@marcbachmann/cel-js', limit: 200_000, reps: reps(3), warmup: 5_000 },
  { id: 'zen', label: '@gorules/zen-engine', limit: 10_000, reps: reps(3), warmup: 1_000 },
  { id: 'json-rules-engine', label: 'json-rules-engine', limit: 10_000, reps: reps(3), warmup: 1_000 },
];
const node = process.execPath;
const E2E = [
  {
    id: 'fast-reader',
    label: 'hand-written fast reader (reference)',
    runs: reps(3),
    cmd: (i, o) => [node, [join(BENCH, 'e2e/fast-reader.mjs'), i, o, '--as-of', AS_OF]],
  },
  {
    id: 'leaddef-cli',
    label: 'leaddef run (CLI)',
    runs: reps(3),
    pending: () => (existsSync(LEADDEF_CLI) ? null : `pending (CLI not built: ${relative(ROOT, LEADDEF_CLI)} missing)`),
    cmd: (i, o) => [node, [LEADDEF_CLI, 'run', join(BENCH, 'bench.leaddef'), '--input', i, '--output', o, '--as-of', AS_OF]],
  },
  {
    id: 'duckdb-copy',
    label: 'DuckDB COPY from read_csv',
    runs: reps(3),
    cmd: (i, o) => [node, [join(BENCH, 'e2e/duckdb-copy.mjs'), i, o, '--as-of', AS_OF]],
  },
  {
    id: 'csv-parse',
    label: 'csv-parse objects + hand-written fn',
    limit: 100_000,
    runs: reps(3),
    cmd: (i, o) => [node, [join(BENCH, 'e2e/csv-parse.mjs'), i, o, '--as-of', AS_OF]],
  },
];

// ---------------------------------------------------------------------------------------------
// Data

function generatorHash() {
  return createHash('sha1').update(readFileSync(GENERATOR)).digest('hex').slice(0, 8);
}

/** The benchmark CSV, or the same leads as JSON Lines (generated once per count, seed and generator version). */
function ensureData(format = 'csv') {
  if (!existsSync(GENERATOR)) throw new Error(`missing ${relative(ROOT, GENERATOR)} (the shared lead generator)`);
  mkdirSync(DATA, { recursive: true });
  const stem = `leads-${COUNT}-s${SEED}`;
  const file = join(DATA, `${stem}-g${generatorHash()}.${format}`);
  if (existsSync(file)) {
    log(`data: ${relative(ROOT, file)} (cached)`);
    return file;
  }
  for (const f of readdirSync(DATA)) if (f.startsWith(`${stem}-g`) && f.endsWith(`.${format}`) && f !== `${stem}-g${generatorHash()}.${format}`) rmSync(join(DATA, f)); // stale generator version
  log(`data: generating ${COUNT.toLocaleString('en-US')} leads as ${format} (seed ${SEED}, --bad-rate 0) ...`);
  const tmp = `${file}.tmp`;
  const r = spawnSync(node, [GENERATOR, '--count', String(COUNT), '--seed', String(SEED), '--format', format, '--out', tmp, '--bad-rate', '0'], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (r.status !== 0) throw new Error(`lead generator failed (exit ${r.status})`);
  renameSync(tmp, file);
  log(`data: ${relative(ROOT, file)} (${(statSync(file).size / 2 ** 20).toFixed(0)} MiB) in ${elapsed()}`);
  return file;
}

/** The wide benchmark's CSV (bench/wide/generate.mjs), generated once per count, seed and generator version. */
function ensureWideData() {
  const generator = join(BENCH, 'wide', 'generate.mjs');
  const hash = createHash('sha1').update(readFileSync(generator)).digest('hex').slice(0, 8);
  const stem = `wide-${COUNT}-s${SEED}`;
  const file = join(DATA, `${stem}-g${hash}.csv`);
  if (existsSync(file)) return file;
  for (const f of readdirSync(DATA)) if (f.startsWith(`${stem}-g`)) rmSync(join(DATA, f));
  log(`data: generating ${COUNT.toLocaleString('en-US')} wide rows (seed ${SEED}) ...`);
  const r = spawnSync(node, [generator, '--count', String(COUNT), '--seed', String(SEED), '--out', `${file}.tmp`], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`wide generator failed (exit ${r.status})`);
  renameSync(`${file}.tmp`, file);
  return file;
}

/** The first `n` rows of the CSV as their own file (the generator's rows do not depend on count). */
function prefixFile(csv, n) {
  const file = csv.replace(/\.csv$/, `-first${n}.csv`);
  if (existsSync(file)) return file;
  const fd = openSync(csv, 'r');
  const buf = Buffer.allocUnsafe(1 << 20);
  const parts = [];
  let lines = 0;
  let inQuotes = false;
  outer: for (;;) {
    const got = readSync(fd, buf, 0, buf.length, null);
    if (got === 0) break;
    for (let i = 0; i < got; i++) {
      const b = buf[i];
      if (b === 34) inQuotes = !inQuotes;
      else if (b === 10 && !inQuotes && ++lines === n + 1) {
        parts.push(Buffer.from(buf.subarray(0, i + 1)));
        break outer;
      }
    }
    parts.push(Buffer.from(buf.subarray(0, got)));
  }
  closeSync(fd);
  writeFileSync(`${file}.tmp`, Buffer.concat(parts));
  renameSync(`${file}.tmp`, file);
  return file;
}

// ---------------------------------------------------------------------------------------------
// Child processes

let currentChild = null;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (currentChild) currentChild.kill('SIGKILL');
    process.exit(130);
  });
}

function run(cmd, args, { timeoutMs = 300_000, captureStdout = false } = {}) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', captureStdout ? 'pipe' : 'ignore', 'pipe'] });
    currentChild = child;
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      process.stderr.write(d);
    });
    const timer = setTimeout(() => {
      stderr += `\n(killed after ${timeoutMs / 1000}s)`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      currentChild = null;
      resolve({ code, signal, stdout, stderr, seconds: Number(process.hrtime.bigint() - t0) / 1e9 });
    });
  });
}

// Keep the whole bench within ~10 minutes on a busy 2-core machine: an engine stops repeating once
// its timed runs pass this many seconds (it always gets one).
const E2E_BUDGET_S = 40;
const INMEM_BUDGET_S = 30;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const tail = (s, n = 600) => (s.length > n ? '…' + s.slice(-n) : s).trim();

// ---------------------------------------------------------------------------------------------
// Part 1: in memory

async function runInMemory(csv, rows) {
  const results = [];
  const prefixes = [...new Set([...INMEM, ...E2E].map((e) => e.limit).filter((l) => l && l < COUNT))];
  for (const e of INMEM) {
    if (!wanted(e.id)) continue;
    const limit = Math.min(e.limit ?? COUNT, COUNT);
    const row = { part: 'inmem', id: e.id, label: e.label, n: limit, prefix: limit < COUNT };
    results.push(row);
    if (e.id === 'leaddef' && !existsSync(LEADDEF_INDEX)) {
      row.status = 'pending (compiler not built: dist/compiler/index.js missing)';
      row.pending = true;
      log(`\n[in-memory] ${e.label}: ${row.status}`);
      continue;
    }
    log(`\n[in-memory ${elapsed()}] ${e.label}: ${limit.toLocaleString('en-US')} leads, ${e.reps} timed passes`);
    const args = ['--max-old-space-size=8192', join(BENCH, 'inmem-child.mjs'), '--engine', e.id, '--csv', csv,
      '--limit', String(limit), '--reps', String(e.reps), '--warmup', String(e.warmup ?? 10_000), '--as-of', AS_OF,
      '--budget', String(INMEM_BUDGET_S)];
    if (e.id === 'handwritten') args.push('--prefixes', prefixes.join(','));
    const r = await run(node, args, { captureStdout: true });
    let out = null;
    try {
      out = JSON.parse(r.stdout.trim().split('\n').pop());
    } catch {
      /* reported below */
    }
    if (!out?.ok) {
      row.pending = Boolean(out?.pending);
      row.status = row.pending ? out.error.split('\n')[0].replace(/^\w*Error: /, '') : 'FAILED';
      row.error = out?.error ?? tail(r.stderr) ?? `exit ${r.code}`;
      if (!row.pending) log(`!! ${e.label} FAILED:\n${row.error}`);
      continue;
    }
    Object.assign(row, {
      rate: out.rate, cpuRate: out.cpuRate, runs: out.times.length, checksum: out.checksum, stages: out.stages, note: out.note,
      maxRss: out.maxRss, dataRss: out.rssAfterLoad, prefixChecksums: out.prefixChecksums,
    });
    if (e.id === 'leaddef' && out.note === 'evaluateMany') row.label = 'leaddef program.evaluateMany';
    if (e.id === 'leaddef' && out.note === 'evaluateColumns') row.label = 'leaddef program.evaluateColumns';
  }
  return results;
}

// ---------------------------------------------------------------------------------------------
// Part 2: end to end

async function runEndToEnd(csv) {
  const results = [];
  const outDir = join(DATA, 'out');
  mkdirSync(outDir, { recursive: true });
  const haveTime = existsSync(TIME);
  const rssFile = join(outDir, 'maxrss.txt');
  for (const e of E2E) {
    if (!wanted(e.id)) continue;
    const limit = Math.min(e.limit ?? COUNT, COUNT);
    const input = limit < COUNT ? prefixFile(csv, limit) : csv;
    const row = { part: 'e2e', id: e.id, label: e.label, n: limit, prefix: limit < COUNT };
    results.push(row);
    const pending = e.pending?.();
    if (pending) {
      row.status = pending;
      row.pending = true;
      log(`\n[end-to-end] ${e.label}: ${pending}`);
      continue;
    }
    log(`\n[end-to-end ${elapsed()}] ${e.label}: ${limit.toLocaleString('en-US')} rows, ${e.runs} runs`);
    const output = join(outDir, `${e.id}.csv`);
    const times = [];
    const cpus_ = [];
    const rss = [];
    let checksum = null;
    for (let i = 0; i < e.runs; i++) {
      rmSync(output, { force: true });
      const [cmd, args] = e.cmd(input, output);
      // Peak RSS of the child: GNU time when present, else a preload that reports the child's own maxRSS.
      const r = haveTime
        ? await run(TIME, ['-f', '%M %U %S', '-o', rssFile, cmd, ...args])
        : await run(cmd, [`--import=${join(BENCH, 'lib/report-maxrss.mjs')}`, ...args], {});
      if (r.code !== 0 || !existsSync(output)) {
        row.status = 'FAILED';
        row.error = `exit ${r.code ?? r.signal}: ${tail(r.stderr)}`;
        log(`!! ${e.label} FAILED: ${row.error}`);
        break;
      }
      let kb;
      let cpu;
      if (haveTime) {
        const [m, user, sys] = readFileSync(rssFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
        kb = m;
        cpu = user + sys;
      } else {
        const m = /maxRSS=(\d+) cpu=([\d.]+)/.exec(r.stderr);
        kb = Number(m?.[1]);
        cpu = Number(m?.[2]);
      }
      rss.push(kb * 1024);
      times.push(r.seconds);
      cpus_.push(cpu);
      let c;
      try {
        c = checksumCsvText(readFileSync(output, 'utf8')).toString();
      } catch (err) {
        row.status = 'FAILED';
        row.error = `unreadable output: ${err.message}`;
        log(`!! ${e.label}: ${row.error}`);
        break;
      }
      if (checksum !== null && c !== checksum) {
        row.status = 'FAILED';
        row.error = `output differs between runs: ${checksum} then ${c}`;
        log(`!! ${e.label}: ${row.error}`);
        break;
      }
      checksum = c;
      const stop = i + 1 < e.runs && times.reduce((a, b) => a + b, 0) > E2E_BUDGET_S;
      log(`  run ${i + 1}/${e.runs}: ${r.seconds.toFixed(2)}s wall, ${cpu.toFixed(2)}s cpu, ${(kb / 1024).toFixed(0)} MiB peak RSS${stop ? ' — time budget spent, no more runs' : ''}`);
      if (stop) break;
    }
    if (row.status) continue;
    Object.assign(row, { rate: limit / median(times), cpuRate: limit / median(cpus_), runs: times.length, checksum, maxRss: Math.max(...rss), seconds: median(times) });
  }
  return results;
}

// ---------------------------------------------------------------------------------------------
// Checks and the table

function verify(rows, refRow, expectedFor) {
  let failures = 0;
  for (const row of rows) {
    if (row.pending) continue;
    if (row.status === 'FAILED') {
      failures++;
      continue;
    }
    const expected = expectedFor(row);
    if (!refRow || expected === undefined) {
      row.check = 'UNVERIFIED';
      failures++;
    } else if (row.checksum === expected) {
      row.check = 'OK';
    } else {
      row.check = 'MISMATCH';
      row.expected = expected;
      failures++;
    }
  }
  return failures;
}

const fmtRatio = (r) => `${r >= 10 ? r.toFixed(1) : r >= 0.1 ? r.toFixed(2) : r.toPrecision(2)}x`;
const fmtInt = (x) => Math.round(x).toLocaleString('en-US');
const fmtMiB = (b) => (b ? `${fmtInt(b / 2 ** 20)} MiB` : '');

function printTable(sections, meta) {
  const header = ['engine', 'leads', 'leads/s', 'vs JS', 'leads/cpu-s', 'peak RSS', 'runs', 'checksum'];
  const lines = [];
  for (const s of sections) {
    lines.push({ title: s.title });
    const ref = s.rows.find((r) => r.id === s.refId && r.rate);
    for (const r of s.rows) {
      if (r.rate === undefined) {
        lines.push({ cells: [r.label, fmtInt(r.n) + (r.prefix ? '*' : ''), r.status ?? '', '', '', '', '', ''] });
        continue;
      }
      const ratio = ref ? r.rate / ref.rate : NaN;
      lines.push({
        cells: [
          r.label,
          fmtInt(r.n) + (r.prefix ? '*' : ''),
          fmtInt(r.rate),
          Number.isFinite(ratio) ? fmtRatio(ratio) : '',
          r.cpuRate ? fmtInt(r.cpuRate) : '',
          fmtMiB(r.maxRss),
          `med ${r.runs}`,
          r.check ?? '',
        ],
      });
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...lines.filter((l) => l.cells).map((l) => (i === 2 && l.cells[3] === '' && l.cells[2].length > 24 ? 0 : l.cells[i].length))));
  const right = [false, true, true, true, true, true, false, false];
  const fmtRow = (cells) => {
    // a long status ("pending (...)") spills over the numeric columns
    if (cells[3] === '' && cells[2].length > widths[2]) return `${cells[0].padEnd(widths[0])}  ${cells[1].padStart(widths[1])}  ${cells[2]}`;
    return cells.map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  };
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const out = [];
  out.push(`leaddef benchmark: ${meta.count.toLocaleString('en-US')} generated leads (seed ${meta.seed}), as of ${AS_OF}; ${meta.env}`);
  out.push('');
  out.push(fmtRow(header));
  out.push(rule);
  for (const l of lines) out.push(l.title ? `${l.title}` : fmtRow(l.cells));
  out.push(rule);
  for (const n of meta.notes) out.push(n);
  process.stdout.write(out.join('\n') + '\n');
}

// ---------------------------------------------------------------------------------------------

const meta = {
  count: COUNT,
  seed: SEED,
  env: `Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model?.trim() ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
  notes: [],
};
const load0 = loadavg()[0];
let failures = 0;
const sections = [];
try {
  const csv = ensureData();
  let inmem = [];
  if (!opt['no-inmem']) {
    inmem = await runInMemory(csv);
    const ref = inmem.find((r) => r.id === 'handwritten' && r.checksum);
    const expected = (row) => (row.n === COUNT ? ref?.checksum : ref?.prefixChecksums?.[row.n]);
    failures += verify(inmem, ref, expected);
    sections.push({ title: `in memory: ${COUNT.toLocaleString('en-US')} pre-parsed nested lead objects, evaluation only`, rows: inmem, refId: 'handwritten' });
  }
  if (!opt['no-e2e']) {
    const e2e = await runEndToEnd(csv);
    const ref = e2e.find((r) => r.id === 'fast-reader' && r.checksum);
    const inmemRef = inmem.find((r) => r.id === 'handwritten' && r.checksum);
    if (ref && inmemRef && ref.checksum !== inmemRef.checksum) {
      log(`!! CHECKSUM MISMATCH between the two hand-written references: in memory ${inmemRef.checksum}, end to end ${ref.checksum}`);
      ref.check = 'MISMATCH';
      failures++;
    }
    // Prefix runs are checked against the in-memory reference's prefix checksums when available,
    // else against the fast reader run on the same prefix file.
    const prefixRef = {};
    for (const row of e2e.filter((r) => r.prefix && !r.pending && r.status !== 'FAILED')) {
      if (inmemRef?.prefixChecksums?.[row.n] === undefined && !(row.n in prefixRef)) {
        const out = join(DATA, 'out', `fast-reader-first${row.n}.csv`);
        const r = await run(node, [join(BENCH, 'e2e/fast-reader.mjs'), prefixFile(csv, row.n), out, '--as-of', AS_OF]);
        prefixRef[row.n] = r.code === 0 ? checksumCsvText(readFileSync(out, 'utf8')).toString() : undefined;
      }
    }
    const expected = (row) => (row.n === COUNT ? ref?.checksum : inmemRef?.prefixChecksums?.[row.n] ?? prefixRef[row.n]);
    failures += verify(e2e, ref, expected);
    sections.push({ title: `end to end: ${COUNT.toLocaleString('en-US')}-row CSV -> id,stage,fit CSV, wall time of a fresh process`, rows: e2e, refId: 'fast-reader' });
  }
  const all = sections.flatMap((s) => s.rows);
  const ref = all.find((r) => r.id === 'handwritten' && r.stages) ?? null;
  if (all.some((r) => r.prefix)) meta.notes.push('* slow peers run on the first N leads of the same data; their leads/s is N / median time.');
  meta.notes.push('leads/s: wall clock, median of the timed runs ("med 5" = 5 runs); in memory after an untimed warm-up pass, each engine in');
  meta.notes.push('its own process. leads/cpu-s: the same runs per CPU-second of the whole process (all its threads); less sensitive to a busy machine.');
  meta.notes.push('peak RSS: max resident set of that engine\'s process; in memory it includes the pre-parsed leads (' +
    (inmemRefRss(all) ?? '?') + ' for all leads loaded, before any engine), DuckDB holds its own table instead.');
  if (ref) {
    const [none, mql, sal, sql] = ref.stages;
    meta.notes.push(`reference checksum ${ref.checksum} (n:Σ(stage*1000003+fit):Σ(idhash*(...))), stages none/mql/sal/sql = ${fmtInt(none)}/${fmtInt(mql)}/${fmtInt(sal)}/${fmtInt(sql)}.`);
  }
  meta.notes.push(`load average ${load0.toFixed(1)} at start, ${loadavg()[0].toFixed(1)} at end; total ${elapsed()}. Rules: bench/bench.leaddef; peers: bench/peers/, bench/lib/sql.mjs, bench/e2e/.`);
  for (const r of all.filter((r) => r.check === 'MISMATCH')) {
    meta.notes.push(`!! CHECKSUM MISMATCH: ${r.label} (${r.part}) got ${r.checksum}, expected ${r.expected}`);
  }
  for (const r of all.filter((r) => r.status === 'FAILED')) meta.notes.push(`!! FAILED: ${r.label}: ${tail(r.error ?? '', 400)}`);
  printTable(sections, meta);
  let engines = [];
  if (!opt['no-engines']) {
    // Part 3: both batch engines against the plain DuckDB query, current and wide definition.
    const byId = (id) => inmem.find((r) => r.id === id && r.n === COUNT && r.checksum);
    const done = byId('handwritten') && byId('leaddef') ? { handwritten: { ok: true, ...byId('handwritten') }, leaddef: { ok: true, ...byId('leaddef') } } : undefined;
    const inmemChild = (csv) => (engine) => [node, ['--max-old-space-size=8192', join(BENCH, 'inmem-child.mjs'), '--engine', engine, '--csv', csv, '--reps', String(reps(3)), '--warmup', '20000', '--as-of', AS_OF, '--budget', String(INMEM_BUDGET_S)]];
    const wideCsv = ensureWideData();
    const defs = [
      { name: 'current', title: `current definition (bench/bench.leaddef, ${fmtInt(COUNT)} rows, 26 columns)`, leaddef: join(BENCH, 'bench.leaddef'), csv, jsonl: ensureData('jsonl'), inmemDone: done, report: true,
        plain: (i, o) => [node, [join(BENCH, 'e2e/duckdb-copy.mjs'), i, o, '--as-of', AS_OF]], inmem: inmemChild(csv) },
      { name: 'wide', title: `wide definition (bench/wide/wide.leaddef, ${fmtInt(COUNT)} rows, 24 columns)`, leaddef: join(BENCH, 'wide', 'wide.leaddef'), csv: wideCsv, parquet: true, typedParquet: true,
        plain: (i, o) => [node, [join(BENCH, 'wide', 'plain-duckdb.mjs'), i, o, '--as-of', AS_OF]],
        inmem: (engine) => [node, ['--max-old-space-size=8192', join(BENCH, 'wide', 'inmem.mjs'), '--engine', engine, '--csv', wideCsv, '--reps', String(reps(3)), '--as-of', AS_OF]] },
    ];
    engines = existsSync(LEADDEF_CLI) ? await runEngines({ root: ROOT, defs, asOf: AS_OF, runs: Number(opt['engine-runs'] ?? 1), log }) : [];
    const lines = ['', `engines end to end (fresh process each; × reference = this run's time / the plain DuckDB query's, or the hand-written function's rate / this rate); ${engines.length ? '' : 'pending (CLI not built)'}`];
    lines.push(...enginesTable(engines), '', ...(await editorLatency(ROOT, log)));
    lines.push('', `load average ${loadavg()[0].toFixed(1)} after part 3 (the machine is shared: wall times are noisy, CPU seconds less so).`);
    failures += engines.flatMap((e) => e.rows).filter((r) => r.status === 'FAILED' || r.check === 'MISMATCH').length;
    process.stdout.write(lines.join('\n') + '\n');
  }
  let events = null;
  if (!opt['no-events'] && existsSync(LEADDEF_CLI)) {
    // Part 4: behaviour over time — a definition with an event stream, N leads × ~10 events each.
    try {
      events = await eventsBench({ count: Number(opt['events-count'] ?? COUNT), seed: SEED, runs: Number(opt['events-runs'] ?? 1), log });
      process.stdout.write(['', ...events.lines, ''].join('\n'));
    } catch (err) {
      log(`!! events bench failed: ${err.message}`);
      failures++;
    }
  }
  // Part 5 (--vscode): typing in the real VS Code; needs `bash test/vscode/install.sh`.
  const vscode = opt.vscode ? await vscodeTypingPart(ROOT, log) : (log('bench: --vscode adds typing latency in the real VS Code (bench/vscode-typing.mjs)'), null);
  if (vscode) process.stdout.write(['', ...vscode.lines, ''].join('\n'));
  writeFileSync(join(DATA, 'results.json'), JSON.stringify({ meta, sections, engines: engines.map(({ def, rows }) => ({ def: def.name, rows: rows.map(({ ref: _, ...r }) => r) })), events: events && { count: events.count, events: events.events, rows: events.rows }, ...(vscode?.data ? { vscode: vscode.data } : {}) }, null, 2));
} catch (err) {
  log(`bench: ${err.stack ?? err}`);
  process.exit(2);
}
if (failures) {
  log(`\n!! bench: ${failures} engine(s) failed or disagree with the hand-written reference — see above.`);
  process.exit(1);
}

function inmemRefRss(all) {
  const r = all.find((x) => x.id === 'handwritten' && x.dataRss);
  return r ? fmtMiB(r.dataRss) : null;
}
