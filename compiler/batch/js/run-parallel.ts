import { closeSync, existsSync, openSync, readSync } from "node:fs";
import { Worker } from "node:worker_threads";
import type { Program } from "../../runtime/program.js";
import { CsvBinder } from "./binder.js";
import { firstRecordsEnd, lastRecordEnd } from "../sources/csv-cut.js";
import { CsvRecordReader } from "../sources/csv-records.js";
import { decodeUtf8 } from "../sources/utf8.js";
import type { ChunkResult } from "./csv-scorer.js";
import type { CsvWorkerTask } from "./csv-worker.js";
import { OrderedResults } from "../ordered-results.js";
import type { OutputFormat } from "../output.js";
import { jsRunSummary, type RunSummary } from "../summary.js";

export interface ParallelCsvOptions {
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
  /** Bytes read per piece (a piece grows when one record is longer). */
  chunkBytes: number;
  onProgress?: (bytes: number, rows: number) => void;
}

/** The built worker script; undefined when running from sources with nothing built. */
export function workerScript(name = "csv-worker"): URL | undefined {
  const here = new URL(import.meta.url);
  const url = here.pathname.endsWith(".ts") ? new URL(`../../../../dist/compiler/batch/js/${name}.js`, here) : new URL(`./${name}.js`, here);
  return existsSync(url) ? url : undefined;
}

interface Pending<R> {
  resolve: (r: R) => void;
  reject: (e: Error) => void;
}

/** A pool of scoring workers; each takes pieces in the order sent. */
export class Pool<R = ChunkResult> {
  private readonly workers: Worker[];
  private readonly pending = new Map<number, Pending<R>>();
  private next = 0;
  private failure: Error | undefined;

  constructor(script: URL, count: number, setup: unknown) {
    this.workers = Array.from({ length: count }, () => {
      // A small young generation: scavenges stay cheap (each piece's garbage dies young) and
      // each worker adds tens of megabytes, not a hundred, to the peak RSS.
      const w = new Worker(script, { workerData: setup, resourceLimits: { maxYoungGenerationSizeMb: 8 } });
      w.on("message", (m: { seq: number; result?: R; error?: string }) => {
        const p = this.pending.get(m.seq);
        this.pending.delete(m.seq);
        if (m.error !== undefined) p?.reject(new Error(`scoring worker failed: ${m.error}`));
        else p?.resolve(m.result!);
      });
      w.on("error", (e) => this.fail(e));
      w.on("exit", (code) => {
        if (code !== 0) this.fail(new Error(`scoring worker exited with code ${code}`));
      });
      return w;
    });
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  /** Sends a piece (its buffer is moved, not copied) to the next worker in turn. */
  score(buffer: ArrayBuffer, length: number): Promise<R> {
    if (this.failure) return Promise.reject(this.failure);
    const seq = this.next++;
    const w = this.workers[seq % this.workers.length];
    return new Promise<R>((resolve, reject) => {
      this.pending.set(seq, { resolve, reject });
      const task: CsvWorkerTask = { seq, buffer, length };
      w.postMessage(task, [buffer]);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Reads from `fd` into a fresh buffer after `carry`; returns the bytes now held. */
export function readPiece(fd: number, carry: Buffer, size: number): { data: Buffer; eof: boolean } {
  const buf = Buffer.allocUnsafeSlow(carry.length + size);
  carry.copy(buf, 0);
  let filled = carry.length;
  let eof = false;
  while (filled < buf.length && size > 0) {
    const got = readSync(fd, buf, filled, buf.length - filled, null);
    if (got === 0) {
      eof = true;
      break;
    }
    filled += got;
  }
  return { data: buf.subarray(0, filled), eof: eof || size === 0 };
}

/**
 * Scores a CSV file on worker threads. The main thread reads large pieces, cuts each at the last
 * record boundary (csv-cut, quote-aware), moves the bytes to a worker, and writes the workers'
 * results in input order (OrderedResults).
 *
 * Returns undefined, having written nothing, when the file needs the single-threaded path: an
 * unreadable or missing header, or no id column (ids are then row numbers, known only in order).
 */
export async function runCsvParallel(o: ParallelCsvOptions): Promise<RunSummary | undefined> {
  const started = performance.now();
  const script = workerScript();
  if (!script) return undefined;
  const fd = openSync(o.input, "r");
  try {
    // The header: read until its record is complete.
    let carry: Buffer = Buffer.alloc(0);
    let eof = false;
    let headerEnd = -1;
    let bytesRead = 0;
    while (headerEnd < 0) {
      const piece = readPiece(fd, carry, o.chunkBytes);
      bytesRead += piece.data.length - carry.length;
      carry = piece.data;
      eof = piece.eof;
      headerEnd = firstRecordsEnd(carry, 1, eof);
      if (headerEnd < 0 && eof) return undefined;
    }
    let header: string[] | undefined;
    let headerBad = false;
    const headerReader = new CsvRecordReader(
      (cells) => { header ??= cells; },
      () => { headerBad = true; },
    );
    const headerText = decodeUtf8(carry.subarray(0, headerEnd));
    headerReader.push(headerText.text, headerText.marked);
    headerReader.end();
    if (!header || headerBad) return undefined;
    const binder = new CsvBinder(o.program.fields, header, o.idColumn);
    if (binder.idIndex < 0) return undefined;
    const lineOffset = headerReader.nextLine - 1;
    carry = Buffer.from(carry.subarray(headerEnd));

    const pool = new Pool(script, o.workers, {
      ir: o.program.ir, header, idColumn: o.idColumn, asOf: o.asOf, columns: o.columns, full: o.full, outputFormat: o.outputFormat,
    });
    const results = new OrderedResults(pool, {
      ...o, stageCount: o.program.stages.length, lineOffset, onProgress: (rows) => o.onProgress?.(bytesRead, rows),
    });
    try {
      while (carry.length > 0 || !eof) {
        // a fresh, unpooled buffer each time: its memory is moved to a worker
        const piece = readPiece(fd, carry, eof ? 0 : o.chunkBytes);
        bytesRead += piece.data.length - carry.length;
        const data = piece.data;
        eof ||= piece.eof;
        if (data.length === 0) break;
        const cut = lastRecordEnd(data, eof);
        if (cut === 0) {
          carry = data; // one record longer than a piece: read on
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
      unknownColumns: binder.unknownColumns,
      absentFields: binder.absentFields.map((f) => f.path),
      rejectsPath: o.rejectsPath,
      output: o.output,
      started,
    });
  } finally {
    closeSync(fd);
  }
}
