import { InputError, noCsvHeader } from "../sources/inputs.js";
import { checkHeader } from "../sources/header-check.js";
import { reasonText } from "../../runtime/codecs/reasons.js";
import type { Readable } from "node:stream";
import type { IrField } from "../../ir.js";
import { CsvRecordReader } from "../sources/csv-records.js";
import { JsonLinesReader, openInput, type InputFormat } from "../sources/inputs.js";
import { rejectOf, CsvBinder, JsonBinder, type Reject } from "./binder.js";

/**
 * The one adapter between the input readers and the analyses that need every bound row
 * (`report`, `sweep`): it streams a CSV or JSON Lines file once and hands each row that binds to
 * the schema over as values in the evaluator's internal representation — the same values
 * `Program.evaluateValues` takes on `run`'s path. When value reading changes, this file is the
 * one place these commands touch it.
 */
export interface BoundRowsSummary {
  rowsRead: number;
  rowsRejected: number;
  unknownColumns: string[];
  absentFields: string[];
}

export interface BoundRowsOptions {
  fields: readonly IrField[];
  input: string;
  inputFormat: InputFormat;
  idColumn: string;
  /** A row that bound: `vals[i]` is field i (reused between rows: copy what you keep). */
  onRow: (vals: unknown[], id: string) => void;
  /** A row that did not bind, or could not be read. */
  onReject: (reject: Reject) => void;
}

/** Streams the input once; rowsRead = rows passed to onRow + rowsRejected. */
export async function forEachBoundRow(o: BoundRowsOptions): Promise<BoundRowsSummary> {
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
  const csv = new CsvRecordReader(
    (cells, line) => {
      if (!csvBinder) {
        // A header that cannot serve the definition is a whole-file error, as on `run`'s path.
        checkHeader(o.fields, cells, o.idColumn, false);
        csvBinder = new CsvBinder(o.fields, cells, o.idColumn);
        unknownColumns = csvBinder.unknownColumns;
        absentFields = csvBinder.absentFields.map((f) => f.path);
        return;
      }
      rowsRead++;
      const refused = csvBinder.bind(cells, line, rowsRead, vals);
      if (refused) reject(refused);
      else o.onRow(vals, csvBinder.idOf(cells, rowsRead));
    },
    (line, reason, raw) => {
      if (!csvBinder) throw new InputError(`the header row is not readable: ${reasonText(reason)}`);
      rowsRead++;
      reject(rejectOf(line, "", "", raw, reason));
    },
  );
  const jsonBinder = new JsonBinder(o.fields, o.idColumn);
  const jsonl = new JsonLinesReader(
    (value, line) => {
      rowsRead++;
      const refused = jsonBinder.bind(value, line, rowsRead, vals);
      if (refused) reject(refused);
      else o.onRow(vals, jsonBinder.idOf(value, rowsRead));
    },
    (line, reason, raw) => {
      rowsRead++;
      reject(rejectOf(line, "", "", raw, reason));
    },
  );

  const stream: Readable = openInput(o.input);
  stream.setEncoding("utf8");
  for await (const text of stream as AsyncIterable<string>) {
    if (o.inputFormat === "csv") csv.push(text);
    else jsonl.push(text);
  }
  if (o.inputFormat === "csv") {
    csv.end();
    if (!csvBinder) throw noCsvHeader(o.input);
  } else {
    jsonl.end();
    unknownColumns = jsonBinder.unknownColumns;
  }
  return { rowsRead, rowsRejected, unknownColumns, absentFields };
}
