import { parentPort, workerData } from "node:worker_threads";
import type { IrProgram } from "../../ir.js";
import { Program } from "../../runtime/program.js";
import { JsonlChunkScorer } from "./jsonl-scorer.js";
import type { OutputFormat } from "../output.js";
import { decodeUtf8 } from "../sources/utf8.js";

/** What a JSON Lines scoring worker is started with (plain data: it crosses the thread boundary). */
export interface JsonlWorkerSetup {
  ir: IrProgram;
  idColumn: string;
  asOf: number;
  columns: string[];
  full: boolean;
  outputFormat: OutputFormat;
}

// A worker thread of the parallel JSON Lines path: decodes each piece (whole lines) it is sent,
// scores it and posts back the formatted rows, rejects and counts; the main thread writes them
// in order. Pieces arrive as in csv-worker (CsvWorkerTask).
const setup = workerData as JsonlWorkerSetup;
const scorer = new JsonlChunkScorer(new Program(setup.ir), setup.idColumn, setup.asOf, setup.columns, setup.full, setup.outputFormat);
parentPort!.on("message", (task: { seq: number; buffer: ArrayBuffer; length: number }) => {
  try {
    const { text, marked } = decodeUtf8(new Uint8Array(task.buffer, 0, task.length));
    parentPort!.postMessage({ seq: task.seq, result: scorer.score(text, undefined, marked) });
  } catch (e) {
    parentPort!.postMessage({ seq: task.seq, error: (e as Error).stack ?? String(e) });
  }
});
