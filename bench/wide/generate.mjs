#!/usr/bin/env node
// Seeded data for the wide benchmark (bench/wide/wide.leaddef): 24 flat columns as a CRM export
// writes them — optional cells left empty, booleans spelt true/false/yes/no/1/0, plain numbers,
// ISO dates, an occasional quoted name with a comma. Every row is valid for the definition.
//   node bench/wide/generate.mjs --count N [--seed S] --out FILE.csv
import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { mulberry32 } from '../../examples/generate-leads.mjs';

export const COLUMNS = ['id', 'name', 'industry', 'region', 'country', 'employees', 'revenue', 'founded', 'seniority',
  'department', 'title', 'email_opt_in', 'engagement', 'visits', 'downloads', 'webinar', 'demo_requested', 'trial',
  'budget', 'budget_approved', 'timeframe_days', 'competitor', 'partner', 'last_touch'];

/** mulberry32 (the example generators' own): the same seed gives the same file. */
const rng = mulberry32;

/** The rows, one CSV line each (without the header). */
export function* wideRows(count, seed) {
  const r = rng(seed);
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const maybe = (p, f) => (r() < p ? '' : f());
  const bool = () => pick(['true', 'false', 'yes', 'no', '1', '0', 'TRUE', 'No']);
  const industries = ['software', 'finance', 'health', 'retail', 'manufacturing', 'telecom', 'education', 'other'];
  const titles = ['Head of Sales', 'Student Assistant', 'CTO', 'Marketing Manager', 'IT Director', 'student intern', 'VP Operations', 'Analyst'];
  const names = ['Acme', 'Globex, Inc.', 'Initech', 'Umbrella', 'Hooli', 'Stark Industries', 'Wayne Enterprises'];
  const day0 = Date.UTC(2026, 7, 1) / 86_400_000;
  for (let i = 1; i <= count; i++) {
    const name = maybe(0.1, () => pick(names));
    const cells = [
      `W${String(i).padStart(8, '0')}`,
      name.includes(',') ? `"${name}"` : name,
      pick(industries),
      maybe(0.15, () => pick(['na', 'emea', 'apac', 'latam'])),
      pick(['US', 'GB', 'DE', 'FR', 'IN', 'BR', 'JP', 'CA']),
      String(1 + Math.floor(r() ** 2 * 5000)),
      maybe(0.2, () => String(Math.round(r() ** 2 * 200_000) * 100)),
      maybe(0.3, () => String(1950 + Math.floor(r() * 76))),
      pick(['individual', 'manager', 'director', 'vp', 'c_level']),
      maybe(0.25, () => pick(['sales', 'marketing', 'it', 'finance', 'operations', 'other'])),
      maybe(0.1, () => pick(titles)),
      maybe(0.4, bool),
      (Math.round(r() * 1000) / 10).toString(),
      maybe(0.3, () => String(Math.floor(r() * 30))),
      maybe(0.5, () => String(Math.floor(r() * 8))),
      maybe(0.5, bool),
      maybe(0.6, bool),
      maybe(0.6, bool),
      maybe(0.3, () => String(Math.floor(r() * 100) * 1000)),
      maybe(0.3, bool),
      maybe(0.3, () => String(Math.floor(r() * 180))),
      maybe(0.7, () => pick(['Rival Corp', 'Competitor Co', 'rival labs', 'Other'])),
      maybe(0.7, bool),
      maybe(0.2, () => new Date((day0 + Math.floor(r() * 120)) * 86_400_000).toISOString().slice(0, 10)),
    ];
    yield cells.join(',');
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { count: { type: 'string' }, seed: { type: 'string', default: '42' }, out: { type: 'string' } } });
  if (!values.count || !values.out) {
    process.stderr.write('usage: node bench/wide/generate.mjs --count N [--seed S] --out FILE.csv\n');
    process.exit(2);
  }
  const out = createWriteStream(values.out);
  out.write(COLUMNS.join(',') + '\n');
  let batch = [];
  for (const line of wideRows(Number(values.count), Number(values.seed))) {
    batch.push(line);
    if (batch.length === 10_000) {
      if (!out.write(batch.join('\n') + '\n')) await new Promise((resolve) => out.once('drain', resolve));
      batch = [];
    }
  }
  if (batch.length) out.write(batch.join('\n') + '\n');
  out.end();
  await new Promise((resolve) => out.on('finish', resolve));
}
