/**
 * Record boundaries in raw CSV bytes, for handing whole records to worker threads. It follows
 * CsvRecordReader's rules exactly (a record is a quote-free line, or a line with a quote read by
 * the RFC 4180 state machine, with newlines inside quoted values; a line ends at CR, LF or CRLF,
 * and a cut never falls between the CR and LF of a CRLF), so the reader, run on each
 * piece, delivers the same records it would deliver on the whole file.
 *
 * Only lines with a quote are walked; between them, native `indexOf` skips ahead. The bytes that
 * matter (`"` `,` CR LF) are ASCII and never occur inside a multi-byte UTF-8 character, so a
 * cut is always a character boundary.
 */

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

/**
 * The end of the last complete record in `buf` (every record is complete when `final`): the
 * position where the reader would start the next record. 0 when no record is complete yet.
 */
export function lastRecordEnd(buf: Uint8Array, final: boolean, delim = COMMA): number {
  const n = buf.length;
  let pos = 0;
  while (pos < n) {
    const q = buf.indexOf(QUOTE, pos);
    if (q < 0) {
      if (final) return n;
      // A CR that ends the buffer may be the first half of a CRLF: cut before it.
      return Math.max(pos, lineStartBefore(buf, pos, buf[n - 1] === CR ? n - 1 : n));
    }
    // Lines between pos and the quote's line are quote-free records (or empty lines).
    const lineStart = lineStartBefore(buf, pos, q);
    const next = quotedRecordEnd(buf, lineStart, final, delim);
    if (next < 0) return lineStart;
    pos = next;
  }
  return n;
}

/**
 * Where the line holding `at` starts, looking back no further than `from` (a record start): just
 * after the last CR or LF in `buf[from, at)`, else `from`.
 */
function lineStartBefore(buf: Uint8Array, from: number, at: number): number {
  const span = buf.subarray(from, at);
  return from + Math.max(span.lastIndexOf(LF), span.lastIndexOf(CR)) + 1;
}

/** The first CR or LF at or after `from`, or -1. */
function lineEndFrom(buf: Uint8Array, from: number): number {
  for (let i = from; i < buf.length; i++) if (buf[i] === LF || buf[i] === CR) return i;
  return -1;
}

/** The end of the first `count` non-empty records (for the header), or -1 if they are not all there. */
export function firstRecordsEnd(buf: Uint8Array, count: number, final: boolean, delim = COMMA): number {
  const n = buf.length;
  let pos = 0;
  while (pos < n && count > 0) {
    let end = lineEndFrom(buf, pos);
    if (end < 0 || (buf[end] === CR && end + 1 === n)) {
      if (!final) return -1;
      if (end < 0) end = n;
    }
    const q = buf.indexOf(QUOTE, pos);
    if (q < 0 || q > end) {
      if (end > pos) count--;
      pos = afterLineEnd(buf, end);
      continue;
    }
    const next = quotedRecordEnd(buf, pos, final, delim);
    if (next < 0) return -1;
    count--;
    pos = next;
  }
  return count > 0 ? -1 : pos;
}

/**
 * Mirrors CsvRecordReader.quotedRecord on bytes: the position after the record starting at
 * `start`, or -1 when it is not complete in `buf` and more may come.
 */
function quotedRecordEnd(buf: Uint8Array, start: number, final: boolean, delim: number): number {
  const n = buf.length;
  let pos = start;
  for (;;) {
    if (pos < n && buf[pos] === QUOTE) {
      let from = pos + 1;
      for (;;) {
        const q = buf.indexOf(QUOTE, from);
        if (q < 0) return final ? n : -1; // never closed: a bad record to the end of the input
        if (q + 1 < n && buf[q + 1] === QUOTE) {
          from = q + 2;
          continue;
        }
        pos = q + 1;
        break;
      }
      const c = pos < n ? buf[pos] : -1;
      if (c === delim) {
        pos++;
        continue;
      }
      if (c === CR && pos + 1 === n && !final) return -1;
      if (c === CR && buf[pos + 1] === LF) pos++;
      if (c === LF || c === CR || c === -1) {
        if (c === -1 && !final) return -1;
        return Math.min(n, pos + 1);
      }
      // text after a closing quote: a bad record up to the end of the line
      const end = lineEndFrom(buf, pos);
      if ((end < 0 || (buf[end] === CR && end + 1 === n)) && !final) return -1;
      return end < 0 ? n : afterLineEnd(buf, end);
    }
    let end = pos;
    while (end < n) {
      const c = buf[end];
      if (c === delim || c === LF || c === CR) break;
      end++;
    }
    if ((end === n || (buf[end] === CR && end + 1 === n)) && !final) return -1;
    if (end < n && buf[end] === delim) {
      pos = end + 1;
      continue;
    }
    return afterLineEnd(buf, end);
  }
}

/** The position after the line end (CR, LF or CRLF) at `end`, or the end of the buffer. */
function afterLineEnd(buf: Uint8Array, end: number): number {
  if (end >= buf.length) return buf.length;
  return buf[end] === CR && buf[end + 1] === LF ? end + 2 : end + 1;
}
