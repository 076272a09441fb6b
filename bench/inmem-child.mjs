#!/usr/bin/env node
// One in-memory benchmark run of one engine, in its own process (own heap, JIT state and RSS).
//   node bench/inmem-child.mjs --engine NAME --csv FILE [--limit N] [--reps R] [--warmup W] [--as-of D]
//                              [--prefixes N1,N2]   (also report checksums of these prefixes)
// Loads up to N leads (untimed), sets the engine up (untimed), warms it up on W leads, then times
// R full passes. Prints one JSON line on stdout: timings, checksum, RSS.
import { parseArgs } from 'node:util';
import { loadLeads } from './lib/leads.mjs';
import { Checksum, STAGE_INDEX } from './lib/checksum.mjs';
import { AS_OF } from './lib/schema.mjs';

const { values: args } = parseArgs({
  options: {
    engine: { type: 'string' },
    csv: { type: 'string' },
    limit: { type: 'string', default: String(Number.MAX_SAFE_INTEGER) },
    reps: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '10000' },
    'as-of': { type: 'string', default: AS_OF },
    prefixes: { type: 'string' },
    budget: { type: 'string', default: '40' }, // seconds of timed passes; stop early past it (>= 1 pass)
  },
});
const log = (msg) => process.stderr.write(`  [${args.engine}] ${msg}\n`);
const mib = (b) => Math.round(b / 2 ** 20);

function emit(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

try {
  const peer = await import(`./peers/${args.engine}.mjs`);
  const limit = Number(args.limit);
  let t = performance.now();
  const leads = peer.needsLeads === false ? null : loadLeads(args.csv, { limit });
  if (leads) log(`loaded ${leads.length} leads in ${((performance.now() - t) / 1000).toFixed(1)}s, rss ${mib(process.memoryUsage().rss)} MiB`);
  const n = leads ? leads.length : limit;
  const rssBeforeSetup = process.memoryUsage().rss;
  t = performance.now();
  const engine = await peer.setup({ asOf: args['as-of'], leads, n, csvPath: args.csv });
  const ids = engine.ids ?? leads.map((l) => l.id);
  const count = ids.length;
  log(`setup ${((performance.now() - t) / 1000).toFixed(1)}s${engine.note ? ` (${engine.note})` : ''}`);
  const rssAfterSetup = process.memoryUsage().rss;

  const stage = new Int8Array(count);
  const fit = new Int16Array(count);
  const rssAfterLoad = rssBeforeSetup;
  const warm = Math.min(count, Number(args.warmup));
  if (warm > 0) await engine.run(leads, warm, stage, fit, STAGE_INDEX);

  const reps = Number(args.reps);
  const times = [];
  const cpuTimes = [];
  let checksum = null;
  for (let r = 0; r < reps; r++) {
    stage.fill(-1);
    fit.fill(-32768);
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    await engine.run(leads, count, stage, fit, STAGE_INDEX);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = process.cpuUsage(cpu0); // the whole process: all threads (DuckDB's, GC helpers)
    times.push(seconds);
    cpuTimes.push((cpu.user + cpu.system) / 1e6);
    const c = new Checksum();
    for (let i = 0; i < count; i++) c.add(ids[i], stage[i], fit[i]);
    if (checksum !== null && c.toString() !== checksum.toString()) {
      throw new Error(`results differ between passes: ${checksum} then ${c}`);
    }
    checksum = c;
    const spent = times.reduce((a, b) => a + b, 0);
    const stop = r + 1 < reps && spent > Number(args.budget);
    log(`pass ${r + 1}/${reps}: ${seconds.toFixed(3)}s = ${Math.round(count / seconds).toLocaleString('en-US')} leads/s (cpu ${cpuTimes.at(-1).toFixed(3)}s)${stop ? ' — time budget spent, no more passes' : ''}`);
    if (stop) break;
  }
  await engine.close?.();
  // Checksums of prefixes, for checking engines that run on a prefix of the data.
  const prefixChecksums = {};
  for (const p of (args.prefixes ?? '').split(',').filter(Boolean).map(Number)) {
    if (p >= count) continue;
    const c = new Checksum();
    for (let i = 0; i < p; i++) c.add(ids[i], stage[i], fit[i]);
    prefixChecksums[p] = c.toString();
  }
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const cpuMedian = [...cpuTimes].sort((a, b) => a - b)[Math.floor(cpuTimes.length / 2)];
  emit({
    engine: args.engine,
    ok: true,
    n: count,
    times,
    median,
    rate: count / median,
    cpuTimes,
    cpuRate: count / cpuMedian,
    checksum: checksum.toString(),
    stages: checksum.stages,
    note: engine.note ?? '',
    rssAfterLoad,
    rssAfterSetup,
    prefixChecksums,
    maxRss: process.resourceUsage().maxRSS * 1024,
  });
} catch (err) {
  emit({ engine: args.engine, ok: false, pending: err?.constructor?.name === 'Pending', error: String(err?.stack ?? err) });
  process.exitCode = 1;
}
