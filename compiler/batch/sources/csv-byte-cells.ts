/**
 * Locates the cells of one CSV record in raw UTF-8 bytes, without decoding the record: the
 * schema-specialised scanner of the parallel batch path reads values straight from the bytes and
 * decodes only the cells it needs as text (the id, the string and list fields the definition
 * reads). It follows CsvRecordReader's rules for the records it accepts — cells end at the
 * delimiter, a record at CR, LF or CRLF, a cell that starts with `"` is quoted (`""` inside it
 * is one quote), a quote elsewhere is literal — and refuses (scan returns false) the rare
 * records where quoting is unusual (a line break inside quotes, text after a closing quote, a
 * quote never closed): the caller hands those to CsvRecordReader, which reports them exactly.
 *
 * The bytes that matter (`"`, the delimiter, CR, LF) are ASCII and never occur inside a
 * multi-byte UTF-8 character, so every position found is a character boundary.
 */

const QUOTE = 34;
const LF = 10;
const CR = 13;

/** Cell flag: the cell holds a byte ≥ 0x80 (it decodes as UTF-8, not as ASCII). */
export const NON_ASCII = 1;
/** Cell flag: a quoted cell holding `""`, which reads as one quote. */
export const DOUBLED_QUOTES = 2;

/** Where the cells of the last record scanned lie; reused for every record of a piece. */
export class ByteRecordCells {
  /** Cell c is bytes [start[c], end[c]) (quotes excluded), for c < min(count, width). */
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly flags: Uint8Array;
  /** The number of cells the record has (more than `width` are counted, not stored). */
  count = 0;
  /** Where the record's line end (CR, LF, CRLF) starts, or the end of the bytes. */
  lineEnd = 0;
  /** Where the next record starts. */
  next = 0;

  constructor(readonly width: number, private readonly delimiter: number) {
    this.start = new Int32Array(width);
    this.end = new Int32Array(width);
    this.flags = new Uint8Array(width);
  }

  /**
   * Scans the record starting at `pos` in `buf` (which holds whole records: its end ends a
   * record). False when the record's quoting is unusual; then nothing about it is known.
   */
  scan(buf: Uint8Array, pos: number): boolean {
    const n = buf.length;
    const delim = this.delimiter;
    const width = this.width;
    let p = pos;
    let j = 0;
    for (;;) {
      let a: number;
      let b: number;
      let seen = 0; // every byte of the cell OR-ed: bit 7 tells whether any is non-ASCII
      let flags = 0;
      if (p < n && buf[p] === QUOTE) {
        let q = p + 1;
        for (;;) {
          let c = 0;
          while (q < n && (c = buf[q]) !== QUOTE) {
            if (c === LF || c === CR) return false; // a line break inside quotes: the general reader counts its lines
            seen |= c;
            q++;
          }
          if (q >= n) return false; // never closed
          if (q + 1 < n && buf[q + 1] === QUOTE) {
            flags |= DOUBLED_QUOTES;
            q += 2;
            continue;
          }
          break;
        }
        a = p + 1;
        b = q;
        p = q + 1;
        if (p < n) {
          const c = buf[p];
          if (c !== delim && c !== LF && c !== CR) return false; // text after a closing quote
        }
      } else {
        let q = p;
        while (q < n) {
          const c = buf[q];
          if (c === delim || c === LF || c === CR) break;
          seen |= c;
          q++;
        }
        a = p;
        b = q;
        p = q;
      }
      if (j < width) {
        this.start[j] = a;
        this.end[j] = b;
        this.flags[j] = flags | (seen & 0x80 ? NON_ASCII : 0);
      }
      j++;
      if (p < n && buf[p] === delim) {
        p++;
        continue;
      }
      this.count = j;
      this.lineEnd = p;
      this.next = p >= n ? n : buf[p] === CR && p + 1 < n && buf[p + 1] === LF ? p + 2 : p + 1;
      return true;
    }
  }
}

type SliceableBuffer = Buffer & { latin1Slice(a: number, b: number): string; utf8Slice(a: number, b: number): string };

/** The text of cell bytes [a, b) with the given flags, as CsvRecordReader would have delivered it. */
export function cellText(buf: Buffer, a: number, b: number, flags: number): string {
  const s = flags & NON_ASCII ? (buf as SliceableBuffer).utf8Slice(a, b) : (buf as SliceableBuffer).latin1Slice(a, b);
  return flags & DOUBLED_QUOTES ? s.replaceAll('""', '"') : s;
}
