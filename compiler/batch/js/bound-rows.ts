import type { IrField } from "../../ir.js";
import { checkHeader } from "../sources/header-check.js";
import type { InputFormat } from "../sources/inputs.js";
import { readRecords, type ReadingOptions } from "../sources/record-source.js";
import { rejectOf, CsvBinder, JsonBinder, type Reject, type StreamReader } from "./binder.js";

/**
 * The one adapter between the input readers and the analyses that need every bound row
 * (`report`, `sweep`, `outcomes`): it streams a CSV or JSON Lines file once through the shared
 * record source (delimiter, decimal comma, report trailer and whole-file errors as in `run`) and
 * hands each row that binds to the schema over as values in the evaluator's internal
 * representation — the same values `Program.evaluateValues` takes on `run`'s path. When value
 * reading changes, this file is the one place these commands touch it.
 */
export interface BoundRowsSummary {
  /** Data rows read (a report trailer's lines are not rows: see rowsSkipped). */
  rowsRead: number;
  rowsRejected: number;
  /** Report trailer lines left out, as `run` counts them. */
  rowsSkipped: number;
  unknownColumns: string[];
  absentFields: string[];
}

export interface BoundRowsOptions {
  fields: readonly IrField[];
  input: string;
  inputFormat: InputFormat;
  idColumn: string;
  /** `--delimiter`, `--decimal-comma`, and whether `--id` was given, as `run` takes them. */
  reading?: ReadingOptions;
  /**
   * The program's event streams (`streamReaderOf(program)`): a JSON Lines object's stream lists
   * are read into `vals` after the fields, as `run` reads them. Without it they are unknown keys.
   */
  streams?: StreamReader;
  /** A row that bound: `vals[i]` is field i (reused between rows: copy what you keep). */
  onRow: (vals: unknown[], id: string) => void;
  /** A row that did not bind, or could not be read. */
  onReject: (reject: Reject) => void;
}

/** Streams the input once; rowsRead = rows passed to onRow + rowsRejected. */
export async function forEachBoundRow(o: BoundRowsOptions): Promise<BoundRowsSummary> {
  const reading = o.reading ?? {};
  const read = { decimalComma: reading.decimalComma === true };
  const vals: unknown[] = new Array(o.fields.length);
  let rowsRead = 0;
  let rowsRejected = 0;
  let unknownColumns: string[] = [];
  let absentFields: string[] = [];
  const reject = (r: Reject) => {
    rowsRejected++;
    o.onReject(r);
  };

  let csvBinder: CsvBinder | undefined;
  const jsonBinder = new JsonBinder(o.fields, o.idColumn, 100, read, o.streams);
  const pass = await readRecords(o.input, o.inputFormat, reading, {
    onHeader: (cells) => {
      checkHeader(o.fields, cells, o.idColumn, reading.idExplicit === true);
      csvBinder = new CsvBinder(o.fields, cells, o.idColumn, read);
      unknownColumns = csvBinder.unknownColumns;
      absentFields = csvBinder.absentFields.map((f) => f.path);
    },
    onCsvRecord: (cells, line) => {
      rowsRead++;
      const refused = csvBinder!.bind(cells, line, rowsRead, vals);
      if (refused) reject(refused);
      else o.onRow(vals, csvBinder!.idOf(cells, rowsRead));
    },
    onJson: (value, line) => {
      rowsRead++;
      const refused = jsonBinder.bind(value, line, rowsRead, vals);
      if (refused) reject(refused);
      else o.onRow(vals, jsonBinder.idOf(value, rowsRead));
    },
    onBad: (line, reason, raw) => {
      rowsRead++;
      reject(rejectOf(line, "", "", raw, reason));
    },
  });
  if (o.inputFormat === "jsonl") unknownColumns = jsonBinder.unknownColumns;
  return { rowsRead, rowsRejected, rowsSkipped: pass.trailerLines, unknownColumns, absentFields };
}
