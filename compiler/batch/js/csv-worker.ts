import { parentPort, workerData } from "node:worker_threads";
import type { IrProgram } from "../../ir.js";
import { Program } from "../../runtime/program.js";
import { CsvChunkScorer } from "./csv-scorer.js";
import type { OutputFormat } from "../output.js";
import { decodeUtf8 } from "../sources/utf8.js";

/** What a scoring worker is started with (plain data: it crosses the thread boundary). */
export interface CsvWorkerSetup {
  ir: IrProgram;
  header: string[];
  idColumn: string;
  asOf: number;
  columns: string[];
  full: boolean;
  outputFormat: OutputFormat;
}

/** One piece of input: whole records, the bytes moved (not copied) to the worker. */
export interface CsvWorkerTask {
  seq: number;
  buffer: ArrayBuffer;
  length: number;
}

// A worker thread of the parallel batch path: decodes each piece it is sent, scores it and
// posts back the formatted rows, rejects and counts; the main thread writes them in order.
const setup = workerData as CsvWorkerSetup;
const scorer = new CsvChunkScorer(new Program(setup.ir), setup.header, setup.idColumn, setup.asOf, setup.columns, setup.full, setup.outputFormat);
parentPort!.on("message", (task: CsvWorkerTask) => {
  try {
    const { text, marked } = decodeUtf8(new Uint8Array(task.buffer, 0, task.length));
    parentPort!.postMessage({ seq: task.seq, result: scorer.score(text, 0, marked) });
  } catch (e) {
    parentPort!.postMessage({ seq: task.seq, error: (e as Error).stack ?? String(e) });
  }
});
