import { closeSync, existsSync, openSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { CsvBinder } from "../batch/js/binder.js";
import { Pool, readPiece } from "../batch/js/run-parallel.js";
import { firstRecordsEnd, lastRecordEnd } from "../batch/sources/csv-cut.js";
import { CsvRecordReader } from "../batch/sources/csv-records.js";
import { csvDialectOf } from "../batch/sources/record-source.js";
import { checkPairHeader } from "./paired-rows.js";
import type { Program } from "../runtime/program.js";
import type { DiffOptions, DiffReport } from "./diff.js";
import { DiffTally } from "./diff-tally.js";
import type { DiffWorkerResult, DiffWorkerSetup } from "./diff-worker.js";

/** The built worker script; undefined when running from sources with nothing built. */
function diffWorkerScript(): URL | undefined {
  const here = new URL(import.meta.url);
  const url = here.pathname.endsWith(".ts") ? new URL("../../dist/compiler/analysis/diff-worker.js", here) : new URL("./diff-worker.js", here);
  return existsSync(url) ? url : undefined;
}

/**
 * `diff` on a CSV file with worker threads, as `run` reads one: the main thread cuts the file
 * into pieces at record boundaries, each worker binds and evaluates its pieces with both
 * programs, and the pieces' tallies are merged in input order, so the report (examples and
 * line numbers included) is the single-threaded one. The file is read as `run` reads it: its
 * delimiter (given or detected), a decimal comma, a report trailer left out, the same header
 * check. Returns undefined, having read nothing that matters, when the file should take the
 * single-threaded path: small, no id column (ids are then row numbers), an unreadable header,
 * or no built worker.
 */
export async function diffCsvParallel(programs: { old: Program; new: Program }, o: DiffOptions): Promise<DiffReport | undefined> {
  const workers = o.parallel?.workers ?? availableParallelism();
  const chunkBytes = o.parallel?.chunkBytes ?? 512 << 10;
  let size: number;
  try {
    size = statSync(o.input).size;
  } catch {
    return undefined;
  }
  if (workers <= 0 || size < (o.parallel?.minBytes ?? 8 << 20)) return undefined;
  const script = diffWorkerScript();
  if (!script) return undefined;
  const { delimiter, trailer } = csvDialectOf(o.input, o.reading?.delimiter);
  const delim = delimiter.charCodeAt(0);
  const read = { decimalComma: o.reading?.decimalComma === true };
  const fd = openSync(o.input, "r");
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
      if (headerEnd < 0 && eof) return undefined;
    }
    let header: string[] | undefined;
    let headerBad = false;
    const headerReader = new CsvRecordReader((cells) => { header ??= cells; }, () => { headerBad = true; }, undefined, 1, true, delimiter);
    headerReader.push(carry.subarray(0, headerEnd).toString("utf8"));
    headerReader.end();
    if (!header || headerBad) return undefined;
    checkPairHeader(programs, header, o.idColumn, o.reading?.idExplicit === true);
    const binders = { old: new CsvBinder(programs.old.fields, header, o.idColumn, read), new: new CsvBinder(programs.new.fields, header, o.idColumn, read) };
    if (binders.old.idIndex < 0) return undefined;
    let lineOffset = headerReader.nextLine - 1;
    carry = Buffer.from(carry.subarray(headerEnd));

    const setup: DiffWorkerSetup = { old: programs.old.ir, new: programs.new.ir, header, idColumn: o.idColumn, asOf: o.asOf, delimiter, read };
    const pool = new Pool<DiffWorkerResult>(script, workers, setup);
    const tally = new DiffTally(programs, o.asOf);
    // pieces in flight, merged strictly in the order they were read
    const inFlight: Promise<DiffWorkerResult>[] = [];
    const mergeOldest = async () => {
      const result = await inFlight.shift()!;
      tally.merge(result.partial, lineOffset);
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
        const scored = pool.score(data.buffer as ArrayBuffer, cut);
        scored.catch(() => undefined); // a failure surfaces when its turn to merge comes
        inFlight.push(scored);
        if (inFlight.length >= workers * 2) await mergeOldest();
      }
      while (inFlight.length) await mergeOldest();
    } finally {
      await pool.close();
    }
    return tally.report({ old: binders.old.unknownColumns, new: binders.new.unknownColumns });
  } finally {
    closeSync(fd);
  }
}
