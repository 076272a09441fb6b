import { workerData } from "node:worker_threads";
import type { IrProgram } from "../ir.js";
import type { ReadOptions } from "../runtime/codecs/codec.js";
import { Program } from "../runtime/program.js";
import { CsvChunkScorer } from "../batch/js/csv-scorer.js";
import { servePieces } from "./parallel-tally.js";
import { ReportTally, type ReportPartial } from "./report-tally.js";

/** What a report worker is started with (plain data: it crosses the thread boundary). */
export interface ReportWorkerSetup {
  ir: IrProgram;
  header: string[];
  idColumn: string;
  asOf: number;
  /** The file's cell separator and number reading, as the main thread resolved them. */
  delimiter: string;
  read: ReadOptions;
}

/** What it sends back per piece: the piece's tally, its rows read and rejected, and the lines it held. */
export interface ReportWorkerResult {
  partial: ReportPartial;
  rows: number;
  rejected: number;
  lines: number;
}

// A worker thread of `report`'s parallel path. Each piece is bound by `run`'s own scanner (valid
// UTF-8 read in place, values parsed from the bytes; anything unusual through the general reader
// and binder, so rejects are exactly the single-threaded ones) into a ReportTally, whose
// partial goes back to the main thread to be merged in input order (one tally for every piece,
// emptied as its partial is taken).
const setup = workerData as ReportWorkerSetup;
const program = new Program(setup.ir);
const tally = new ReportTally(program, setup.asOf);
const scanner = new CsvChunkScorer(program, setup.header, setup.idColumn, setup.asOf, [], false, "csv", setup.read, setup.delimiter, () => tally);

servePieces((bytes): ReportWorkerResult => {
  const piece = scanner.scorePiece(bytes);
  for (const r of piece.rejects) tally.reject(r);
  return { partial: tally.takePartial(), rows: piece.rows, rejected: piece.rejects.length, lines: piece.lines };
});
