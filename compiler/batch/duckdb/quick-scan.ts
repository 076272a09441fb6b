import { isUtf8 } from "node:buffer";
import { closeSync, openSync, readSync } from "node:fs";
import { Utf8Validator } from "../sources/utf8.js";
import { noteGood, type CsvScan } from "./scan.js";

/**
 * The DuckDB engine's first look at a CSV file when it is regular — what `scanCsv` learns, over
 * bytes instead of decoded text, with no per-cell work: the header, the record count, the line
 * each record starts on, the kind of line ends, and whether the bytes are UTF-8. A quote-free
 * line costs one newline search; a record with quotes a search per quote.
 *
 * It gives up (undefined) on anything irregular — a quote inside an unquoted cell, a quote that
 * does not close, text after a closing quote, a CR that is not part of a CRLF, a record longer
 * than 64 MiB — and the engine then runs the full `scanCsv`, which reports those records exactly
 * as the JS engine does. Records are not counted cell by cell (`widthsChecked` false): DuckDB
 * skips a record of the wrong width, so the engine compares its row count with `good` and scans
 * again in full when they differ — except a record whose last cells are empty, which DuckDB reads
 * as a row of the header's width: a record with an empty last cell is counted here.
 *
 * `headerOnly`: stops after the header record, with its cells, its line end and whether its own
 * bytes are UTF-8 (no record counted): what the engine needs to start DuckDB's query, while the
 * whole scan runs beside it.
 */
export function quickScanCsv(path: string, delimiter = ",", dataEnd?: number, headerOnly = false): CsvScan | undefined {
  const scan: CsvScan = { header: [], records: 0, good: 0, bad: [], from: [], dRecord: [], dLine: [], lineEnds: { lf: 0, crlf: 0, cr: 0 }, invalidUtf8: false, widthsChecked: false };
  const delim = delimiter.charCodeAt(0);
  const fd = openSync(path, "r");
  try {
    const utf8 = new Utf8Validator();
    const CHUNK = 1 << 22;
    let buf = Buffer.allocUnsafe(CHUNK);
    let have = 0; // bytes of buf in use
    let offset = 0; // file offset of the next read
    let line = 1;
    let width = -1; // the header's cell count, once read
    let atStart = true;
    let eof = false;
    for (;;) {
      // Fill the buffer after the carried-over tail of an incomplete record.
      if (!eof) {
        const room = buf.length - have;
        const want = dataEnd !== undefined ? Math.min(room, dataEnd - offset) : room;
        const n = want > 0 ? readSync(fd, buf, have, want, offset) : 0;
        if (n > 0) utf8.push(buf.subarray(have, have + n));
        offset += n;
        have += n;
        eof = n === 0;
      }
      let pos = 0;
      if (atStart) {
        if (!eof && have < 3) continue;
        if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) pos = 3;
        atStart = false;
      }
      // The next line end, CR and quote, each searched again only once passed: shared with
      // quotedDataRecord, so that no stretch of the buffer is searched twice for the same byte.
      const find: Finders = { lf: finder(buf, have, 10), cr: finder(buf, have, 13), quote: finder(buf, have, 34) };
      while (pos < have) {
        const lf = find.lf(pos);
        const cr = find.cr(pos);
        const quote = find.quote(pos);
        if (lf < 0 && !eof) break; // the line continues in the next chunk
        const end = lf < 0 ? have : lf;
        if (quote < 0 || quote > end) {
          let textEnd = end;
          if (cr >= 0 && cr < end) {
            if (cr !== end - 1 || lf < 0) return undefined; // a CR that is not a CRLF
            textEnd = cr;
          }
          if (textEnd > pos) {
            if (width < 0) {
              scan.header = buf.toString("utf8", pos, textEnd).split(delimiter);
              width = scan.header.length;
            } else {
              // DuckDB reads a record with empty cells too many at its end as a row of the
              // header's width (the JS reader rejects it): a line whose last cell is empty has
              // its cells counted.
              if (buf[textEnd - 1] === delim && cellsIn(buf, pos, textEnd, delim) !== width) return undefined;
              countGood(scan, line);
            }
          }
          if (lf >= 0) textEnd === lf ? scan.lineEnds.lf++ : scan.lineEnds.crlf++;
          if (headerOnly && width >= 0) return { ...scan, invalidUtf8: !isUtf8(buf.subarray(pos, textEnd)) };
          line++;
          pos = lf < 0 ? have : lf + 1;
          continue;
        }
        // The header's cells are read; a data record's ends are found by jumping from quote to quote.
        let rec: RecordEnd;
        if (width < 0) {
          const header = quotedRecord(buf, pos, have, eof, delim, true);
          if (header === "more") break;
          if (header === undefined) return undefined;
          scan.header = header.cells;
          width = header.width;
          rec = header;
        } else {
          const data = quotedDataRecord(buf, pos, have, eof, delim, find);
          if (data === "more") break;
          if (data === undefined) return undefined;
          if (data.lastCellEmpty) {
            // An empty last cell (see above): this record's cells are counted.
            const counted = quotedRecord(buf, pos, have, eof, delim, false);
            if (counted === "more") break;
            if (counted === undefined || counted.width !== width) return undefined;
          }
          countGood(scan, line);
          rec = data;
        }
        if (rec.lineEnd === "lf") scan.lineEnds.lf++;
        else if (rec.lineEnd === "crlf") scan.lineEnds.crlf++;
        if (headerOnly) return { ...scan, invalidUtf8: !isUtf8(buf.subarray(pos, rec.next)) };
        line += 1 + rec.newlinesInside;
        pos = rec.next;
      }
      if (eof && pos >= have) break;
      // Carry the incomplete record over; grow the buffer when it fills it.
      const rest = have - pos;
      if (rest >= 1 << 26) return undefined;
      const next = rest * 2 > buf.length ? Buffer.allocUnsafe(buf.length * 2) : buf;
      buf.copy(next, 0, pos, have);
      buf = next;
      have = rest;
      if (eof) return undefined; // unreachable: at the end every record completes
    }
    if (width < 0) return undefined; // no header: the full scan reports it
    scan.invalidUtf8 = !utf8.end();
    return scan;
  } finally {
    closeSync(fd);
  }
}

/** One more good record, starting on `line` (the breakpoints `recordAt` reads). */
function countGood(scan: CsvScan, line: number): void {
  scan.records++;
  noteGood(scan, line);
}

/** Where a record ends: the next record's start, the line breaks inside its quoted cells, its line end. */
interface RecordEnd { next: number; newlinesInside: number; lineEnd: "lf" | "crlf" | "eof" }

interface QuotedRecord extends RecordEnd { cells: string[]; width: number }

/** The next line end, CR and quote at or after a position (-1: none in the buffer). */
interface Finders { lf: (from: number) => number; cr: (from: number) => number; quote: (from: number) => number }

/**
 * The first `byte` at or after `from` in buf[0, have), for positions that only grow: the last
 * answer stands until `from` passes it, so a stretch without the byte is searched once.
 */
function finder(buf: Buffer, have: number, byte: number): (from: number) => number {
  let at = -2;
  return (from) => {
    if (at !== -1 && at < from) {
      at = buf.indexOf(byte, from);
      if (at >= have) at = -1;
    }
    return at;
  };
}

/**
 * One record holding a quote, from `start` in `buf[0, have)`, as the JS reader (csv-records.ts)
 * reads it: "more" when it may continue past `have`, undefined when it is not regular CSV. The
 * cells' text is decoded only when `text` (the header); a data record needs only its width.
 */
function quotedRecord(buf: Buffer, start: number, have: number, eof: boolean, delim: number, text: boolean): QuotedRecord | "more" | undefined {
  const cells: string[] = [];
  let width = 0;
  let pos = start;
  let newlinesInside = 0;
  for (;;) {
    let cellEnd: number;
    width++;
    if (buf[pos] === 34) {
      let value = "";
      const open = pos + 1;
      let from = open;
      for (;;) {
        let q = buf.indexOf(34, from);
        if (q >= have) q = -1;
        if (q < 0) return eof ? undefined : "more";
        if (q + 1 >= have && !eof) return "more";
        if (buf[q + 1] === 34) {
          if (text) value += buf.toString("utf8", from, q + 1);
          from = q + 2;
          continue;
        }
        if (text) value += buf.toString("utf8", from, q);
        cellEnd = q + 1;
        break;
      }
      // Line breaks inside the value, counted as the JS reader counts them: CR, LF and CRLF one each.
      for (let i = open; i < cellEnd - 1; i++) {
        const c = buf[i];
        if (c === 10 || (c === 13 && buf[i + 1] !== 10)) newlinesInside++;
      }
      if (text) cells.push(value);
    } else {
      let end = pos;
      while (end < have && buf[end] !== delim && buf[end] !== 10 && buf[end] !== 13) end++;
      if (end >= have && !eof) return "more";
      if (text) cells.push(buf.toString("utf8", pos, end));
      cellEnd = end;
    }
    const c = cellEnd < have ? buf[cellEnd] : -1;
    if (c === delim) {
      pos = cellEnd + 1;
      continue;
    }
    if (c === -1) return eof ? { cells, width, next: have, newlinesInside, lineEnd: "eof" } : "more";
    if (c === 10) return { cells, width, next: cellEnd + 1, newlinesInside, lineEnd: "lf" };
    if (c === 13) {
      if (cellEnd + 1 >= have && !eof) return "more";
      return buf[cellEnd + 1] === 10 ? { cells, width, next: cellEnd + 2, newlinesInside, lineEnd: "crlf" } : undefined;
    }
    return undefined; // text after a closing quote
  }
}

/**
 * The end of a data record holding a quote, from `start` in `buf[0, have)`, as the JS reader
 * (csv-records.ts) reads it: where the next record starts, the line breaks inside its quoted
 * cells and its line end. Found by jumping from quote to quote rather than walking its bytes
 * (~3 ns a byte: most of the scan's time on files with many quoted cells); its width is not
 * counted (see `quickScanCsv`). "more" when it may continue past `have`; undefined when it is not
 * regular CSV: a quote inside an unquoted cell, a quote that does not close, text after a closing
 * quote, a CR outside quotes that is not part of a CRLF. `lastCellEmpty`: the record's last cell
 * is empty, so its cells must be counted (see `quickScanCsv`).
 */
function quotedDataRecord(buf: Buffer, start: number, have: number, eof: boolean, delim: number, find: Finders): (RecordEnd & { lastCellEmpty: boolean }) | "more" | undefined {
  let pos = start;
  let newlinesInside = 0;
  for (;;) {
    const quote = find.quote(pos);
    const lf = find.lf(pos);
    const cr = find.cr(pos);
    if (quote < 0 || (lf >= 0 && lf < quote)) {
      // No quote before the line end: the record ends there.
      if (lf < 0) {
        if (!eof) return "more";
        return cr >= 0 ? undefined : { next: have, newlinesInside, lineEnd: "eof", lastCellEmpty: have > start && buf[have - 1] === delim };
      }
      if (cr >= 0 && cr < lf && cr !== lf - 1) return undefined;
      const textEnd = cr === lf - 1 ? cr : lf;
      return { next: lf + 1, newlinesInside, lineEnd: cr === lf - 1 ? "crlf" : "lf", lastCellEmpty: textEnd > start && buf[textEnd - 1] === delim };
    }
    // A quote opens a cell, or the record is not regular CSV.
    if (quote !== start && buf[quote - 1] !== delim) return undefined;
    if (cr >= 0 && cr < quote) return undefined; // a CR before the quote with no LF after it
    let close = -1;
    for (let from = quote + 1; ; ) {
      const c = find.quote(from);
      if (c < 0) return eof ? undefined : "more";
      if (c + 1 >= have && !eof) return "more";
      if (buf[c + 1] === 34) {
        from = c + 2;
        continue;
      }
      close = c;
      break;
    }
    // Line breaks inside the value, counted as the JS reader counts them: CR, LF and CRLF one each.
    for (let i = lf; i >= 0 && i < close; i = find.lf(i + 1)) newlinesInside++;
    for (let i = find.cr(quote + 1); i >= 0 && i < close; i = find.cr(i + 1)) if (buf[i + 1] !== 10) newlinesInside++;
    const after = close + 1;
    const emptyCell = close === quote + 1;
    if (after >= have) return eof ? { next: have, newlinesInside, lineEnd: "eof", lastCellEmpty: emptyCell } : "more";
    const b = buf[after];
    if (b === delim) {
      pos = after + 1;
      continue;
    }
    if (b === 10) return { next: after + 1, newlinesInside, lineEnd: "lf", lastCellEmpty: emptyCell };
    if (b === 13) {
      if (after + 1 >= have && !eof) return "more";
      return buf[after + 1] === 10 ? { next: after + 2, newlinesInside, lineEnd: "crlf", lastCellEmpty: emptyCell } : undefined;
    }
    return undefined; // text after a closing quote
  }
}

/** The cells of the quote-free line buf[from, to). */
function cellsIn(buf: Buffer, from: number, to: number, delim: number): number {
  let cells = 1;
  for (let i = from; i < to; i++) if (buf[i] === delim) cells++;
  return cells;
}
