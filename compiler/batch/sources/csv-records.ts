/**
 * A CSV record splitter built for the batch path: it takes text in large chunks and calls back
 * once per record, with no per-record promise or object beyond the cells array. Lines without
 * a quote (nearly all of them in CRM exports) are split with String#split; a line with a quote
 * goes through a full RFC 4180 state machine (embedded commas, doubled quotes, newlines inside
 * quotes). A record ends at CR, LF or CRLF outside quotes, and each of them counts one line in
 * the line numbers; a leading byte-order mark and empty lines are handled. The result must equal
 * csv-parse's with relax_quotes (tested on adversarial files).
 */
import { hasInvalidUtf8, shownUtf8 } from "./utf8.js";
import type { Reason } from "../../runtime/codecs/reasons.js";

export type RecordHandler = (cells: string[], line: number) => void;
export type BadRecordHandler = (line: number, reason: Reason, raw: string) => void;
/**
 * Optional: receives a quote-free, non-empty line as `data[start, end)` (its line end dropped)
 * instead of its split cells, so a schema-specialised scanner can read the cells in place.
 * Splitting that range on the delimiter gives exactly the cells onRecord would have received.
 */
export type PlainLineHandler = (data: string, start: number, end: number, line: number) => void;

export class CsvRecordReader {
  private carry = "";
  /** Whether the text being read may hold invalid UTF-8 marks (utf8.ts), and the carry does. */
  private checkUtf8 = false;
  private carryMarked = false;
  private line = 1;
  private first = true;
  /** How many records (and empty lines) ended with each kind of line end, outside quotes. */
  readonly lineEnds = { lf: 0, crlf: 0, cr: 0 };

  constructor(
    private readonly onRecord: RecordHandler,
    private readonly onBad: BadRecordHandler,
    private readonly onPlainLine?: PlainLineHandler,
    /** Line number of the first line fed; a chunk reader starts where the previous chunk ended. */
    firstLine = 1,
    /** False when the text fed does not start the input (no byte-order mark to drop). */
    atStart = true,
    /** The cell separator: `,` (the default), `;`, tab or `|` (see csv-dialect.ts). */
    private readonly delimiter = ",",
  ) {
    this.line = firstLine;
    this.first = atStart;
    this.delim = delimiter.charCodeAt(0);
  }

  private readonly delim: number;

  /** The line number the next record starts on. */
  get nextLine(): number {
    return this.line;
  }

  /**
   * Feeds the next piece of text; records that end inside it are delivered now. `marked`: the
   * decoder marked invalid UTF-8 in it (utf8.ts); records holding a mark go to onBad.
   */
  push(text: string, marked = false): void {
    let data = this.carry ? this.carry + text : text;
    if (this.first) {
      if (data.charCodeAt(0) === 0xfeff) data = data.slice(1);
      this.first = false;
    }
    this.checkUtf8 = marked || this.carryMarked;
    this.carry = data.slice(this.consume(data, false));
    this.carryMarked = this.checkUtf8 && hasInvalidUtf8(this.carry);
  }

  /** The input has ended: deliver what is left, including a last line without a newline. */
  end(): void {
    if (this.carry) {
      const rest = this.carry;
      this.carry = "";
      this.checkUtf8 = this.carryMarked;
      this.consume(rest, true);
    }
  }

  /** Delivers every complete record in `data`; returns where the incomplete tail starts. */
  private consume(data: string, final: boolean): number {
    let pos = 0;
    const n = data.length;
    // The next CR and quote at or after pos, found once and reused until passed (-1: none left),
    // so a chunk without either is searched for it once, not once per line.
    let cr = -2;
    let quote = -2;
    while (pos < n) {
      const lf = data.indexOf("\n", pos);
      if (cr !== -1 && cr < pos) cr = data.indexOf("\r", pos);
      if (quote !== -1 && quote < pos) quote = data.indexOf('"', pos);
      // A line ends at CR, LF or CRLF, whichever comes first.
      let end: number;
      if (cr >= 0 && (lf < 0 || cr < lf)) {
        if (cr + 1 === n && !final) return pos; // perhaps the first half of a CRLF still to come
        end = cr;
      } else if (lf < 0) {
        if (!final) return pos;
        end = n;
      } else end = lf;
      if (quote < 0 || quote > end) {
        if (end > pos) {
          if (this.checkUtf8 && hasInvalidUtf8(data.slice(pos, end))) this.invalidUtf8(data, pos, end);
          else if (this.onPlainLine) this.onPlainLine(data, pos, end, this.line);
          else this.onRecord(data.slice(pos, end).split(this.delimiter), this.line);
        }
        this.line++;
        pos = this.afterLineEnd(data, end);
        continue;
      }
      const next = this.quotedRecord(data, pos, final);
      if (next < 0) return pos; // a quoted field runs past this chunk
      pos = next;
    }
    return n;
  }

  /**
   * Parses one record that contains a quote, starting at `start`. Returns the position after
   * the record's newline, or -1 when the record is not complete in `data` (and more may come).
   */
  private quotedRecord(data: string, start: number, final: boolean): number {
    const cells: string[] = [];
    const n = data.length;
    let pos = start;
    let newlinesInside = 0;
    for (;;) {
      // one field
      if (data.charCodeAt(pos) === 34 /* " */) {
        let value = "";
        let from = pos + 1;
        for (;;) {
          const q = data.indexOf('"', from);
          if (q < 0) {
            if (!final) return -1;
            return this.bad(data, start, n, "a quoted value is never closed");
          }
          if (data.charCodeAt(q + 1) === 34) {
            value += data.slice(from, q + 1);
            from = q + 2;
            continue;
          }
          value += data.slice(from, q);
          pos = q + 1;
          break;
        }
        newlinesInside += countNewlines(value);
        cells.push(value);
        const c = pos < n ? data.charCodeAt(pos) : -1;
        if (c === this.delim) {
          pos++;
          continue;
        }
        // a CR that ends the text may be the first half of a CRLF still to come
        if (c === 13 && pos + 1 === n && !final) return -1;
        if (c === 10 || c === 13 || c === -1) {
          if (c === -1 && !final) return -1;
          this.deliver(cells, data, start, pos);
          this.line += 1 + newlinesInside;
          return this.afterLineEnd(data, pos);
        }
        // text after a closing quote: not CSV, up to the end of the line
        let end = pos;
        while (end < n && data.charCodeAt(end) !== 10 && data.charCodeAt(end) !== 13) end++;
        if (end + (data.charCodeAt(end) === 13 ? 1 : 0) >= n && !final) return -1;
        return this.bad(data, start, end, "unexpected text after a closing quote");
      }
      // an unquoted field: up to the next comma or end of line; quotes inside it are literal
      let end = pos;
      while (end < n) {
        const c = data.charCodeAt(end);
        if (c === this.delim || c === 10 || c === 13) break;
        end++;
      }
      const c = end < n ? data.charCodeAt(end) : -1;
      if ((c === -1 || (c === 13 && end + 1 === n)) && !final) return -1;
      cells.push(data.slice(pos, end));
      if (c === this.delim) {
        pos = end + 1;
        continue;
      }
      this.deliver(cells, data, start, end);
      this.line += 1 + newlinesInside;
      return this.afterLineEnd(data, end);
    }
  }

  /** A record read from `data[start, end)`: to onRecord, or to onBad when it holds invalid UTF-8. */
  private deliver(cells: string[], data: string, start: number, end: number): void {
    if (this.checkUtf8 && hasInvalidUtf8(data.slice(start, end))) this.invalidUtf8(data, start, end);
    else this.onRecord(cells, this.line);
  }

  private invalidUtf8(data: string, start: number, end: number): void {
    this.onBad(this.line, { code: "invalid-utf8" }, shownUtf8(data.slice(start, Math.min(end, start + 200))));
  }

  /** Reports `data[start, end)` as one bad record; `end` is its line end (or the end of the input). */
  private bad(data: string, start: number, end: number, reason: string): number {
    const raw = data.slice(start, end);
    this.onBad(this.line, { code: "unreadable-csv", detail: reason }, shownUtf8(raw.slice(0, 200)));
    this.line += 1 + countNewlines(raw);
    return this.afterLineEnd(data, end);
  }

  /** The position after the line end (CR, LF or CRLF) at `end`, or the end of the text; tallies its kind. */
  private afterLineEnd(data: string, end: number): number {
    if (end >= data.length) return data.length;
    if (data.charCodeAt(end) === 10) {
      this.lineEnds.lf++;
      return end + 1;
    }
    if (data.charCodeAt(end + 1) === 10) {
      this.lineEnds.crlf++;
      return end + 2;
    }
    this.lineEnds.cr++;
    return end + 1;
  }
}

/** Line breaks in `s`: each CR, LF and CRLF counts one, as in the line numbers of records. */
function countNewlines(s: string): number {
  let count = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 10 || (c === 13 && s.charCodeAt(i + 1) !== 10)) count++;
  }
  return count;
}
