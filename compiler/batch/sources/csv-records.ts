/**
 * A CSV record splitter built for the batch path: it takes text in large chunks and calls back
 * once per record, with no per-record promise or object beyond the cells array. Lines without
 * a quote (nearly all of them in CRM exports) are split with String#split; a line with a quote
 * goes through a full RFC 4180 state machine (embedded commas, doubled quotes, newlines inside
 * quotes). CRLF, a leading byte-order mark and empty lines are handled. The result must equal
 * csv-parse's with relax_quotes (tested on adversarial files).
 */
export type RecordHandler = (cells: string[], line: number) => void;
export type BadRecordHandler = (line: number, reason: string, raw: string) => void;
/**
 * Optional: receives a quote-free, non-empty line as `data[start, end)` (CR already dropped)
 * instead of its split cells, so a schema-specialised scanner can read the cells in place.
 * Splitting that range on the delimiter gives exactly the cells onRecord would have received.
 */
export type PlainLineHandler = (data: string, start: number, end: number, line: number) => void;

export class CsvRecordReader {
  private carry = "";
  private line = 1;
  private first = true;

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

  /** Feeds the next piece of text; records that end inside it are delivered now. */
  push(text: string): void {
    let data = this.carry ? this.carry + text : text;
    if (this.first) {
      if (data.charCodeAt(0) === 0xfeff) data = data.slice(1);
      this.first = false;
    }
    this.carry = data.slice(this.consume(data, false));
  }

  /** The input has ended: deliver what is left, including a last line without a newline. */
  end(): void {
    if (this.carry) {
      const rest = this.carry;
      this.carry = "";
      this.consume(rest, true);
    }
  }

  /** Delivers every complete record in `data`; returns where the incomplete tail starts. */
  private consume(data: string, final: boolean): number {
    let pos = 0;
    const n = data.length;
    while (pos < n) {
      let nl = data.indexOf("\n", pos);
      if (nl < 0) {
        if (!final) return pos;
        nl = n;
      }
      const quote = data.indexOf('"', pos);
      if (quote < 0 || quote > nl) {
        const end = nl > pos && data.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        if (end > pos) {
          if (this.onPlainLine) this.onPlainLine(data, pos, end, this.line);
          else this.onRecord(data.slice(pos, end).split(this.delimiter), this.line);
        }
        this.line++;
        pos = nl + 1;
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
        if (c === 13 && data.charCodeAt(pos + 1) === 10) pos++;
        if (c === 10 || c === 13 || c === -1) {
          if (c === -1 && !final) return -1;
          this.onRecord(cells, this.line);
          this.line += 1 + newlinesInside;
          return Math.min(n, pos + 1);
        }
        // text after a closing quote: not CSV
        const nl = data.indexOf("\n", pos);
        if (nl < 0 && !final) return -1;
        return this.bad(data, start, nl < 0 ? n : nl, "unexpected text after a closing quote");
      }
      // an unquoted field: up to the next comma or end of line; quotes inside it are literal
      let end = pos;
      while (end < n) {
        const c = data.charCodeAt(end);
        if (c === this.delim || c === 10) break;
        end++;
      }
      if (end === n && !final) return -1;
      let valueEnd = end;
      if (data.charCodeAt(end) !== this.delim && valueEnd > pos && data.charCodeAt(valueEnd - 1) === 13) valueEnd--;
      cells.push(data.slice(pos, valueEnd));
      if (end < n && data.charCodeAt(end) === this.delim) {
        pos = end + 1;
        continue;
      }
      this.onRecord(cells, this.line);
      this.line += 1 + newlinesInside;
      return Math.min(n, end + 1);
    }
  }

  private bad(data: string, start: number, end: number, reason: string): number {
    const raw = data.slice(start, end);
    this.onBad(this.line, reason, raw.slice(0, 200));
    this.line += 1 + countNewlines(raw);
    return Math.min(data.length, end + 1);
  }
}

function countNewlines(s: string): number {
  let count = 0;
  for (let i = s.indexOf("\n"); i >= 0; i = s.indexOf("\n", i + 1)) count++;
  return count;
}
