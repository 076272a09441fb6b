#!/usr/bin/env node
// End to end, hand-written: a fast single-threaded CSV reader that converts only the columns the
// rules need, builds a small nested lead and calls the hand-written qualify() (peers/handwritten.mjs).
//   node bench/e2e/fast-reader.mjs IN.csv OUT.csv [--as-of D]
// Reads 8 MiB chunks; a line without `"` is split on `,` directly, a quoted line goes through the
// RFC 4180 splitter. Rows whose needed cells do not fit their type are counted and skipped.
// Unneeded columns (company.name, company.locations, process.decision_documented) are not checked.
import { openSync, readSync, writeSync, closeSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { splitCsvLine } from '../lib/leads.mjs';
import { makeQualifier } from '../peers/handwritten.mjs';
import { AS_OF } from '../lib/schema.mjs';

const [input, output, ...rest] = process.argv.slice(2);
const asOf = rest[0] === '--as-of' ? rest[1] : AS_OF;
const qualify = makeQualifier(asOf);

const BOOL = new Map([['true', true], ['yes', true], ['1', true], ['false', false], ['no', false], ['0', false]]);
function bool(raw) {
  if (raw === '') return undefined;
  let b = BOOL.get(raw);
  if (b === undefined) b = BOOL.get(raw.toLowerCase());
  if (b === undefined) throw new Error(`not a boolean: ${raw}`);
  return b;
}
function num(raw) {
  if (raw === '') return undefined;
  const n = +raw;
  if (!Number.isFinite(n) || raw.trim() === '') throw new Error(`not a number: ${raw}`);
  return n;
}
const str = (raw) => (raw === '' ? undefined : raw);
const list = (raw) => (raw === '' ? undefined : raw.split(';'));
const date = (raw) => {
  if (raw === '') return undefined;
  if (raw.length < 10 || raw.charCodeAt(4) !== 45 || raw.charCodeAt(7) !== 45) throw new Error(`not a date: ${raw}`);
  return raw.length === 10 ? raw : raw.slice(0, 10);
};
function required(v, name) {
  if (v === undefined) throw new Error(`required field ${name} is empty`);
  return v;
}

let col; // column name -> index
let rows = 0;
let rejected = 0;
let out = 'id,stage,fit\n';
const fdOut = openSync(output, 'w');

function onRecord(c) {
  if (col === undefined) {
    col = Object.fromEntries(c.map((name, i) => [name, i]));
    return;
  }
  rows++;
  let lead;
  try {
    lead = {
      company: {
        industry: required(str(c[col['company.industry']]), 'company.industry'),
        naics: str(c[col['company.naics']]),
        revenue_usd: num(c[col['company.revenue_usd']]),
        employees: required(num(c[col['company.employees']]), 'company.employees'),
        country: required(str(c[col['company.country']]), 'company.country'),
        technologies: list(c[col['company.technologies']]),
      },
      contact: {
        title: required(str(c[col['contact.title']]), 'contact.title'),
        seniority: required(str(c[col['contact.seniority']]), 'contact.seniority'),
        role: required(str(c[col['contact.role']]), 'contact.role'),
        engaged: bool(c[col['contact.engaged']]),
      },
      engagement: {
        score: required(num(c[col['engagement.score']]), 'engagement.score'),
        webinar_attended: bool(c[col['engagement.webinar_attended']]),
        email_clicks: num(c[col['engagement.email_clicks']]),
        last_activity: date(c[col['engagement.last_activity']]),
      },
      need: { pain_validated: bool(c[col['need.pain_validated']]) },
      budget: { allocated: bool(c[col['budget.allocated']]), amount_usd: num(c[col['budget.amount_usd']]) },
      competition: { incumbent: str(c[col['competition.incumbent']]), evaluating: list(c[col['competition.evaluating']]) },
      urgency: { event: bool(c[col['urgency.event']]), timeframe_days: num(c[col['urgency.timeframe_days']]) },
      sales: { accepted: bool(c[col['sales.accepted']]) },
    };
  } catch {
    rejected++;
    return;
  }
  const r = qualify(lead);
  out += `${c[col.id]},${r.stage},${r.fit}\n`;
  if (out.length > 1 << 20) {
    writeSync(fdOut, out);
    out = '';
  }
}

// Chunked line reader (same technique as bench/lib/leads.mjs, inlined for the hot loop).
const fd = openSync(input, 'r');
const buf = Buffer.allocUnsafe(8 << 20);
const decoder = new StringDecoder('utf8');
let rest_ = '';
let pending = null;
for (;;) {
  const got = readSync(fd, buf, 0, buf.length, null);
  const text = got > 0 ? rest_ + decoder.write(buf.subarray(0, got)) : rest_ + decoder.end();
  const last = got > 0 ? text.lastIndexOf('\n') : text.length;
  let pos = 0;
  while (pos < last) {
    let end = text.indexOf('\n', pos);
    if (end < 0 || end > last) end = last;
    let line = text.slice(pos, end);
    pos = end + 1;
    if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
    if (pending !== null) {
      line = pending + '\n' + line;
      pending = null;
    }
    if (line === '') continue;
    const cells = line.indexOf('"') < 0 ? line.split(',') : splitCsvLine(line);
    if (cells === null) pending = line;
    else onRecord(cells);
  }
  rest_ = got > 0 ? text.slice(last + 1) : '';
  if (got === 0) break;
}
closeSync(fd);
if (pending !== null) throw new Error('unterminated quoted cell at end of input');
writeSync(fdOut, out);
closeSync(fdOut);
process.stderr.write(`fast-reader: ${rows} rows read, ${rows - rejected} written, ${rejected} rejected\n`);
