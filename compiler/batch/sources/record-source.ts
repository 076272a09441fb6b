import type { Reason } from "../../runtime/codecs/reasons.js";
import { reasonText } from "../../runtime/codecs/reasons.js";
import { assertCsvHeader } from "./csv-header.js";
import { csvDialect } from "./csv-dialect.js";
import { CsvRecordReader } from "./csv-records.js";
import { InputError, JsonLinesReader, noCsvHeader, openInput, type InputFormat } from "./inputs.js";
import { Utf8Decoder } from "./utf8.js";

/**
 * The one record source of the analysis commands (`explain --input`, `diff`, `report`, `sweep`,
 * `outcomes`): a CSV or JSON Lines file read exactly as `run` reads it — the delimiter given or
 * detected from the header line (csv-dialect.ts), a report trailer left out and counted
 * (trailer.ts), invalid UTF-8 marked per record (utf8.ts), the same whole-file errors (no header
 * row, an unreadable one; the caller's `onHeader` adds header-check.ts's missing columns).
 */

/** How `run` reads a file beyond its path and format; the CLI parses these flags once for every command. */
export interface ReadingOptions {
  /** `--delimiter` (`,` `;` tab `|`); detected from the header line when undefined. */
  delimiter?: string;
  /** `--decimal-comma`: numbers are written `1.234.567,89`. */
  decimalComma?: boolean;
  /** The user named the id column (`--id`): it must exist, as in `run`. */
  idExplicit?: boolean;
}

/** The callbacks of one pass; CSV calls onHeader once, then onCsvRecord per record; JSON Lines calls onJson per object. */
export interface RecordHandlers {
  /** Before the first record, once the delimiter and where the data ends (before a report trailer) are known. */
  start?(dialect: { delimiter: string; dataEnd: number | undefined }): void;
  /** The CSV header's cells, before any record: throw an InputError to refuse the file as a whole. */
  onHeader(cells: string[]): void;
  onCsvRecord(cells: string[], line: number): void;
  onJson(value: Record<string, unknown>, line: number, text: string): void;
  /** A record that is not readable (invalid UTF-8, broken JSON, …): a rejected row. */
  onBad(line: number, reason: Reason, raw: string): void;
  /** Checked after each chunk: true ends the pass there (`explain --input` stops at its lead). */
  done?(): boolean;
}

export interface RecordPass {
  /** The delimiter used (CSV; `,` for JSON Lines). */
  delimiter: string;
  /** Lines of a report trailer skipped after the data (0 when none). */
  trailerLines: number;
}

/** The CSV dialect `run` would use for `input`: delimiter and trailer, from the file's first and last bytes. */
export function csvDialectOf(input: string, delimiter?: string): ReturnType<typeof csvDialect> {
  if (input !== "-") assertCsvHeader(input);
  return csvDialect(input, delimiter);
}

/** Streams `input` once, as `run` does, calling the handlers; throws an InputError for a file that cannot be read as a whole. */
export async function readRecords(input: string, format: InputFormat, options: ReadingOptions, h: RecordHandlers): Promise<RecordPass> {
  const dialect = format === "csv" ? csvDialectOf(input, options.delimiter) : { delimiter: ",", trailer: undefined };
  let headerSeen = false;
  const csv = new CsvRecordReader(
    (cells, line) => {
      if (!headerSeen) {
        headerSeen = true;
        h.onHeader(cells);
        return;
      }
      h.onCsvRecord(cells, line);
    },
    (line, reason, raw) => {
      if (!headerSeen) throw new InputError(`the header row is not readable: ${reasonText(reason)}`);
      h.onBad(line, reason, raw);
    },
    undefined,
    1,
    true,
    dialect.delimiter,
  );
  const jsonl = new JsonLinesReader(h.onJson, h.onBad);
  const reader = format === "csv" ? csv : jsonl;
  h.start?.({ delimiter: dialect.delimiter, dataEnd: dialect.trailer?.dataEnd });
  const stream = openInput(input, dialect.trailer?.dataEnd);
  const utf8 = new Utf8Decoder();
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    reader.push(utf8.decode(chunk), utf8.marked);
    if (h.done?.()) {
      stream.destroy();
      return { delimiter: dialect.delimiter, trailerLines: dialect.trailer?.lines ?? 0 };
    }
  }
  reader.push(utf8.end(), utf8.marked);
  reader.end();
  if (format === "csv" && !headerSeen) throw noCsvHeader(input);
  return { delimiter: dialect.delimiter, trailerLines: dialect.trailer?.lines ?? 0 };
}
