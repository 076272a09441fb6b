import { InputError } from "../sources/inputs.js";
import { reasonText } from "../../runtime/codecs/reasons.js";
import { closeSync, createReadStream, openSync, readSync } from "node:fs";
import { type Reject, rejectOf } from "../reject.js";
import { CsvRecordReader } from "../sources/csv-records.js";
import { noCsvHeader } from "../sources/inputs.js";
import { Utf8Decoder } from "../sources/utf8.js";

/**
 * What the DuckDB engine learns about a file before DuckDB reads it, with the JS engine's own
 * record readers, so that both engines see the same records: the CSV header, where each record
 * starts, which records are malformed, and JSON Lines that DuckDB's line reader would split
 * differently.
 */

/**
 * The CSV header row, read here rather than sniffed: DuckDB's sniffer guesses a different
 * dialect (or no header) for some malformed files, which would silently misread every row.
 */
export function csvHeader(path: string): string[] {
  const fd = openSync(path, "r");
  let text = "";
  try {
    const buf = Buffer.alloc(1 << 16);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n <= 0) break;
      text += buf.toString("utf8", 0, n);
      if (/[\r\n]/.test(text.replace(/"[^"]*"/g, ""))) break;
    }
  } finally {
    closeSync(fd);
  }
  text = text.replace(/^\uFEFF/, "");
  const cells: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cur += '"'; i++; }
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") { cells.push(cur); cur = ""; }
    else if (ch === "\n" || ch === "\r") break;
    else cur += ch;
  }
  cells.push(cur);
  return cells;
}

/**
 * One more good record, starting on `line` (its record was already counted in `scan.records`):
 * a breakpoint is added only where the gaps between good records and records, and lines, change
 * (what `recordAt` reads).
 */
export function noteGood(scan: CsvScan, line: number): void {
  const g = ++scan.good;
  const k = scan.from.length - 1;
  const dr = scan.records - g;
  const dl = line - g;
  if (k < 0 || scan.dRecord[k] !== dr || scan.dLine[k] !== dl) {
    scan.from.push(g);
    scan.dRecord.push(dr);
    scan.dLine.push(dl);
  }
}

/** Where each good CSV record starts, and the records DuckDB cannot read, as the JS reader sees them. */
export interface CsvScan {
  header: string[];
  records: number;
  good: number;
  bad: (Reject & { record: number })[];
  /** Breakpoints over good records g (1-based): from `from[k]` on, record = g + dRecord[k], line = g + dLine[k]. */
  from: number[];
  dRecord: number[];
  dLine: number[];
  /** How many records ended with each kind of line end (outside quotes). */
  lineEnds: { lf: number; crlf: number; cr: number };
  /** Some bytes are not UTF-8 (DuckDB's reader stops there; the JS engine rejects their records). */
  invalidUtf8: boolean;
  /**
   * Whether every record's width was checked. The quick scan (quick-scan.ts) leaves quote-free
   * lines unchecked and counts them good: DuckDB skips a line of the wrong width, so its row
   * count tells whether any was, and only then does the engine run the full scan.
   */
  widthsChecked: boolean;
}

/**
 * Reads the CSV once with the JS engine's own record reader (no binding, no evaluation): the
 * record count, the physical line each record starts on, and the records that are not rows of
 * the header's width. DuckDB's reader skips those; this maps its rows back to records and lines.
 * The engine runs it when `quickScanCsv` (quick-scan.ts) gives up or DuckDB skipped a line.
 */
export async function scanCsv(path: string, idColumn: string, delimiter = ",", dataEnd?: number): Promise<CsvScan> {
  const scan: CsvScan = { header: [], records: 0, good: 0, bad: [], from: [], dRecord: [], dLine: [], lineEnds: { lf: 0, crlf: 0, cr: 0 }, invalidUtf8: false, widthsChecked: true };
  let header: string[] | undefined;
  let idIndex = -1;
  let width = 0;
  const good = (line: number) => noteGood(scan, line);
  const record = (cells: string[], line: number) => {
    if (!header) {
      header = cells;
      width = cells.length;
      idIndex = new Map(cells.map((h, i) => [h.trim(), i])).get(idColumn) ?? -1;
      return;
    }
    scan.records++;
    if (cells.length !== width) {
      const id = idIndex >= 0 ? cells[idIndex] ?? "" : String(scan.records);
      scan.bad.push({ record: scan.records, ...rejectOf(line, id, "", "", { code: "row-width", cells: cells.length, width }) });
    } else good(line);
  };
  const reader = new CsvRecordReader(
    record,
    (line, reason, raw) => {
      if (!header) throw new InputError(`the header row is not readable: ${reasonText(reason)}`);
      scan.records++;
      scan.bad.push({ record: scan.records, ...rejectOf(line, "", "", raw, reason) });
    },
    (data, start, end, line) => {
      if (!header) return record(data.slice(start, end).split(delimiter), line);
      let cells = 1;
      for (let p = data.indexOf(delimiter, start); p >= 0 && p < end; p = data.indexOf(delimiter, p + 1)) cells++;
      if (cells !== width) record(data.slice(start, end).split(delimiter), line);
      else {
        scan.records++;
        good(line);
      }
    },
    1,
    true,
    delimiter,
  );
  const stream = createReadStream(path, { highWaterMark: 1 << 22, ...(dataEnd !== undefined ? { end: dataEnd - 1 } : {}) });
  const utf8 = new Utf8Decoder();
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    reader.push(utf8.decode(chunk), utf8.marked);
    scan.invalidUtf8 ||= utf8.marked;
  }
  reader.push(utf8.end(), utf8.marked);
  scan.invalidUtf8 ||= utf8.marked;
  reader.end();
  if (!header) throw noCsvHeader(path);
  scan.header = header;
  scan.lineEnds = reader.lineEnds;
  return scan;
}

/**
 * DuckDB's `new_line` for the one kind of line end the file's records use (CR, LF or CRLF, as the
 * JS reader found them), or undefined when they mix kinds, which DuckDB's reader cannot follow.
 */
export function csvNewLine(scan: CsvScan): string | undefined {
  const { lf, crlf, cr } = scan.lineEnds;
  const kinds = [lf && "\\n", crlf && "\\r\\n", cr && "\\r"].filter((k): k is string => Boolean(k));
  return kinds.length > 1 ? undefined : kinds[0] ?? "\\n";
}

export function recordAt(scan: CsvScan, g: number): { record: number; line: number } {
  let lo = 0;
  let hi = scan.from.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (scan.from[mid] <= g) lo = mid;
    else hi = mid - 1;
  }
  return { record: g + (scan.dRecord[lo] ?? 0), line: g + (scan.dLine[lo] ?? 1) };
}

