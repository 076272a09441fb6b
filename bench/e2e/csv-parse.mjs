#!/usr/bin/env node
// End to end with the csv-parse package: stream the CSV into records keyed by header
// (`columns: true`), convert every column by its schema type into a nested lead object
// (bench/lib/leads.mjs converters, with validation), call the hand-written qualify(), write CSV.
//   node bench/e2e/csv-parse.mjs IN.csv OUT.csv [--as-of D]
import { createReadStream, createWriteStream } from 'node:fs';
import { parse } from 'csv-parse';
import { FIELDS, AS_OF } from '../lib/schema.mjs';
import { cellConverter } from '../lib/leads.mjs';
import { makeQualifier } from '../peers/handwritten.mjs';

const [input, output, ...rest] = process.argv.slice(2);
const asOf = rest[0] === '--as-of' ? rest[1] : AS_OF;
const qualify = makeQualifier(asOf);
const convert = FIELDS.map(cellConverter);

const out = createWriteStream(output);
let buf = 'id,stage,fit\n';
let rows = 0;
let rejected = 0;
for await (const record of createReadStream(input).pipe(parse({ columns: true }))) {
  rows++;
  const lead = { id: record.id };
  try {
    for (let i = 0; i < FIELDS.length; i++) {
      const f = FIELDS[i];
      const raw = record[f.path] ?? '';
      if (raw === '') {
        if (!f.optional) throw new Error(`required field ${f.path} is empty`);
        continue;
      }
      (lead[f.group] ??= {})[f.key] = convert[i](raw);
    }
  } catch {
    rejected++;
    continue;
  }
  const r = qualify(lead);
  buf += `${lead.id},${r.stage},${r.fit}\n`;
  if (buf.length > 1 << 16) {
    if (!out.write(buf)) await new Promise((resolve) => out.once('drain', resolve));
    buf = '';
  }
}
out.write(buf);
await new Promise((resolve) => out.end(resolve));
process.stderr.write(`csv-parse: ${rows} rows read, ${rows - rejected} written, ${rejected} rejected\n`);
