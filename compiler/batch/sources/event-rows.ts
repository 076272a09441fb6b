import { openSync, readSync, closeSync } from "node:fs";
import { CsvRecordReader } from "./csv-records.js";
import { csvDialect } from "./csv-dialect.js";
import { InputError, JsonLinesReader } from "./inputs.js";
import { Utf8Decoder } from "./utf8.js";
import { reasonText } from "../../runtime/codecs/reasons.js";

/** One event row: its lead id (as text, as the leads' ids are) and its other columns. */
export type EventHandler = (id: string, event: Record<string, unknown>, line: number) => void;
/** A row that is not readable as CSV or JSON, or has no id: skipped and reported as a warning. */
export type UnreadableHandler = (line: number, reason: string) => void;

/** Whether `path` is read as JSON Lines (`.jsonl`, `.ndjson`); anything else is CSV. */
export function isJsonLinesPath(path: string): boolean {
  return /\.(jsonl|ndjson)$/i.test(path);
}

/** An id as the join compares it: text as is, any other JSON value as its JSON text (`7`, not 7). */
export function idText(id: unknown): string {
  return typeof id === "string" ? id : JSON.stringify(id);
}

/**
 * Turns an events file's text, fed in pieces, into events: the one reading of an events file,
 * shared by the in-memory join (event-files.ts) and the streaming merge join
 * (sorted-event-file.ts), so both see the same events, ids and unreadable rows. In CSV an empty
 * cell is a missing value, as in the leads; the id column is the first column named like the
 * leads' id column. In JSON Lines a row without the id is unreadable.
 */
export class EventRowReader {
  private readonly csv?: CsvRecordReader;
  private readonly jsonl?: JsonLinesReader;
  private header: string[] | undefined;
  private idIndex = -1;

  constructor(readonly stream: string, readonly path: string, idColumn: string, onEvent: EventHandler, onUnreadable: UnreadableHandler) {
    if (isJsonLinesPath(path)) {
      this.jsonl = new JsonLinesReader(
        (value, line) => {
          const id = value[idColumn];
          if (id === undefined || id === null) {
            onUnreadable(line, `no \`${idColumn}\` to join the event on`);
            return;
          }
          const event = { ...value };
          delete event[idColumn];
          onEvent(idText(id), event, line);
        },
        (line, reason) => onUnreadable(line, reasonText(reason)),
      );
      return;
    }
    const { delimiter } = csvDialect(path);
    this.csv = new CsvRecordReader(
      (cells, line) => {
        const header = this.header;
        if (!header) {
          this.header = cells;
          this.idIndex = cells.indexOf(idColumn);
          if (this.idIndex < 0) throw noIdColumn(stream, path, idColumn);
          return;
        }
        const idIndex = this.idIndex;
        const event: Record<string, unknown> = {};
        for (let i = 0; i < header.length; i++) {
          if (i !== idIndex && cells[i] !== undefined && cells[i] !== "") event[header[i]] = cells[i];
        }
        onEvent(cells[idIndex] ?? "", event, line);
      },
      (line, reason) => onUnreadable(line, reasonText(reason)),
      undefined, 1, true, delimiter,
    );
  }

  /** Feeds the next piece of text (`marked`: it holds invalid UTF-8 marks, utf8.ts). */
  push(text: string, marked: boolean): void {
    if (this.csv) this.csv.push(text, marked);
    else this.jsonl!.push(text, marked);
  }

  /** The file has ended. A CSV file without a header row is an InputError. */
  end(): void {
    if (this.csv) {
      this.csv.end();
      if (!this.header) throw noEventsHeader(this.stream, this.path);
    } else this.jsonl!.end();
  }
}

/** The one wording of an events CSV file without the id column. */
export function noIdColumn(stream: string, path: string, idColumn: string): InputError {
  return new InputError(`--events ${stream}=${path}: no \`${idColumn}\` column (the leads' id column) to join the events on`);
}

/** The one wording of an events CSV file without a header row. */
export function noEventsHeader(stream: string, path: string): InputError {
  return new InputError(`--events ${stream}=${path}: the CSV file has no header row`);
}

/** The size of the pieces events files are read in: bounded, and large enough that reading is cheap. */
export const EVENT_CHUNK_BYTES = 1 << 20;

/**
 * A file read synchronously, piece by piece, as UTF-8 text (a character cut at a piece's end
 * waits for the next piece; invalid bytes are marked, utf8.ts). Synchronous because the merge
 * join pulls events while a lead is being scored, inside the leads' synchronous chunk loop.
 */
export class TextPieces {
  private fd: number | undefined;
  private readonly decoder = new Utf8Decoder();
  private readonly buffer = Buffer.allocUnsafe(EVENT_CHUNK_BYTES);
  private ended = false;
  /** Whether the text last returned holds invalid UTF-8 marks. */
  marked = false;

  /** Bytes left to read when the text ends before the file does (a report trailer follows the leads). */
  private left: number;

  constructor(readonly path: string, readonly label: string, end?: number) {
    this.left = end ?? Number.POSITIVE_INFINITY;
    try {
      this.fd = openSync(path, "r");
    } catch (e) {
      throw new InputError(`${label}: ${(e as Error).message}`);
    }
  }

  /** The next piece of text (possibly empty), or undefined once the file has ended. */
  next(): string | undefined {
    if (this.ended) return undefined;
    const n = this.left > 0 ? readSync(this.fd!, this.buffer, 0, Math.min(this.buffer.length, this.left), null) : 0;
    this.left -= n;
    if (n === 0) {
      this.ended = true;
      this.close();
      const rest = this.decoder.end();
      this.marked = this.decoder.marked;
      return rest;
    }
    const text = this.decoder.decode(this.buffer.subarray(0, n));
    this.marked = this.decoder.marked;
    return text;
  }

  /** Releases the file (also when a run stops early). */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Reads a whole events file once, in pieces, handing each event (and each unreadable row) over; the file is released however it ends. */
export function readEventRows(stream: string, path: string, idColumn: string, onEvent: EventHandler, onUnreadable: UnreadableHandler): void {
  const pieces = new TextPieces(path, `--events ${stream}=${path}`);
  const reader = new EventRowReader(stream, path, idColumn, onEvent, onUnreadable);
  try {
    for (let text = pieces.next(); text !== undefined; text = pieces.next()) reader.push(text, pieces.marked);
    reader.end();
  } finally {
    pieces.close();
  }
}
