import type { IrField } from "../../ir.js";
import { checkHeader } from "../sources/header-check.js";
import type { InputFormat } from "../sources/inputs.js";
import { readRecords, type ReadingOptions } from "../sources/record-source.js";
import type { EventFiles } from "../sources/event-files.js";
import type { Program } from "../../runtime/program.js";
import { streamValuesInto } from "./stream-values.js";
import { CsvBinder, JsonBinder, streamReaderOf, type StreamReader } from "./binder.js";
import { rejectOf, type Reject } from "../reject.js";
import { streamsNotSupplied } from "../stream-notice.js";

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
  /** The events files' notices (unreadable event rows, events of ids not in the input); empty without `events`. */
  warnings: string[];
}

/** `--events` files joined on the id, as `run` joins them: each lead's streams come from them. */
export interface BoundEvents {
  files: EventFiles;
  /** Whose streams the files hold (its `decodeStreams` reads them into values). */
  program: Program;
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
  /** `--events`: the streams' values come from these files (after the fields, as `run` puts them). */
  events?: BoundEvents;
  /** A row that bound: `vals[i]` is field i (reused between rows: copy what you keep). */
  onRow: (vals: unknown[], id: string) => void;
  /** A row that did not bind, or could not be read. */
  onReject: (reject: Reject) => void;
}

/** An export an analysis command reads (`outcomes`, `report`, `sweep`), with what `run` takes for it. */
export interface ExportOptions {
  input: string;
  inputFormat: InputFormat;
  asOf: number;
  idColumn: string;
  /** `--delimiter`, `--decimal-comma`, `--id` given: read as `run` reads (batch/sources/record-source.ts). */
  reading?: ReadingOptions;
  /** `--events`: the streams' events from separate files, joined on the id as `run` joins them. */
  events?: EventFiles;
}

/**
 * Streams an export's rows bound for `program` as `run` binds them: its fields, then its event
 * streams (from each JSON Lines object, or from the `--events` files). `warnings`: the events
 * files' notices, or without them that a CSV row gives the definition's streams no events.
 */
export async function forEachLead(program: Program, o: ExportOptions, onRow: BoundRowsOptions["onRow"], onReject: BoundRowsOptions["onReject"]): Promise<BoundRowsSummary> {
  const summary = await forEachBoundRow({
    fields: program.fields,
    input: o.input,
    inputFormat: o.inputFormat,
    idColumn: o.idColumn,
    reading: o.reading,
    streams: streamReaderOf(program),
    events: o.events && { files: o.events, program },
    onRow,
    onReject,
  });
  return o.events ? summary : { ...summary, warnings: streamsNotSupplied(program.ir, o.inputFormat) };
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

  const events = o.events;
  /** The lead bound as `id`: with `--events`, its streams joined, or a reject when they do not read. */
  const bound = (id: string, line: number) => {
    if (events) {
      const refusedEvents = streamValuesInto(events.program, events.files.leadObject(id), vals, id, line);
      if (refusedEvents) return reject(refusedEvents);
    }
    o.onRow(vals, id);
  };
  const refused = (r: Reject) => {
    events?.files.note(r.id); // its events belong to a lead the input has (rejected), not to an unknown id
    reject(r);
  };

  let csvBinder: CsvBinder | undefined;
  const jsonBinder = new JsonBinder(o.fields, o.idColumn, 100, read, o.streams);
  let pass: Awaited<ReturnType<typeof readRecords>>;
  try {
    pass = await readRecords(o.input, o.inputFormat, reading, {
      // Before any row: a merged events file needs both files sorted by id (checked once, as in `run`).
      start: ({ delimiter, dataEnd }) => events?.files.prepare(o.input === "-" ? undefined : { input: o.input, format: o.inputFormat, idColumn: o.idColumn, delimiter, dataEnd }),
      onHeader: (cells) => {
        checkHeader(o.fields, cells, o.idColumn, reading.idExplicit === true);
        csvBinder = new CsvBinder(o.fields, cells, o.idColumn, read);
        unknownColumns = csvBinder.unknownColumns;
        absentFields = csvBinder.absentFields.map((f) => f.path);
      },
      onCsvRecord: (cells, line) => {
        rowsRead++;
        const r = csvBinder!.bind(cells, line, rowsRead, vals);
        if (r) refused(r);
        else bound(csvBinder!.idOf(cells, rowsRead), line);
      },
      onJson: (value, line) => {
        rowsRead++;
        const r = jsonBinder.bind(value, line, rowsRead, vals);
        if (r) refused(r);
        else bound(jsonBinder.idOf(value, rowsRead), line);
      },
      onBad: (line, reason, raw) => {
        rowsRead++;
        reject(rejectOf(line, "", "", raw, reason));
      },
    });
  } catch (e) {
    events?.files.close();
    throw e;
  }
  if (o.inputFormat === "jsonl") unknownColumns = jsonBinder.unknownColumns;
  const warnings = events ? events.files.warnings() : [];
  return { rowsRead, rowsRejected, rowsSkipped: pass.trailerLines, unknownColumns, absentFields, warnings };
}
