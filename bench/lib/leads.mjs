// Loads the benchmark CSV into pre-parsed, nested lead objects — the shape `program.evaluate`
// takes: `{ id, company: { industry: 'telecom', revenue_usd: 1.2e8, ... }, contact: {...} }`.
// Values get their schema type (numbers, booleans, lists as arrays, dates as 'YYYY-MM-DD'
// strings); a missing value is an absent key, and a group with no values is absent, exactly as
// examples/generate-leads.mjs `toJsonLine` writes them. This is setup, never timed.
import { openSync, readSync, closeSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { FIELDS, ENUMS } from './schema.mjs';

const TRUE_WORDS = new Set(['true', 'yes', '1']);
const FALSE_WORDS = new Set(['false', 'no', '0']);
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})(?:$|T)/;

function fail(field, raw, what) {
  throw new Error(`'${raw}' is not ${what} in ${field.path}`);
}

/** A converter for one schema field: raw non-empty CSV cell -> typed value; throws if it does not fit. */
export function cellConverter(field) {
  switch (field.type) {
    case 'string':
      return (raw) => raw;
    case 'enum': {
      const members = new Set(ENUMS[field.path]);
      return (raw) => (members.has(raw) ? raw : fail(field, raw, `a member of ${field.path}`));
    }
    case 'number':
      return (raw) => {
        const n = +raw;
        return Number.isFinite(n) && raw.trim() !== '' ? n : fail(field, raw, 'a number');
      };
    case 'integer':
      return (raw) => {
        const n = +raw;
        return Number.isInteger(n) && raw.trim() !== '' ? n : fail(field, raw, 'an integer');
      };
    case 'boolean':
      return (raw) => {
        const w = raw.toLowerCase();
        return TRUE_WORDS.has(w) ? true : FALSE_WORDS.has(w) ? false : fail(field, raw, 'a boolean');
      };
    case 'date':
      return (raw) => (DATE_RE.test(raw) ? (raw.length === 10 ? raw : raw.slice(0, 10)) : fail(field, raw, 'a date'));
    case 'list':
      return (raw) => raw.split(';');
    default:
      throw new Error(`unknown type ${field.type}`);
  }
}

/** Converts one raw CSV cell by schema type; throws on a value that does not fit. */
export function convertCell(field, raw) {
  return cellConverter(field)(raw);
}

/** Splits one CSV record (RFC 4180). Returns null if a quoted cell continues on the next line. */
export function splitCsvLine(line) {
  if (line.indexOf('"') < 0) return line.split(',');
  const cells = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    if (line.charCodeAt(i) === 34 /* " */) {
      let cell = '';
      let j = i + 1;
      for (;;) {
        const q = line.indexOf('"', j);
        if (q < 0) return null; // unterminated: the record spans lines
        cell += line.slice(j, q);
        if (line.charCodeAt(q + 1) === 34) {
          cell += '"';
          j = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      cells.push(cell);
      if (i >= n) return cells;
      i++; // the comma
    } else {
      const c = line.indexOf(',', i);
      if (c < 0) {
        cells.push(line.slice(i));
        return cells;
      }
      cells.push(line.slice(i, c));
      i = c + 1;
      if (i === n) {
        cells.push('');
        return cells;
      }
    }
  }
}

/** Calls onRecord(cells, lineNumber) for each record of a CSV file, header included. */
export function forEachCsvRecord(path, onRecord, { limit = Infinity, chunkSize = 8 << 20 } = {}) {
  const fd = openSync(path, 'r');
  const buf = Buffer.allocUnsafe(chunkSize);
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let pending = null; // a record whose quoted cell spans lines
  let lineNo = 0;
  let records = 0;
  try {
    for (;;) {
      const got = readSync(fd, buf, 0, chunkSize, null);
      const text = got > 0 ? rest + decoder.write(buf.subarray(0, got)) : rest + decoder.end();
      let pos = 0;
      const last = got > 0 ? text.lastIndexOf('\n') : text.length;
      while (pos < last || (got === 0 && pos < text.length)) {
        let end = text.indexOf('\n', pos);
        if (end < 0 || end > last) end = last;
        let line = text.slice(pos, end);
        pos = end + 1;
        lineNo++;
        if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
        if (pending !== null) {
          line = pending + '\n' + line;
          pending = null;
        }
        if (line === '') continue;
        const cells = splitCsvLine(line);
        if (cells === null) {
          pending = line;
          continue;
        }
        onRecord(cells, lineNo);
        if (++records > limit) return;
      }
      rest = got > 0 ? text.slice(last + 1) : '';
      if (got === 0) break;
    }
    if (pending !== null) throw new Error(`unterminated quoted cell at end of ${path}`);
  } finally {
    closeSync(fd);
  }
}

/** Reads up to `limit` leads from the benchmark CSV as nested objects. */
export function loadLeads(csvPath, { limit = Infinity } = {}) {
  const leads = [];
  let map = null; // FIELDS index -> column index
  let idCol = -1;
  const convert = FIELDS.map(cellConverter);
  forEachCsvRecord(
    csvPath,
    (cells, lineNo) => {
      if (map === null) {
        idCol = cells.indexOf('id');
        map = FIELDS.map((f) => cells.indexOf(f.path));
        const lacking = FIELDS.filter((f, i) => map[i] < 0).map((f) => f.path);
        if (idCol < 0 || lacking.length) throw new Error(`${csvPath}: header lacks ${['id', ...lacking].join(', ')}`);
        return;
      }
      const lead = { id: cells[idCol] };
      try {
        for (let i = 0; i < FIELDS.length; i++) {
          const f = FIELDS[i];
          const raw = cells[map[i]];
          if (raw === '' || raw === undefined) {
            if (!f.optional) throw new Error(`required field ${f.path} is empty`);
            continue;
          }
          const v = convert[i](raw);
          let g = lead[f.group];
          if (g === undefined) g = lead[f.group] = {};
          g[f.key] = v;
        }
      } catch (err) {
        throw new Error(`${csvPath}:${lineNo}: ${err.message}`);
      }
      leads.push(lead);
    },
    { limit },
  );
  return leads;
}
