import { closeSync, existsSync, openSync, readSync } from "node:fs";
import { Worker } from "node:worker_threads";
import type { Program } from "../../runtime/program.js";
import type { ChunkResult } from "./csv-scorer.js";
import type { WorkerSetup, WorkerTask } from "./score-worker.js";
import { OrderedResults } from "../ordered-results.js";
import type { OutputFormat, OutputTarget } from "../output.js";
import type { ReadOptions } from "../../runtime/codecs/codec.js";
import { jsRunSummary, type RunSummary } from "../summary.js";
import { SpareBuffers } from "./spare-buffers.js";

export interface ParallelOptions {
  program: Program;
  input: string;
  output: OutputTarget;
  outputFormat: OutputFormat;
  asOf: number;
  idColumn: string;
  /** The user named the id column: it must exist. */
  idExplicit: boolean;
  columns: string[];
  full: boolean;
  rejectsPath: string;
  workers: number;
  /** Bytes read per piece (a piece grows when one record is longer). */
  chunkBytes: number;
  onProgress?: (bytes: number, rows: number) => void;
  read: ReadOptions;
  /** The CSV cell separator. */
  delimiter: string;
  /** Byte offset where the data ends (a report trailer follows), or undefined. */
  end?: number;
}

/** The built worker script; undefined when running from sources with nothing built. */
export function workerScript(name = "score-worker"): URL | undefined {
  const here = new URL(import.meta.url);
  // From sources (compiler/batch/js/*.ts, under vitest) the built script is dist/ at the repository root.
  const url = here.pathname.endsWith(".ts") ? new URL(`../../../dist/compiler/batch/js/${name}.js`, here) : new URL(`./${name}.js`, here);
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
  /** Pieces sent to each worker and not yet answered. */
  private readonly queued: number[];
  private next = 0;
  private failure: Error | undefined;

  /** `spares`: where the pieces' memory goes when a worker moves it back with its result. */
  constructor(script: URL, count: number, setup: unknown, spares?: SpareBuffers) {
    this.queued = new Array<number>(count).fill(0);
    this.workers = Array.from({ length: count }, (_, index) => {
      // A small young generation: scavenges stay cheap (each piece's garbage dies young) and
      // each worker adds tens of megabytes, not a hundred, to the peak RSS.
      const w = new Worker(script, { workerData: setup, resourceLimits: { maxYoungGenerationSizeMb: 8 } });
      w.on("message", (m: { seq: number; result?: R; error?: string; input?: ArrayBuffer }) => {
        this.queued[index]--;
        if (m.input) spares?.keep(m.input);
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

  /**
   * Sends a piece (its buffer is moved, not copied) to the worker with the fewest pieces waiting.
   * Pieces are self-contained, so any worker may score any piece; strict turns left one worker
   * idle whenever the other fell behind (a core taken by another process), as its next pieces
   * waited in the slow worker's queue.
   */
  score(buffer: ArrayBuffer, length: number): Promise<R> {
    if (this.failure) return Promise.reject(this.failure);
    const seq = this.next++;
    const index = this.leastBusy(seq);
    this.queued[index]++;
    const w = this.workers[index];
    return new Promise<R>((resolve, reject) => {
      this.pending.set(seq, { resolve, reject });
      const task: WorkerTask = { seq, buffer, length };
      w.postMessage(task, [buffer]);
    });
  }

  /** The worker with the fewest pieces waiting; ties go in turn from `seq`. */
  private leastBusy(seq: number): number {
    const n = this.workers.length;
    let best = seq % n;
    for (let k = 1; k < n; k++) {
      const i = (seq + k) % n;
      if (this.queued[i] < this.queued[best]) best = i;
    }
    return best;
  }

  /** Pieces waiting at each worker (sent, not yet answered). */
  get waiting(): readonly number[] {
    return this.queued;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * Reads from `fd` into a buffer of its own (from `spares` when given, else fresh) after `carry`;
 * returns the bytes now held.
 */
export function readPiece(fd: number, carry: Buffer, size: number, spares?: SpareBuffers): { data: Buffer; eof: boolean } {
  const buf = spares ? Buffer.from(spares.take(carry.length + size), 0, carry.length + size) : Buffer.allocUnsafeSlow(carry.length + size);
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
 * How one input format is cut into pieces for the workers: what precedes the records (a CSV
 * header), where a piece may end, and the format's hooks on results at their turn.
 */
/** What a source's prologue found. */
export interface Opened {
  setup: WorkerSetup;
  /** The bytes read after the prologue. */
  rest: Buffer;
  eof: boolean;
  /** Lines before the first record (a CSV header's). */
  lineOffset: number;
}

export interface PieceSource<R extends ChunkResult> {
  /**
   * Reads what precedes the records from the file's first bytes (reading on with `more`, which
   * appends to the bytes it is given, while needed); gives the worker setup, the bytes after the
   * prologue and the lines it spans, or undefined when the file needs the single-threaded path.
   */
  prologue(first: Buffer, eof: boolean, more: (carry: Buffer) => { data: Buffer; eof: boolean }): Opened | undefined;
  /** The bytes of a piece to score, once its start is known (a byte-order mark dropped); undefined: read on. */
  opening?(data: Buffer, eof: boolean): Buffer | undefined;
  /** Where the piece may be cut: the end of its last whole record (0: none yet). */
  cut(data: Buffer, eof: boolean): number;
  /** Sees each result at its turn, with the rows read before it; may replace it. */
  atTurn?(r: R, rowsBefore: number): R;
  /** The columns the run noted: unknown ones, and fields without one. */
  noted(): { unknownColumns: string[]; absentFields: string[] };
}

/**
 * Scores a file on worker threads, for any input format: the main thread reads large pieces,
 * cuts each at its last record boundary (the format's PieceSource), moves the bytes to a worker,
 * and writes the workers' results in input order (OrderedResults), so output, rejects and
 * summary are byte-identical to the single-threaded path's.
 *
 * Returns undefined, having written nothing, when no worker script is built or the source asks
 * for the single-threaded path.
 */
export async function runParallel<R extends ChunkResult>(o: ParallelOptions, source: PieceSource<R>): Promise<RunSummary | undefined> {
  const started = performance.now();
  const script = workerScript();
  if (!script) return undefined;
  const fd = openSync(o.input, "r");
  try {
    let bytesRead = 0;
    const spares = new SpareBuffers();
    const read = (carry: Buffer, size: number) => {
      const piece = readPiece(fd, carry, o.end === undefined ? size : Math.max(0, Math.min(size, o.end - bytesRead)), spares);
      bytesRead += piece.data.length - carry.length;
      return piece;
    };
    const first = read(Buffer.alloc(0), o.chunkBytes);
    const opened = source.prologue(first.data, first.eof, (carry) => read(carry, o.chunkBytes));
    if (!opened) return undefined;
    let carry = opened.rest;
    let eof = opened.eof;
    const pool = new Pool<R>(script, o.workers, opened.setup, spares);
    const results = new OrderedResults<R>(
      pool,
      { ...o, stageCount: o.program.resultStages.length, lineOffset: opened.lineOffset, onProgress: (rows) => o.onProgress?.(bytesRead, rows) },
      source.atTurn?.bind(source),
    );
    let opening = true;
    try {
      while (carry.length > 0 || !eof) {
        // a buffer of its own (a spare one a worker gave back, or fresh): its memory is moved to a worker
        const piece = read(carry, eof ? 0 : o.chunkBytes);
        let data = piece.data;
        eof ||= piece.eof;
        if (opening && source.opening) {
          const opened = source.opening(data, eof);
          if (opened === undefined) {
            carry = data; // too few bytes yet to know how the file starts
            continue;
          }
          data = opened;
        }
        opening = false;
        if (data.length === 0) {
          if (eof) break;
          carry = data;
          continue;
        }
        const cut = source.cut(data, eof);
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
    const noted = source.noted();
    return jsRunSummary({
      rowsRead: results.rowsRead,
      rowsRejected: results.rowsRejected,
      stageCounts: results.stageCounts,
      stageNames: o.program.resultStages,
      unknownColumns: noted.unknownColumns,
      absentFields: noted.absentFields,
      rejectsPath: o.rejectsPath,
      output: o.output,
      started,
    });
  } finally {
    closeSync(fd);
  }
}
