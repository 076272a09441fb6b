import { workerData } from "node:worker_threads";
import type { IrProgram } from "../ir.js";
import type { ReadOptions } from "../runtime/codecs/codec.js";
import { Program } from "../runtime/program.js";
import { CsvRecordReader } from "../batch/sources/csv-records.js";
import { decodeUtf8 } from "../batch/sources/utf8.js";
import { DiffTally } from "./diff-tally.js";
import { csvRowPairer, unreadableRow } from "./paired-rows.js";
import { servePieces } from "./parallel-tally.js";

/** What a diff worker is started with (plain data: it crosses the thread boundary). */
export interface DiffWorkerSetup {
  old: IrProgram;
  new: IrProgram;
  header: string[];
  idColumn: string;
  asOf: number;
  /** The file's cell separator and number reading, as the main thread resolved them. */
  delimiter: string;
  read: ReadOptions;
}

/** What it sends back per piece: the piece's tally, and how many lines the piece held. */
export interface DiffWorkerResult {
  partial: ReturnType<DiffTally["partial"]>;
  lines: number;
}

// A worker thread of `diff`'s parallel path: binds and evaluates the records of each piece it
// is sent with both programs and posts back the piece's tally; line numbers count from the
// piece's start (the main thread knows where each piece begins and merges them in order).
const setup = workerData as DiffWorkerSetup;
const programs = { old: new Program(setup.old), new: new Program(setup.new) };
const oldVals: unknown[] = new Array(programs.old.fields.length);
const newVals: unknown[] = new Array(programs.new.fields.length);
const { pair } = csvRowPairer(programs, setup.header, setup.idColumn, oldVals, newVals, setup.read);

servePieces((bytes): DiffWorkerResult => {
  // invalid bytes marked, so the rows holding them are rejected as the single-threaded reader rejects them
  const { text, marked } = decodeUtf8(bytes);
  const tally = new DiffTally(programs, setup.asOf);
  let rows = 0;
  const reader = new CsvRecordReader(
    (cells, line) => tally.add(pair(cells, line, ++rows)),
    (line, reason, raw) => tally.add(unreadableRow(line, reason, raw, ++rows, oldVals, newVals)),
    undefined,
    1,
    false,
    setup.delimiter,
  );
  reader.push(text, marked);
  reader.end();
  return { partial: tally.partial(), lines: reader.nextLine - 1 };
});
