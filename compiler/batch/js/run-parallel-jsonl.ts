import { closeSync, openSync } from "node:fs";
import type { Program } from "../../runtime/program.js";
import { JsonBinder } from "./binder.js";
import { JsonlChunkScorer, type JsonlChunkResult } from "./jsonl-scorer.js";
import type { JsonlWorkerSetup } from "./jsonl-worker.js";
import { OrderedResults } from "../ordered-results.js";
import type { OutputFormat } from "../output.js";
import { Pool, readPiece, workerScript } from "./run-parallel.js";
import { jsRunSummary, type RunSummary } from "../summary.js";

export interface ParallelJsonlOptions {
  program: Program;
  input: string;
  output: string | undefined;
  outputFormat: OutputFormat;
  asOf: number;
  idColumn: string;
  columns: string[];
  full: boolean;
  rejectsPath: string;
  workers: number;
  /** Bytes read per piece (a piece grows when one line is longer). */
  chunkBytes: number;
  onProgress?: (bytes: number, rows: number) => void;
}

/**
 * Scores a JSON Lines file on worker threads. JSON Lines has no multi-line records, so the main
 * thread cuts large pieces after their last newline, moves the bytes to a worker, and writes the
 * workers' results strictly in input order: output, rejects and summary are byte-identical to
 * the single-threaded path's. A piece holding a row without an id (whose id is then its row
 * number, known only in order) is scored again on this thread at its turn.
 *
 * Returns undefined, having written nothing, when no worker script is built.
 */
export async function runJsonlParallel(o: ParallelJsonlOptions): Promise<RunSummary | undefined> {
  const started = performance.now();
  const script = workerScript("jsonl-worker");
  if (!script) return undefined;
  const fd = openSync(o.input, "r");
  try {
    const setup: JsonlWorkerSetup = { ir: o.program.ir, idColumn: o.idColumn, asOf: o.asOf, columns: o.columns, full: o.full, outputFormat: o.outputFormat };
    const pool = new Pool<JsonlChunkResult>(script, o.workers, setup);
    let local: JsonlChunkScorer | undefined;
    // Keys that are not fields: the workers' candidate rows, noted again here in input order.
    const unknown = new JsonBinder(o.program.fields, o.idColumn);
    let bytesRead = 0;
    const results = new OrderedResults(
      pool,
      { ...o, stageCount: o.program.stages.length, lineOffset: 0, onProgress: (rows) => o.onProgress?.(bytesRead, rows) },
      (r, rowsBefore) => {
        if (r.text !== undefined) {
          local ??= new JsonlChunkScorer(o.program, o.idColumn, o.asOf, o.columns, o.full, o.outputFormat);
          r = local.score(r.text, rowsBefore, r.marked);
        }
        for (const text of r.unknownRows) unknown.noteUnknownKeys(JSON.parse(text) as Record<string, unknown>);
        return r;
      },
    );
    try {
      let carry: Buffer = Buffer.alloc(0);
      let eof = false;
      let first = true;
      while (carry.length > 0 || !eof) {
        // a fresh, unpooled buffer each time: its memory is moved to a worker
        const piece = readPiece(fd, carry, eof ? 0 : o.chunkBytes);
        bytesRead += piece.data.length - carry.length;
        let data = piece.data;
        eof ||= piece.eof;
        if (first) {
          // A byte-order mark opening the file is dropped, as the single-threaded reader drops it
          // from line 1; nothing after the file's first bytes is ever taken for one.
          if (data.length < 3 && !eof) {
            carry = data;
            continue;
          }
          first = false;
          if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) {
            const rest = Buffer.allocUnsafeSlow(data.length - 3); // unpooled: it is moved
            data.copy(rest, 0, 3);
            data = rest;
          }
        }
        if (data.length === 0) {
          if (eof) break;
          carry = data; // only the mark so far
          continue;
        }
        const cut = eof ? data.length : data.lastIndexOf(10) + 1;
        if (cut === 0) {
          carry = data; // one line longer than a piece: read on
          continue;
        }
        carry = Buffer.from(data.subarray(cut));
        await results.send(data.buffer as ArrayBuffer, cut);
      }
      await results.finish();
    } finally {
      await results.close();
    }
    return jsRunSummary({
      rowsRead: results.rowsRead,
      rowsRejected: results.rowsRejected,
      stageCounts: results.stageCounts,
      stageNames: o.program.stages,
      unknownColumns: unknown.unknownColumns,
      absentFields: [],
      rejectsPath: o.rejectsPath,
      output: o.output,
      started,
    });
  } finally {
    closeSync(fd);
  }
}
