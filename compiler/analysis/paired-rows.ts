import { reasonText, type Reason as ReadReason } from "../runtime/codecs/reasons.js";
import { rejectOf } from "../batch/js/binder.js";
import { InputError } from "../batch/sources/inputs.js";
import type { Program } from "../runtime/program.js";
import { CsvBinder, JsonBinder, type Reject } from "../batch/js/binder.js";
import { CsvRecordReader } from "../batch/sources/csv-records.js";
import { JsonLinesReader, openInput, type InputFormat } from "../batch/sources/inputs.js";

/**
 * The one place where `diff` reads data: every input row bound once for each of two programs
 * (their schemas may differ), with the same record readers and binders `run` uses. When value
 * reading moves (codecs), this module is the only one that changes.
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
  unknownColumns: { old: string[]; new: string[] };
}

/**
 * Streams `input` once, calling `onRow` for every data row with both sides bound. The values
 * arrays are reused between rows: read them inside the callback.
 */
export async function pairedRows(
  programs: { old: Program; new: Program },
  input: string,
  format: InputFormat,
  idColumn: string,
  onRow: (row: PairedRow) => void,
): Promise<PairedRowsSummary> {
  const oldVals: unknown[] = new Array(programs.old.fields.length);
  const newVals: unknown[] = new Array(programs.new.fields.length);
  let rows = 0;
  let csvBinders: { old: CsvBinder; new: CsvBinder } | undefined;
  const jsonOld = new JsonBinder(programs.old.fields, idColumn);
  const jsonNew = new JsonBinder(programs.new.fields, idColumn);

  const unreadable = (line: number, reason: ReadReason, raw: string) => {
    rows++;
    onRow(unreadableRow(line, reason, raw, rows, oldVals, newVals));
  };
  let pairCsv: ((cells: string[], line: number, rowNumber: number) => PairedRow) | undefined;
  const csvReader = new CsvRecordReader(
    (cells, line) => {
      if (!pairCsv) {
        const pairer = csvRowPairer(programs, cells, idColumn, oldVals, newVals);
        csvBinders = pairer.binders;
        pairCsv = pairer.pair;
        return;
      }
      rows++;
      onRow(pairCsv(cells, line, rows));
    },
    (line, reason, raw) => {
      if (!pairCsv) throw new InputError(`the header row is not readable: ${reasonText(reason)}`);
      unreadable(line, reason, raw);
    },
  );
  const jsonReader = new JsonLinesReader(
    (value, line) => {
      rows++;
      onRow({
        id: jsonOld.idOf(value, rows),
        line,
        old: side(oldVals, jsonOld.bind(value, line, rows, oldVals)),
        new: side(newVals, jsonNew.bind(value, line, rows, newVals)),
        lead: () => value,
      });
    },
    unreadable,
  );

  const stream = openInput(input);
  stream.setEncoding("utf8");
  const reader = format === "csv" ? csvReader : jsonReader;
  for await (const text of stream as AsyncIterable<string>) reader.push(text);
  reader.end();
  if (format === "csv" && !csvBinders) throw new Error(`${input} has no header row`);
  return {
    rows,
    unknownColumns: format === "csv"
      ? { old: csvBinders!.old.unknownColumns, new: csvBinders!.new.unknownColumns }
      : { old: jsonOld.unknownColumns, new: jsonNew.unknownColumns },
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
export function csvRowPairer(programs: { old: Program; new: Program }, header: string[], idColumn: string, oldVals: unknown[], newVals: unknown[]): {
  binders: { old: CsvBinder; new: CsvBinder };
  pair: (cells: string[], line: number, rowNumber: number) => PairedRow;
} {
  const binders = { old: new CsvBinder(programs.old.fields, header, idColumn), new: new CsvBinder(programs.new.fields, header, idColumn) };
  const names = header.map((h) => h.trim());
  const pair = (cells: string[], line: number, rowNumber: number): PairedRow => ({
    id: binders.old.idOf(cells, rowNumber),
    line,
    old: side(oldVals, binders.old.bind(cells, line, rowNumber, oldVals)),
    new: side(newVals, binders.new.bind(cells, line, rowNumber, newVals)),
    lead: () => {
      // as `explain --input` reads a CSV row: non-empty cells under their header
      const lead: Record<string, unknown> = {};
      names.forEach((h, i) => {
        if (cells[i] !== "" && cells[i] !== undefined && h !== idColumn) lead[h] = cells[i];
      });
      return lead;
    },
  });
  return { binders, pair };
}
