import { isUtf8 } from "node:buffer";
import type { IrExpr, IrProgram } from "../../ir.js";
import { irChildren } from "../../ir.js";
import type { Program } from "../../runtime/program.js";
import { CsvBinder } from "./binder.js";
import { type Reject, rejectOf } from "../reject.js";
import { CsvRecordReader } from "../sources/csv-records.js";
import type { OutputFormat } from "../output.js";
import { RowScorer, StringSink } from "./row-scorer.js";
import { plainBoolean, plainBooleanBytes } from "../../runtime/codecs/boolean.js";
import { codecOf, type ReadOptions } from "../../runtime/codecs/codec.js";
import { plainDate, plainDateBytes } from "../../runtime/codecs/date.js";
import { memberMatcher, plainMember } from "../../runtime/codecs/enum.js";
import { listOf } from "../../runtime/codecs/list.js";
import { plainDecimal, plainDecimalBytes } from "../../runtime/codecs/number.js";
import { ByteRecordCells, cellText } from "../sources/csv-byte-cells.js";
import { decodeUtf8 } from "../sources/utf8.js";

/** What scoring one piece of CSV produced. Line numbers count from 1 at the piece's start. */
export interface ChunkResult {
  /** Formatted result rows, in input order. */
  out: string;
  /**
   * The same rows as UTF-8 bytes, when a worker sent them so (moved, not copied, to the main
   * thread, which writes them as they are); `out` is then empty.
   */
  outBytes?: Uint8Array;
  rejects: Reject[];
  /** Leads per stage index + 1 (index 0 is `none`). */
  stageCounts: number[];
  /** Records read (rows written + rejected). */
  rows: number;
  /** Lines the piece spans (the next piece starts that many lines later). */
  lines: number;
}

/**
 * What the scanner hands each row that binds: `run`'s RowScorer (evaluate, count, write), or an
 * analysis's tally (`report`'s workers). The scanner binds the row's values into `vals`, then
 * calls `emit` with the lead's id.
 */
export interface RowSink {
  readonly vals: unknown[];
  /** Leads per stage index + 1, for the piece's ChunkResult. */
  readonly stageCounts: number[];
  emit(id: string): void;
}

/**
 * The fields the program's declarations read; the others are only validated. Every declaration
 * counts: a disqualification, grade or outcome may be the only reader of a field, and a field
 * left out here is never bound (its value would be a previous row's, or none).
 */
export function fieldsRead(ir: IrProgram): Set<number> {
  const used = new Set<number>();
  const visit = (e: IrExpr) => {
    if (e.k === "field" || e.k === "presence") used.add(e.field.index);
    irChildren(e).forEach(visit);
  };
  for (const c of ir.criteria) visit(c.cond.expr);
  for (const s of ir.stages) visit(s.cond.expr);
  for (const s of ir.scores) {
    for (const l of s.lines) visit(l.cond.expr);
    for (const l of s.perLines) if (l.where) visit(l.where);
  }
  for (const g of ir.grades) for (const l of g.lines) visit(l.cond.expr);
  for (const d of ir.disqualifications) visit(d.cond.expr);
  for (const o of ir.outcomes) visit(o.cond.expr);
  return used;
}

// How a cell is read on the fast path (each kind's fast reader lives in its codec); anything
// unusual falls back to the codec's general reader through CsvBinder.
const SKIP = 0; // string or list the program never reads: any non-empty text fits
const STRING = 1;
const LIST = 2;
const ENUM = 3;
const BOOLEAN = 4;
const NUMBER = 5;
const INTEGER = 6;
const DATE = 7;
// numbers with decimal commas: the text path's plainDecimal would read `1.234` as a decimal, so
// it sends them to the general reader; the byte path reads them with `,` as the point
const GENERAL_NUMBER = 8;
const GENERAL_INTEGER = 9;

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
  private readonly byteCells: ByteRecordCells;
  private readonly matchMember: (((buf: Uint8Array, a: number, b: number) => string | undefined) | undefined)[];
  /** The decimal separator's byte for the number fast path. */
  private readonly point: number;

  // per piece
  private sink = new StringSink();
  private scorer: RowSink;
  /** The row sink of each piece, asked for as the piece starts (run: a fresh RowScorer). */
  private readonly rowsOf: (sink: StringSink) => RowSink;
  private rejects: Reject[] = [];
  private rows = 0;
  private rowBase = 0;

  constructor(
    program: Program,
    header: string[],
    idColumn: string,
    asOf: number,
    columns: string[],
    full: boolean,
    outputFormat: OutputFormat,
    read: ReadOptions = {},
    private readonly delimiter = ",",
    /** Where bound rows go (default: `run`'s RowScorer, writing to the piece's text). */
    rowsOf?: (sink: StringSink) => RowSink,
  ) {
    const fields = program.fields;
    this.binder = new CsvBinder(fields, header, idColumn, read);
    this.width = header.length;
    // the binder's own mapping: a trimmed header name, the last column of that name
    const position = new Map(header.map((h, i) => [h.trim(), i]));
    this.columnOf = Int32Array.from(fields, (f) => position.get(f.column) ?? -1);
    const used = fieldsRead(program.ir);
    this.mode = Uint8Array.from(fields, (f) => {
      switch (f.kind) {
        case "string": return used.has(f.index) ? STRING : SKIP;
        case "list": return used.has(f.index) ? LIST : SKIP;
        case "enum": return ENUM;
        case "boolean": return BOOLEAN;
        // plainDecimal reads `1.234` as a decimal: with decimal commas every number takes the general reader
        case "number": return read.decimalComma ? (f.integer ? GENERAL_INTEGER : GENERAL_NUMBER) : f.integer ? INTEGER : NUMBER;
        case "date": return DATE;
      }
    });
    this.optional = Uint8Array.from(fields, (f) => (f.optional ? 1 : 0));
    this.missing = fields.map((f) => codecOf(f).missing);
    this.members = fields.map((f) => f.members);
    this.cellStart = new Int32Array(this.width);
    this.cellEnd = new Int32Array(this.width);
    this.byteCells = new ByteRecordCells(this.width, delimiter.charCodeAt(0));
    this.matchMember = fields.map((f) => (f.kind === "enum" ? memberMatcher(f.members) : undefined));
    this.point = read.decimalComma ? 44 : 46;
    this.rowsOf = rowsOf ?? ((sink) => new RowScorer(program, asOf, columns, full, sink, outputFormat));
    this.scorer = this.rowsOf(this.sink);
  }

  /**
   * Scores `text`: whole records, as cut by csv-cut, starting on a record boundary. `rowBase`
   * is the number of records before the piece (ids of an input without an id column count on
   * from it). `marked`: the text holds invalid UTF-8 marks (sources/utf8.ts).
   */
  score(text: string, rowBase = 0, marked = false): ChunkResult {
    this.startPiece(rowBase);
    const lines = this.readText(text, 1, marked) - 1;
    return this.pieceResult(lines);
  }

  /**
   * Scores whole records given as valid UTF-8 bytes (the caller checked them with isUtf8), as
   * `score` scores their text, without decoding the piece: each record's cells are located in
   * the bytes (ByteRecordCells), values read from them in place, and only the id and the string
   * and list fields the program reads are decoded. A record the byte scanner is not sure of
   * (unusual quoting, a ragged row, a value no fast reader takes) is decoded and read by the
   * text path, so results, rejects and line numbers are exactly the text path's.
   */
  scoreBytes(bytes: Uint8Array, rowBase = 0): ChunkResult {
    this.startPiece(rowBase);
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const cells = this.byteCells;
    const n = buf.length;
    let line = 1;
    let pos = 0;
    while (pos < n) {
      if (!cells.scan(buf, pos)) {
        // unusual quoting: the text path reads the rest of the piece (it starts on a record boundary)
        line = this.readText(buf.toString("utf8", pos, n), line, false);
        break;
      }
      if (cells.lineEnd === pos) {
        line++; // an empty line: no record
      } else if (cells.count === this.width && this.bindBytes(buf)) {
        this.rows++;
        const idCol = this.binder.idIndex;
        this.emit(idCol >= 0 ? cellText(buf, cells.start[idCol], cells.end[idCol], cells.flags[idCol]) : String(this.rowBase + this.rows));
        line++;
      } else {
        line = this.readText(buf.toString("utf8", pos, cells.lineEnd), line, false);
      }
      pos = cells.next;
    }
    return this.pieceResult(line - 1);
  }

  /**
   * Scores a piece given as raw bytes, as the workers receive it: valid UTF-8 is read in place
   * (scoreBytes); anything else is decoded with its invalid bytes marked, so the rows holding
   * them are rejected exactly as the single-threaded reader rejects them (sources/utf8.ts).
   */
  scorePiece(bytes: Uint8Array): ChunkResult {
    if (isUtf8(bytes)) return this.scoreBytes(bytes);
    const { text, marked } = decodeUtf8(bytes);
    return this.score(text, 0, marked);
  }

  private startPiece(rowBase: number): void {
    this.rowBase = rowBase;
    this.sink = new StringSink();
    this.scorer = this.rowsOf(this.sink);
    this.rejects = [];
    this.rows = 0;
  }

  private pieceResult(lines: number): ChunkResult {
    return { out: this.sink.text, rejects: this.rejects, stageCounts: this.scorer.stageCounts, rows: this.rows, lines };
  }

  /** Reads whole records of `text`, the first on line `firstLine`; returns the line after them. */
  private readText(text: string, firstLine: number, marked: boolean): number {
    const reader = new CsvRecordReader(
      (cells, line) => this.quotedRecord(cells, line),
      (line, reason, raw) => {
        this.rows++;
        this.rejects.push(rejectOf(line, "", "", raw, reason));
      },
      (data, start, end, line) => this.plainLine(data, start, end, line),
      firstLine,
      false,
      this.delimiter,
    );
    reader.push(text, marked);
    reader.end();
    return reader.nextLine;
  }

  private emit(id: string): void {
    this.scorer.emit(id);
  }

  /** A record with cells already split: the general path. */
  private record(cells: string[], line: number): void {
    this.rows++;
    const row = this.rowBase + this.rows;
    const reject = this.binder.bind(cells, line, row, this.scorer.vals);
    if (reject) this.rejects.push(reject);
    else this.emit(this.binder.idOf(cells, row));
  }

  private plainLine(data: string, start: number, end: number, line: number): void {
    const width = this.width;
    const cs = this.cellStart;
    const ce = this.cellEnd;
    let p = start;
    for (let j = 0; j < width; j++) {
      let e = data.indexOf(this.delimiter, p);
      if (e < 0 || e > end) e = end;
      cs[j] = p;
      ce[j] = e;
      if (e === end) {
        if (j !== width - 1) return this.record(data.slice(start, end).split(this.delimiter), line); // too few cells
      } else if (j === width - 1) {
        return this.record(data.slice(start, end).split(this.delimiter), line); // too many cells
      }
      p = e + 1;
    }
    if (!this.bindCells(data)) return this.record(data.slice(start, end).split(this.delimiter), line);
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
    const vals = this.scorer.vals;
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
          const v = plainMember(this.members[i], data, a, b);
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
        case GENERAL_NUMBER:
        case GENERAL_INTEGER:
          return false;
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

  /**
   * bindCells over the cells the byte scanner located in `buf`: false when a value is not one
   * a fast reader is sure of (the text path then decides the row). Unlike the text path, decimal
   * commas take the fast path too (their plain spelling has no grouping dots).
   */
  private bindBytes(buf: Buffer): boolean {
    const cells = this.byteCells;
    const cs = cells.start;
    const ce = cells.end;
    const vals = this.scorer.vals;
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
          vals[i] = cellText(buf, a, b, cells.flags[col]);
          break;
        case LIST: {
          const text = cellText(buf, a, b, cells.flags[col]);
          vals[i] = listOf(text, 0, text.length);
          break;
        }
        case ENUM: {
          const v = this.matchMember[i]!(buf, a, b);
          if (v === undefined) return false;
          vals[i] = v;
          break;
        }
        case BOOLEAN: {
          const v = plainBooleanBytes(buf, a, b);
          if (v === undefined) return false;
          vals[i] = v;
          break;
        }
        case NUMBER:
        case GENERAL_NUMBER: {
          const v = plainDecimalBytes(buf, a, b, this.point);
          if (v !== v) return false;
          vals[i] = v;
          break;
        }
        case INTEGER:
        case GENERAL_INTEGER: {
          const v = plainDecimalBytes(buf, a, b, this.point);
          if (!Number.isInteger(v)) return false;
          vals[i] = v;
          break;
        }
        case DATE: {
          const v = plainDateBytes(buf, a, b);
          if (v !== v) return false;
          vals[i] = v;
          break;
        }
      }
    }
    return true;
  }
}
