#!/usr/bin/env node
// Deterministic, seeded generator of marketing activity events for the leads of
// examples/generate-leads.mjs (same seed and count: the same lead ids). Plain Node ESM.
//
//   node examples/generate-events.mjs --count 1000 --seed 42 [--out FILE]
//
// One CSV row per event: id,type,occurred,url — e-mail opens and clicks, page views (with a
// URL), webinars attended, form submissions and demo requests, over the 180 days before
// BASE_DATE, as ISO timestamps. How active a lead is follows its engagement score (the same
// latent buying intent the lead generator draws), so behaviour and fit are correlated as in a
// real CRM; about one lead in five has no events at all. About 10 events per lead on average.
//
// Library API: generateEvents({ seed, count }) yields { id, type, occurred, url } in lead order.
import { createWriteStream } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { BASE_DATE, generateLeads, mulberry32 } from './generate-leads.mjs';

export const EVENT_COLUMNS = ['id', 'type', 'occurred', 'url'];

/** Event types with their share of a lead's events (demo requests are rare, opens common). */
const TYPES = [
  ['email_open', 0.38], ['email_click', 0.2], ['page_view', 0.3], ['webinar_attended', 0.05],
  ['form_submit', 0.05], ['demo_request', 0.02],
];
const URLS = [
  ['/pricing', 0.18], ['/product', 0.25], ['/blog/lead-scoring-101', 0.2], ['/docs/getting-started', 0.12],
  ['/customers', 0.1], ['/pricing/enterprise', 0.05], ['/careers', 0.1],
];

/** A stream of its own over the lead generator's mulberry32, with weighted picks from tables whose weights sum to 1. */
function rng(seed) {
  const next = mulberry32(seed);
  const weighted = (table) => {
    let r = next();
    for (const [v, w] of table) if ((r -= w) < 0) return v;
    return table[table.length - 1][0];
  };
  return { next, weighted };
}

const DAY = 86_400_000;
const base = Date.parse(`${BASE_DATE}T00:00:00Z`);

/** Yields each lead's events, in lead order and, within a lead, oldest first. */
export function* generateEvents({ seed = 42, count = 1000 } = {}) {
  const r = rng(seed * 7919 + 17);
  for (const lead of generateLeads({ seed, count, badRowRate: 0 })) {
    const score = Number(lead.values['engagement.score']);
    const intent = Number.isFinite(score) ? Math.max(0, Math.min(100, score)) / 100 : 0.3;
    if (r.next() < 0.2 * (1.2 - intent)) continue; // no activity at all
    // Geometric count: mean ~4 for cold leads, ~24 for hot ones.
    const mean = 4 + 20 * intent * intent;
    let n = 0;
    for (let k = 0; k < 60 && r.next() < mean / (mean + 1); k++) n++;
    const events = [];
    for (let k = 0; k < n; k++) {
      // Recent activity is likelier for engaged leads.
      const age = Math.floor(180 * Math.pow(r.next(), 1 + intent));
      const at = new Date(base - age * DAY + Math.floor(r.next() * DAY));
      let type = r.weighted(TYPES);
      if (type === 'demo_request' && r.next() > intent) type = 'page_view';
      events.push({ id: lead.id, type, occurred: at.toISOString().slice(0, 19) + 'Z', url: type === 'page_view' ? r.weighted(URLS) : '' });
    }
    events.sort((a, b) => (a.occurred < b.occurred ? -1 : 1));
    yield* events;
  }
}

function parseArgs(argv) {
  const opts = { count: 1000, seed: 42, out: undefined };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].includes('=') ? argv[i].split(/=(.*)/s) : [argv[i], undefined];
    const value = () => inline ?? argv[++i];
    if (flag === '--count') opts.count = Number(value());
    else if (flag === '--seed') opts.seed = Number(value());
    else if (flag === '--out') opts.out = value();
    else {
      process.stderr.write('usage: node examples/generate-events.mjs --count N --seed S [--out FILE]\n');
      process.exit(2);
    }
  }
  return opts;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const opts = parseArgs(process.argv.slice(2));
  const out = opts.out ? createWriteStream(opts.out) : process.stdout;
  let buffer = EVENT_COLUMNS.join(',') + '\n';
  for (const e of generateEvents(opts)) {
    buffer += `${e.id},${e.type},${e.occurred},${e.url}\n`;
    if (buffer.length > 1 << 16) {
      out.write(buffer);
      buffer = '';
    }
  }
  out.end(buffer);
}
