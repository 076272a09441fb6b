import type { IrExpr, IrProgram } from "../../ir.js";
import { irChildren } from "../../ir.js";
import type { Program } from "../../runtime/program.js";
import { CsvBinder, type Reject } from "./binder.js";
import { CsvRecordReader } from "../sources/csv-records.js";
import { ResultWriter, type OutputFormat, type TextSink } from "../output.js";

/** What scoring one piece of CSV produced. Line numbers count from 1 at the piece's start. */
export interface ChunkResult {
  /** Formatted result rows, in input order. */
  out: string;
  rejects: Reject[];
  /** Leads per stage index + 1 (index 0 is `none`). */
  stageCounts: number[];
  /** Records read (rows written + rejected). */
  rows: number;
  /** Lines the piece spans (the next piece starts that many lines later). */
  lines: number;
}

/** The fields the program's declarations read; the others are only validated. */
export function fieldsRead(ir: IrProgram): Set<number> {
  const used = new Set<number>();
  const visit = (e: IrExpr) => {
    if (e.k === "field" || e.k === "presence") used.add(e.field.index);
    irChildren(e).forEach(visit);
  };
  for (const c of ir.criteria) visit(c.cond.expr);
  for (const s of ir.stages) visit(s.cond.expr);
  for (const s of ir.scores) for (const l of s.lines) visit(l.cond.expr);
  return used;
}

// How a cell is read on the fast path; anything unusual falls back to the general readers.
const SKIP = 0; // string or list the program never reads: any non-empty text fits
const STRING = 1;
const LIST = 2;
const ENUM = 3;
const BOOLEAN = 4;
const NUMBER = 5;
const INTEGER = 6;
const DATE = 7;

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * A plain decimal (`-12`, `3.5`, `.5`, `7.`) of at most 15 digits, or NaN for anything else.
 * m / 10^k with m < 2^53 and k <= 22 is exactly the correctly rounded value Number() gives.
 */
export function plainDecimal(s: string, a: number, b: number): number {
  let i = a;
  let neg = false;
  if (s.charCodeAt(i) === 45) {
    neg = true;
    i++;
  }
  let m = 0;
  let digits = 0;
  let k = 0;
  let c = 0;
  while (i < b && (c = s.charCodeAt(i) - 48) >= 0 && c <= 9) {
    m = m * 10 + c;
    digits++;
    i++;
  }
  if (i < b && s.charCodeAt(i) === 46) {
    i++;
    while (i < b && (c = s.charCodeAt(i) - 48) >= 0 && c <= 9) {
      m = m * 10 + c;
      digits++;
      k++;
      i++;
    }
  }
  if (i !== b || digits === 0 || digits > 15) return NaN;
  const v = k === 0 ? m : m / POW10[k];
  return neg ? -v : v;
}

function digit2(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * `YYYY-MM-DD`, or an ISO timestamp (`T` or a space after the date) whose date part is used, as
 * days since 1970-01-01; NaN for anything else, including years before 100 (which Date.UTC maps
 * to 19xx: the general reader decides those).
 */
export function plainDate(s: string, a: number, b: number): number {
  if (b - a !== 10) {
    if (b - a < 10) return NaN;
    const c = s.charCodeAt(a + 10);
    if (c !== 84 /* T */ && c !== 32) return NaN;
  }
  if (s.charCodeAt(a + 4) !== 45 || s.charCodeAt(a + 7) !== 45) return NaN;
  const hi = digit2(s, a);
  const lo = digit2(s, a + 2);
  const m = digit2(s, a + 5);
  const d = digit2(s, a + 8);
  if (hi < 0 || lo < 0 || m < 1 || m > 12 || d < 1) return NaN;
  const y = hi * 100 + lo;
  if (y < 100) return NaN;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const dim = m === 2 ? (leap ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
  if (d > dim) return NaN;
  return daysFromCivil(y, m, d);
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(year: number, m: number, d: number): number {
  const y = m <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (m + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Whether s[a, a + word.length) is `word` (lowercase ASCII) in any case. */
function wordAt(s: string, a: number, word: string): boolean {
  for (let k = 0; k < word.length; k++) if ((s.charCodeAt(a + k) | 32) !== word.charCodeAt(k)) return false;
  return true;
}

/** true/false/yes/no/1/0 in any ASCII case; anything else (spaces, junk) goes to the general reader. */
function plainBoolean(s: string, a: number, b: number): boolean | undefined {
  switch (b - a) {
    case 4: return wordAt(s, a, "true") ? true : undefined;
    case 5: return wordAt(s, a, "false") ? false : undefined;
    case 1: {
      const c = s.charCodeAt(a);
      return c === 49 ? true : c === 48 ? false : undefined;
    }
    case 3: return wordAt(s, a, "yes") ? true : undefined;
    case 2: return wordAt(s, a, "no") ? false : undefined;
    default: return undefined;
  }
}

function isSpace(c: number): boolean {
  return c <= 32 || c >= 127;
}

/**
 * readList on `s[a, b)`: items split on `;`, trimmed, empty ones dropped. Items whose ends are
 * plain ASCII need no trim; others are trimmed exactly as readList does.
 */
function listOf(s: string, a: number, b: number): string[] {
  const items: string[] = [];
  let p = a;
  for (;;) {
    let e = s.indexOf(";", p);
    if (e < 0 || e > b) e = b;
    if (e > p) {
      if (isSpace(s.charCodeAt(p)) || isSpace(s.charCodeAt(e - 1))) {
        const item = s.slice(p, e).trim();
        if (item) items.push(item);
      } else {
        items.push(s.slice(p, e));
      }
    }
    if (e >= b) return items;
    p = e + 1;
  }
}

class StringSink implements TextSink {
  text = "";
  append(t: string): void {
    this.text += t;
  }
}

/**
 * Scores whole CSV records (pieces cut at record boundaries, after the header) with the
 * program, producing result rows, rejects and stage counts. Quote-free lines are read in place
 * by a scanner specialised to the header and schema: cells are located by their commas, values
 * parsed without building cell strings, fields the program never reads only validated. Any row
 * the fast path is not sure of (a value it does not recognise, a missing required field, a
 * ragged row, a quoted record) goes through the general reader and CsvBinder, so results and
 * rejects are exactly theirs.
 */
export class CsvChunkScorer {
  private readonly binder: CsvBinder;
  private readonly width: number;
  private readonly columnOf: Int32Array;
  private readonly mode: Uint8Array;
  private readonly optional: Uint8Array;
  private readonly missing: unknown[];
  private readonly members: (readonly string[])[];
  private readonly cellStart: Int32Array;
  private readonly cellEnd: Int32Array;
  private readonly vals: unknown[];
  private readonly out: unknown[];
  private readonly nValues: number;
  private readonly stageNames: string[];
  private readonly full: boolean;

  // per piece
  private sink = new StringSink();
  private results: ResultWriter;
  private rejects: Reject[] = [];
  private stageCounts: number[] = [];
  private rows = 0;
  private rowBase = 0;

  constructor(
    private readonly program: Program,
    header: string[],
    idColumn: string,
    private readonly asOf: number,
    private readonly columns: string[],
    full: boolean,
    private readonly outputFormat: OutputFormat,
  ) {
    const fields = program.fields;
    this.binder = new CsvBinder(fields, header, idColumn);
    this.width = header.length;
    // the binder's own mapping: a trimmed header name, the last column of that name
    const position = new Map(header.map((h, i) => [h.trim(), i]));
    this.columnOf = Int32Array.from(fields, (f) => position.get(f.path) ?? -1);
    const used = fieldsRead(program.ir);
    this.mode = Uint8Array.from(fields, (f) => {
      switch (f.kind) {
        case "string": return used.has(f.index) ? STRING : SKIP;
        case "list": return used.has(f.index) ? LIST : SKIP;
        case "enum": return ENUM;
        case "boolean": return BOOLEAN;
        case "number": return f.integer ? INTEGER : NUMBER;
        case "date": return DATE;
      }
    });
    this.optional = Uint8Array.from(fields, (f) => (f.optional ? 1 : 0));
    this.missing = fields.map((f) => (f.kind === "number" || f.kind === "date" ? NaN : undefined));
    this.members = fields.map((f) => f.members);
    this.cellStart = new Int32Array(this.width);
    this.cellEnd = new Int32Array(this.width);
    this.vals = new Array(fields.length).fill(undefined);
    this.nValues = columns.length - 2;
    this.out = new Array(1 + this.nValues).fill(0);
    this.stageNames = program.stages;
    this.full = full;
    this.results = new ResultWriter(this.sink, outputFormat, columns);
  }

  /**
   * Scores `text`: whole records, as cut by csv-cut, starting on a record boundary. `rowBase`
   * is the number of records before the piece (ids of an input without an id column count on
   * from it). `marked`: the text holds invalid UTF-8 marks (sources/utf8.ts).
   */
  score(text: string, rowBase = 0, marked = false): ChunkResult {
    this.rowBase = rowBase;
    this.sink = new StringSink();
    this.results = new ResultWriter(this.sink, this.outputFormat, this.columns);
    this.rejects = [];
    this.stageCounts = new Array<number>(this.stageNames.length + 1).fill(0);
    this.rows = 0;
    const reader = new CsvRecordReader(
      (cells, line) => this.quotedRecord(cells, line),
      (line, reason, raw) => {
        this.rows++;
        this.rejects.push({ line, id: "", field: "", value: raw, reason: `not readable as CSV: ${reason}` });
      },
      (data, start, end, line) => this.plainLine(data, start, end, line),
      1,
      false,
    );
    reader.push(text, marked);
    reader.end();
    return { out: this.sink.text, rejects: this.rejects, stageCounts: this.stageCounts, rows: this.rows, lines: reader.nextLine - 1 };
  }

  private emit(id: string): void {
    const out = this.out;
    this.program.evaluateValues(this.vals, this.asOf, out, this.full);
    const stageIndex = out[0] as number;
    this.stageCounts[stageIndex + 1]++;
    this.results.row(id, stageIndex < 0 ? "none" : this.stageNames[stageIndex], out, this.nValues);
  }

  /** A record with cells already split: the general path. */
  private record(cells: string[], line: number): void {
    this.rows++;
    const row = this.rowBase + this.rows;
    const reject = this.binder.bind(cells, line, row, this.vals);
    if (reject) this.rejects.push(reject);
    else this.emit(this.binder.idOf(cells, row));
  }

  private plainLine(data: string, start: number, end: number, line: number): void {
    const width = this.width;
    const cs = this.cellStart;
    const ce = this.cellEnd;
    let p = start;
    for (let j = 0; j < width; j++) {
      let e = data.indexOf(",", p);
      if (e < 0 || e > end) e = end;
      cs[j] = p;
      ce[j] = e;
      if (e === end) {
        if (j !== width - 1) return this.record(data.slice(start, end).split(","), line); // too few cells
      } else if (j === width - 1) {
        return this.record(data.slice(start, end).split(","), line); // too many cells
      }
      p = e + 1;
    }
    if (!this.bindCells(data)) return this.record(data.slice(start, end).split(","), line);
    this.rows++;
    const idCol = this.binder.idIndex;
    this.emit(idCol >= 0 ? data.slice(cs[idCol], ce[idCol]) : String(this.rowBase + this.rows));
  }

  /** A quoted record, split: its cells are joined so the fast readers can read them in place. */
  private quotedRecord(cells: string[], line: number): void {
    if (cells.length !== this.width) return this.record(cells, line);
    const cs = this.cellStart;
    const ce = this.cellEnd;
    let p = 0;
    for (let j = 0; j < cells.length; j++) {
      cs[j] = p;
      p += cells[j].length;
      ce[j] = p;
      p++;
    }
    if (!this.bindCells(cells.join(","))) return this.record(cells, line);
    this.rows++;
    this.emit(this.binder.idOf(cells, this.rowBase + this.rows));
  }

  /**
   * Reads every field from the cells at data[cellStart[c], cellEnd[c]) into vals; false when
   * one is not a plain spelling of a valid value (the general reader then decides the row).
   */
  private bindCells(data: string): boolean {
    const cs = this.cellStart;
    const ce = this.cellEnd;
    const vals = this.vals;
    const columnOf = this.columnOf;
    const mode = this.mode;
    const n = mode.length;
    for (let i = 0; i < n; i++) {
      const col = columnOf[i];
      const a = col >= 0 ? cs[col] : 0;
      const b = col >= 0 ? ce[col] : 0;
      if (a === b) {
        if (this.optional[i] === 0) return false;
        vals[i] = this.missing[i];
        continue;
      }
      switch (mode[i]) {
        case SKIP:
          break;
        case STRING:
          vals[i] = data.slice(a, b);
          break;
        case LIST:
          vals[i] = listOf(data, a, b);
          break;
        case ENUM: {
          const members = this.members[i];
          let v: string | undefined;
          for (let m = 0; m < members.length; m++) {
            const name = members[m];
            if (name.length === b - a && data.startsWith(name, a)) {
              v = name;
              break;
            }
          }
          if (v === undefined) return false;
          vals[i] = v;
          break;
        }
        case BOOLEAN: {
          const v = plainBoolean(data, a, b);
          if (v === undefined) return false;
          vals[i] = v;
          break;
        }
        case NUMBER: {
          const v = plainDecimal(data, a, b);
          if (v !== v) return false;
          vals[i] = v;
          break;
        }
        case INTEGER: {
          const v = plainDecimal(data, a, b);
          if (!Number.isInteger(v)) return false;
          vals[i] = v;
          break;
        }
        case DATE: {
          const v = plainDate(data, a, b);
          if (v !== v) return false;
          vals[i] = v;
          break;
        }
      }
    }
    return true;
  }
}
