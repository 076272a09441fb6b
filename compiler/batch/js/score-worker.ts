import { parentPort, workerData } from "node:worker_threads";
import type { IrProgram } from "../../ir.js";
import { Program } from "../../runtime/program.js";
import { CsvChunkScorer, type ChunkResult } from "./csv-scorer.js";
import { JsonlChunkScorer } from "./jsonl-scorer.js";
import type { OutputFormat } from "../output.js";
import type { ReadOptions } from "../../runtime/codecs/codec.js";

/** What a scoring worker is started with (plain data: it crosses the thread boundary). */
export interface WorkerSetup {
  format: "csv" | "jsonl";
  ir: IrProgram;
  /** CSV: the header row, read by the main thread. */
  header: string[];
  idColumn: string;
  asOf: number;
  columns: string[];
  full: boolean;
  outputFormat: OutputFormat;
  read: ReadOptions;
  /** CSV: the cell separator. */
  delimiter: string;
}

/** One piece of input: whole records, the bytes moved (not copied) to the worker. */
export interface WorkerTask {
  seq: number;
  buffer: ArrayBuffer;
  length: number;
}

// A worker thread of the parallel batch path, for every input format: decodes each piece it is
// sent, scores it with the format's chunk scorer and posts back the formatted rows, rejects and
// counts; the main thread writes them in order.
const setup = workerData as WorkerSetup;
const program = new Program(setup.ir);
const csv = setup.format === "csv"
  ? new CsvChunkScorer(program, setup.header, setup.idColumn, setup.asOf, setup.columns, setup.full, setup.outputFormat, setup.read, setup.delimiter)
  : undefined;
const scorer: { scorePiece(bytes: Uint8Array): ChunkResult } = csv
  ?? new JsonlChunkScorer(program, setup.idColumn, setup.asOf, setup.columns, setup.full, setup.outputFormat, setup.read);
const encoder = new TextEncoder();

/**
 * Posts a piece's result with its rows encoded here, on the worker, and their bytes moved to the
 * main thread: no copy of the text crosses the thread boundary and the main thread only writes.
 * The piece's own memory (`input`: nothing in the result refers to it, the scorers copy what they
 * keep into strings) is moved back too, for the main thread to read a later piece into.
 */
function post(seq: number, result: ChunkResult, input: ArrayBuffer): void {
  const outBytes = encoder.encode(result.out);
  parentPort!.postMessage({ seq, result: { ...result, out: "", outBytes }, input }, [outBytes.buffer as ArrayBuffer, input]);
}

parentPort!.on("message", (task: WorkerTask) => {
  try {
    const bytes = new Uint8Array(task.buffer, 0, task.length);
    // Valid UTF-8 is read in place (CSV) or line by line (JSON Lines), never decoded as a whole;
    // anything else is decoded with invalid bytes marked, so the rows holding them are rejected (utf8.ts).
    post(task.seq, scorer.scorePiece(bytes), task.buffer);
  } catch (e) {
    parentPort!.postMessage({ seq: task.seq, error: (e as Error).stack ?? String(e) });
  }
});
