import { closeSync, existsSync, openSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { parentPort } from "node:worker_threads";
import { Pool, readPiece } from "../batch/js/run-parallel.js";
import type { WorkerTask } from "../batch/js/score-worker.js";
import { firstRecordsEnd, lastRecordEnd } from "../batch/sources/csv-cut.js";
import { CsvRecordReader } from "../batch/sources/csv-records.js";
import { csvDialectOf, type ReadingOptions } from "../batch/sources/record-source.js";
import type { ReadOptions } from "../runtime/codecs/codec.js";

/**
 * The worker-thread plumbing of the analyses that tally a CSV file (`diff`, `report`): the main
 * thread cuts the file into pieces at record boundaries, as `run` does, each worker tallies its
 * pieces into a partial, and the partials are merged strictly in input order, so the result is
 * the single-threaded one. Each analysis supplies only its header check, its worker module and
 * its merge.
 */

/** How an analysis uses worker threads (default: one per core, pieces of 512 KiB, files of 8 MiB and up); `workers: 0` keeps everything on the calling thread. */
export interface ParallelSettings {
  workers?: number;
  chunkBytes?: number;
  minBytes?: number;
}

/** How the file is read, as the main thread resolved it from the header line and the flags; the workers read their pieces so. */
export interface CsvReading {
  delimiter: string;
  read: ReadOptions;
}

export interface CsvTallyJob<R extends { lines: number }> {
  input: string;
  reading?: ReadingOptions;
  parallel?: ParallelSettings;
  /** The worker module, a file of compiler/analysis/ (built to dist/compiler/analysis/<worker>.js). */
  worker: string;
  /**
   * Given the header row: checks it (throwing an InputError refuses the file, as the
   * single-threaded reader would) and returns the workers' setup (plain data), or undefined
   * when the file should take the single-threaded path (e.g. it has no id column).
   */
  open(header: string[], reading: CsvReading): unknown;
  /** Takes each piece's result in input order; its line numbers start after `lineOffset`. */
  merge(result: R, lineOffset: number): void;
}

/** The built worker script; undefined when running from sources with nothing built. */
function analysisWorkerScript(name: string): URL | undefined {
  const here = new URL(import.meta.url);
  const url = here.pathname.endsWith(".ts") ? new URL(`../../dist/compiler/analysis/${name}.js`, here) : new URL(`./${name}.js`, here);
  return existsSync(url) ? url : undefined;
}

/**
 * Tallies a CSV file on worker threads, read as `run` reads it: its delimiter (given or
 * detected), a decimal comma, a report trailer left out, the header checked by the job. Returns
 * false, having merged nothing, when the file should take the single-threaded path: small, an
 * unreadable header, a job that declines it, or no built worker.
 */
export async function tallyCsvInParallel<R extends { lines: number }>(job: CsvTallyJob<R>): Promise<boolean> {
  const workers = job.parallel?.workers ?? availableParallelism();
  const chunkBytes = job.parallel?.chunkBytes ?? 512 << 10;
  let size: number;
  try {
    size = statSync(job.input).size;
  } catch {
    return false;
  }
  if (workers <= 0 || size < (job.parallel?.minBytes ?? 8 << 20)) return false;
  const script = analysisWorkerScript(job.worker);
  if (!script) return false;
  const { delimiter, trailer } = csvDialectOf(job.input, job.reading?.delimiter);
  const delim = delimiter.charCodeAt(0);
  const read = { decimalComma: job.reading?.decimalComma === true };
  const fd = openSync(job.input, "r");
  try {
    // the data ends where a report trailer starts
    let bytesRead = 0;
    const next = (carry: Buffer, want: number) => {
      const piece = readPiece(fd, carry, trailer === undefined ? want : Math.max(0, Math.min(want, trailer.dataEnd - bytesRead)));
      bytesRead += piece.data.length - carry.length;
      return piece;
    };
    let carry: Buffer = Buffer.alloc(0);
    let eof = false;
    let headerEnd = -1;
    while (headerEnd < 0) {
      const piece = next(carry, chunkBytes);
      carry = piece.data;
      eof = piece.eof;
      headerEnd = firstRecordsEnd(carry, 1, eof, delim);
      if (headerEnd < 0 && eof) return false;
    }
    let header: string[] | undefined;
    let headerBad = false;
    const headerReader = new CsvRecordReader((cells) => { header ??= cells; }, () => { headerBad = true; }, undefined, 1, true, delimiter);
    headerReader.push(carry.subarray(0, headerEnd).toString("utf8"));
    headerReader.end();
    if (!header || headerBad) return false;
    const setup = job.open(header, { delimiter, read });
    if (setup === undefined) return false;
    let lineOffset = headerReader.nextLine - 1;
    carry = Buffer.from(carry.subarray(headerEnd));

    const pool = new Pool<R>(script, workers, setup);
    // pieces in flight, merged strictly in the order they were read
    const inFlight: Promise<R>[] = [];
    const mergeOldest = async () => {
      const result = await inFlight.shift()!;
      job.merge(result, lineOffset);
      lineOffset += result.lines;
    };
    try {
      while (carry.length > 0 || !eof) {
        const piece = next(carry, eof ? 0 : chunkBytes);
        const data = piece.data;
        eof ||= piece.eof;
        if (data.length === 0) break;
        const cut = lastRecordEnd(data, eof, delim);
        if (cut === 0) {
          carry = data; // one record longer than a piece: read on
          continue;
        }
        carry = Buffer.from(data.subarray(cut));
        const tallied = pool.score(data.buffer as ArrayBuffer, cut);
        tallied.catch(() => undefined); // a failure surfaces when its turn to merge comes
        inFlight.push(tallied);
        if (inFlight.length >= workers * 2) await mergeOldest();
      }
      while (inFlight.length) await mergeOldest();
    } finally {
      await pool.close();
    }
    return true;
  } finally {
    closeSync(fd);
  }
}

/**
 * The worker side: answers each piece the main thread sends (whole records, its bytes moved to
 * this thread) with `tally(bytes)`, or with the error that stopped it.
 */
export function servePieces<R>(tally: (bytes: Uint8Array) => R): void {
  parentPort!.on("message", (task: WorkerTask) => {
    try {
      parentPort!.postMessage({ seq: task.seq, result: tally(new Uint8Array(task.buffer, 0, task.length)) });
    } catch (e) {
      parentPort!.postMessage({ seq: task.seq, error: (e as Error).stack ?? String(e) });
    }
  });
}
