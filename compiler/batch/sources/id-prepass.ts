import { CsvRecordReader } from "./csv-records.js";
import { csvDialect } from "./csv-dialect.js";
import { JsonLinesReader, type InputFormat } from "./inputs.js";
import { idText, isJsonLinesPath, noEventsHeader, noIdColumn, TextPieces } from "./event-rows.js";
import { IdOrderCheck } from "./id-order.js";

/**
 * The pre-pass of the merge join: the ids of a file, in file order, fed to an IdOrderCheck,
 * before any output is written. Records are split by the very reader that reads the file for the
 * run (CsvRecordReader, JsonLinesReader) over the same UTF-8 decoding, so quoted line breaks, a
 * byte-order mark, invalid bytes and unreadable rows are seen exactly as the run sees them; a
 * quote-free CSV line (nearly all of them) is not split into cells: only its id cell is cut out.
 */

/** Calls `each(text, marked)` for every piece of the file (up to `end` bytes when given). */
function readPieces(path: string, label: string, each: (text: string, marked: boolean) => void, end?: number): void {
  const pieces = new TextPieces(path, label, end);
  try {
    for (let text = pieces.next(); text !== undefined; text = pieces.next()) each(text, pieces.marked);
  } finally {
    pieces.close();
  }
}

/** Cell `index` of the quote-free line `data[start, end)`; "" when it has fewer cells (as `cells[i] ?? ""`). */
function plainCell(data: string, start: number, end: number, index: number, delimiter: string): string {
  let from = start;
  for (let i = 0; i < index; i++) {
    const d = data.indexOf(delimiter, from);
    if (d < 0 || d >= end) return "";
    from = d + 1;
  }
  const d = data.indexOf(delimiter, from);
  return data.slice(from, d < 0 || d > end ? end : d);
}

/**
 * CSV records as `onRow(cell, line)` after the header, which `onHeader` receives (and returns the
 * index of the id cell, -1 for none: then `cell` is undefined). Unreadable records go to `onBad`.
 */
function csvIds(path: string, label: string, delimiter: string, end: number | undefined, onHeader: (cells: string[]) => number, onRow: (cell: string | undefined, line: number) => void, onBad: () => void): void {
  let index = -2; // -2: no header yet; -1: no id column
  const header = (cells: string[]) => { index = onHeader(cells); };
  const reader = new CsvRecordReader(
    (cells, line) => {
      if (index === -2) header(cells);
      else onRow(index >= 0 ? cells[index] ?? "" : undefined, line);
    },
    () => { if (index !== -2) onBad(); },
    (data, start, stop, line) => {
      if (index === -2) header(data.slice(start, stop).split(delimiter));
      else onRow(index >= 0 ? plainCell(data, start, stop, index, delimiter) : undefined, line);
    },
    1, true, delimiter,
  );
  readPieces(path, label, (text, marked) => reader.push(text, marked), end);
  reader.end();
}

/** Watches the ids of an events file as EventRowReader reads them (rows it skips are skipped). */
export function checkEventIds(stream: string, path: string, idColumn: string): IdOrderCheck {
  const check = new IdOrderCheck(path);
  const label = `--events ${stream}=${path}`;
  if (isJsonLinesPath(path)) {
    const reader = new JsonLinesReader((value, line) => {
      const id = value[idColumn];
      if (id !== undefined && id !== null) check.add(idText(id), line);
    }, () => {});
    readPieces(path, label, (text, marked) => reader.push(text, marked));
    reader.end();
    return check;
  }
  // A header without the id column fails now, before any output, with the run's reader's words.
  let sawHeader = false;
  const onHeader = (cells: string[]) => {
    sawHeader = true;
    const index = cells.indexOf(idColumn);
    if (index < 0) throw noIdColumn(stream, path, idColumn);
    return index;
  };
  csvIds(path, label, csvDialect(path).delimiter, undefined, onHeader, (cell, line) => check.add(cell!, line), () => {});
  if (!sawHeader) throw noEventsHeader(stream, path);
  return check;
}

/** Where the leads are and how they are read, as runJs reads them. */
export interface LeadsFile {
  input: string;
  format: InputFormat;
  idColumn: string;
  delimiter: string;
  /** Where the data ends (a report trailer follows), or the whole file. */
  dataEnd?: number;
}

/**
 * Watches the leads' ids as the run's binders compute them (CsvBinder/JsonBinder `idOf`): the id
 * column found by its trimmed header name (the last of duplicates), else the row number, which
 * counts unreadable rows too. Rows the run rejects unread carry no id and are not watched.
 */
export function checkLeadIds(leads: LeadsFile): IdOrderCheck {
  const check = new IdOrderCheck(leads.input);
  let rows = 0;
  if (leads.format === "jsonl") {
    const reader = new JsonLinesReader((value, line) => {
      rows++;
      const id = value[leads.idColumn];
      check.add(id === undefined || id === null ? String(rows) : idText(id), line);
    }, () => { rows++; });
    readPieces(leads.input, leads.input, (text, marked) => reader.push(text, marked), leads.dataEnd);
    reader.end();
    return check;
  }
  csvIds(
    leads.input, leads.input, leads.delimiter, leads.dataEnd,
    (cells) => new Map(cells.map((h, i) => [h.trim(), i])).get(leads.idColumn) ?? -1,
    (cell, line) => { rows++; check.add(cell ?? String(rows), line); },
    () => { rows++; },
  );
  return check;
}
