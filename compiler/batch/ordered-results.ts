import type { ChunkResult } from "./js/csv-scorer.js";
import { BufferedWriter, ResultWriter, type OutputFormat, type OutputTarget } from "./output.js";
import { RejectLog } from "./reject-log.js";
import type { Pool } from "./js/run-parallel.js";

export interface OrderedResultsOptions {
  output: OutputTarget;
  outputFormat: OutputFormat;
  columns: string[];
  rejectsPath: string;
  workers: number;
  stageCount: number;
  /** Lines before the first piece (a CSV header). */
  lineOffset: number;
  /** Called after each piece is written, with the rows read so far. */
  onProgress?: (rows: number) => void;
}

/**
 * Pieces in flight per worker: with three, a worker that finished its pieces while the oldest
 * one (written first) is still being scored elsewhere has one more to go on with instead of
 * waiting; each is a 512 KiB piece, so memory stays flat.
 */
const PIECES_PER_WORKER = 3;

/**
 * The ordered half of the parallel batch paths: pieces go to the worker pool in input order and
 * their results are written in that same order, so output and rejects are byte-identical to the
 * single-threaded path's. At most PIECES_PER_WORKER pieces per worker are in flight.
 */
export class OrderedResults<R extends ChunkResult> {
  readonly stageCounts: number[];
  rowsRead = 0;
  private lineOffset: number;
  private readonly inFlight: Promise<R>[] = [];
  private readonly out: BufferedWriter;
  private readonly rejects: RejectLog;

  constructor(
    private readonly pool: Pool<R>,
    private readonly o: OrderedResultsOptions,
    /** Sees each result at its turn, with the rows read before it; may replace it. */
    private readonly atTurn: (r: R, rowsBefore: number) => R = (r) => r,
  ) {
    this.stageCounts = new Array<number>(o.stageCount + 1).fill(0);
    this.lineOffset = o.lineOffset;
    this.out = new BufferedWriter(o.output);
    this.rejects = new RejectLog(o.rejectsPath);
    new ResultWriter(this.out, o.outputFormat, o.columns).header();
  }

  get rowsRejected(): number {
    return this.rejects.count;
  }

  /** Sends a piece (its buffer is moved to a worker); waits while too many are in flight. */
  async send(buffer: ArrayBuffer, length: number): Promise<void> {
    const p = this.pool.score(buffer, length);
    // Handled in order; a rejection is caught at its turn, not reported as unhandled meanwhile.
    p.catch(() => undefined);
    this.inFlight.push(p);
    while (this.inFlight.length >= PIECES_PER_WORKER * this.o.workers) await this.writeNext();
  }

  /** Writes every result still in flight. */
  async finish(): Promise<void> {
    while (this.inFlight.length) await this.writeNext();
  }

  /** Stops the workers and closes the output and rejects files, whatever happened. */
  async close(): Promise<void> {
    try {
      await this.pool.close();
    } finally {
      await this.out.close();
      await this.rejects.close();
    }
  }

  private async writeNext(): Promise<void> {
    const r = this.atTurn(await this.inFlight.shift()!, this.rowsRead);
    for (const rej of r.rejects) this.rejects.add({ ...rej, line: this.lineOffset + rej.line });
    if (r.outBytes) this.out.appendBytes(r.outBytes);
    else this.out.append(r.out);
    for (let i = 0; i < this.stageCounts.length; i++) this.stageCounts[i] += r.stageCounts[i];
    this.rowsRead += r.rows;
    this.lineOffset += r.lines;
    await this.out.flush();
    await this.rejects.flush();
    this.o.onProgress?.(this.rowsRead);
  }
}
