import type { Reason as ReadReason } from "../runtime/codecs/reasons.js";
import type { ReadOptions } from "../runtime/codecs/codec.js";
import type { Program } from "../runtime/program.js";
import { CsvBinder, JsonBinder, streamReaderOf } from "../batch/js/binder.js";
import { rejectOf, type Reject } from "../batch/reject.js";
import { csvLead, leadCellReaders } from "../batch/js/csv-lead.js";
import { streamValuesInto } from "../batch/js/stream-values.js";
import { checkHeader } from "../batch/sources/header-check.js";
import type { InputFormat } from "../batch/sources/inputs.js";
import { readRecords, type ReadingOptions } from "../batch/sources/record-source.js";
import type { EventFiles } from "../batch/sources/event-files.js";

/**
 * The one place where `diff` reads data: every input row bound once for each of two programs
 * (their schemas may differ), through the record source and binders `run` uses (delimiter,
 * decimal comma, report trailer, whole-file errors). When value reading moves (codecs), this
 * module is the only one that changes.
 */

/** One side of a row: its values bound for that program, or why the row was refused. */
export type BoundSide = { values: unknown[]; reject: undefined } | { values: undefined; reject: Reject };

export interface PairedRow {
  id: string;
  line: number;
  old: BoundSide;
  new: BoundSide;
  /** The row as a lead object (flat dotted keys for CSV), for `Program.explain`; built on demand. */
  lead(): Record<string, unknown>;
}

export interface PairedRowsSummary {
  /** Data rows read (a row that is not readable as CSV or JSON counts, and is rejected on both sides). */
  rows: number;
  /** Report trailer lines left out, as `run` counts them. */
  skipped: number;
  unknownColumns: { old: string[]; new: string[] };
}

/**
 * Streams `input` once, calling `onRow` for every data row with both sides bound. The values
 * arrays are reused between rows: read them inside the callback. A CSV header must hold the
 * columns of both definitions' required fields (the whole-file error `run` gives).
 */
export async function pairedRows(
  programs: { old: Program; new: Program },
  input: string,
  format: InputFormat,
  idColumn: string,
  onRow: (row: PairedRow) => void,
  reading: ReadingOptions = {},
  events?: EventFiles,
): Promise<PairedRowsSummary> {
  const read: ReadOptions = { decimalComma: reading.decimalComma === true };
  const oldVals: unknown[] = new Array(programs.old.fields.length);
  const newVals: unknown[] = new Array(programs.new.fields.length);
  let rows = 0;
  let csvBinders: { old: CsvBinder; new: CsvBinder } | undefined;
  // A JSON Lines lead carries its event streams: each definition reads its own.
  const jsonOld = new JsonBinder(programs.old.fields, idColumn, 100, read, streamReaderOf(programs.old));
  const jsonNew = new JsonBinder(programs.new.fields, idColumn, 100, read, streamReaderOf(programs.new));
  let pairCsv: ((cells: string[], line: number, rowNumber: number) => PairedRow) | undefined;
  const joined = events ? eventJoiner(programs, events) : (row: PairedRow) => row;
  let pass: Awaited<ReturnType<typeof readRecords>>;
  try {
    pass = await readRecords(input, format, reading, {
      // Before any row: a merged events file needs both files sorted by id (checked once, as in `run`).
      start: ({ delimiter, dataEnd }) => events?.prepare(input === "-" ? undefined : { input, format, idColumn, delimiter, dataEnd }),
      onHeader: (cells) => {
        checkPairHeader(programs, cells, idColumn, reading.idExplicit === true);
        const pairer = csvRowPairer(programs, cells, idColumn, oldVals, newVals, read);
        csvBinders = pairer.binders;
        pairCsv = pairer.pair;
      },
      onCsvRecord: (cells, line) => {
        rows++;
        onRow(joined(pairCsv!(cells, line, rows)));
      },
      onJson: (value, line) => {
        rows++;
        onRow(joined({
          id: jsonOld.idOf(value, rows),
          line,
          old: side(oldVals, jsonOld.bind(value, line, rows, oldVals)),
          new: side(newVals, jsonNew.bind(value, line, rows, newVals)),
          lead: () => value,
        }));
      },
      onBad: (line, reason, raw) => {
        rows++;
        onRow(unreadableRow(line, reason, raw, rows, oldVals, newVals));
      },
    });
  } catch (e) {
    events?.close();
    throw e;
  }
  return {
    rows,
    skipped: pass.trailerLines,
    unknownColumns: format === "csv"
      ? { old: csvBinders!.old.unknownColumns, new: csvBinders!.new.unknownColumns }
      : { old: jsonOld.unknownColumns, new: jsonNew.unknownColumns },
  };
}

/** `run`'s header check for each definition: the file must hold both sides' required columns (and `--id`'s). */
export function checkPairHeader(programs: { old: Program; new: Program }, header: string[], idColumn: string, idExplicit: boolean): void {
  // each column once, required when either side requires it, so a problem is named once
  const byColumn = new Map<string, Program["fields"][number]>();
  for (const f of [...programs.new.fields, ...programs.old.fields]) {
    const had = byColumn.get(f.column);
    if (!had || (had.optional && !f.optional)) byColumn.set(f.column, f);
  }
  checkHeader([...byColumn.values()], header, idColumn, idExplicit);
}

/**
 * `--events`: each row's streams from the events files, joined on its id as `run` joins them
 * (read once per row, in input order, so a merged file advances with the leads). Each side reads
 * its own definition's streams; a side whose events do not read is refused with `run`'s reason.
 */
function eventJoiner(programs: { old: Program; new: Program }, events: EventFiles): (row: PairedRow) => PairedRow {
  const joinSide = (program: Program, s: BoundSide, streams: Record<string, unknown>, row: PairedRow): BoundSide => {
    if (!s.values) return s;
    const reject = streamValuesInto(program, streams, s.values, row.id, row.line);
    return reject ? { values: undefined, reject } : s;
  };
  return (row) => {
    if (!row.old.values && !row.new.values) {
      events.note(row.id); // its events belong to a lead the input has (rejected), not to an unknown id
      return row;
    }
    const streams = events.leadObject(row.id);
    const base = row.lead;
    return { ...row, old: joinSide(programs.old, row.old, streams, row), new: joinSide(programs.new, row.new, streams, row), lead: () => ({ ...base(), ...streams }) };
  };
}

const side = (vals: unknown[], reject: Reject | undefined): BoundSide => (reject ? { values: undefined, reject } : { values: vals, reject: undefined });

/** A record that is not readable as CSV or JSON: refused on both sides. */
export function unreadableRow(line: number, reason: ReadReason, raw: string, rowNumber: number, oldVals: unknown[], newVals: unknown[]): PairedRow {
  const reject: Reject = rejectOf(line, "", "", raw, reason);
  return { id: String(rowNumber), line, old: side(oldVals, reject), new: side(newVals, reject), lead: () => ({}) };
}

/**
 * Binds CSV records under `header` for both programs (the diff's worker threads use it too).
 * The values arrays are filled in place for each record.
 */
export function csvRowPairer(programs: { old: Program; new: Program }, header: string[], idColumn: string, oldVals: unknown[], newVals: unknown[], read: ReadOptions = {}): {
  binders: { old: CsvBinder; new: CsvBinder };
  pair: (cells: string[], line: number, rowNumber: number) => PairedRow;
} {
  const binders = { old: new CsvBinder(programs.old.fields, header, idColumn, read), new: new CsvBinder(programs.new.fields, header, idColumn, read) };
  const names = header.map((h) => h.trim());
  const readers = leadCellReaders([...programs.new.fields, ...programs.old.fields], read);
  const pair = (cells: string[], line: number, rowNumber: number): PairedRow => ({
    id: binders.old.idOf(cells, rowNumber),
    line,
    old: side(oldVals, binders.old.bind(cells, line, rowNumber, oldVals)),
    new: side(newVals, binders.new.bind(cells, line, rowNumber, newVals)),
    // as `explain --input` reads a CSV row
    lead: () => csvLead(names, cells, idColumn, readers),
  });
  return { binders, pair };
}
