import { InputError } from "../sources/inputs.js";
import { reasonText } from "../../runtime/codecs/reasons.js";
import { statSync } from "node:fs";
import { availableParallelism } from "node:os";
import type { Readable, Writable } from "node:stream";
import type cliProgress from "cli-progress";
import { cliProgress as loadCliProgress } from "./cli-progress.js";
import type { Program } from "../../runtime/program.js";
import { CsvBinder, JsonBinder, streamReaderOf } from "./binder.js";
import { rejectOf } from "../reject.js";
import { withNumberAsWritten } from "./json-overflow.js";
import { CsvRecordReader } from "../sources/csv-records.js";
import { JsonLinesReader, noCsvHeader, openInput, type InputFormat } from "../sources/inputs.js";
import { assertCsvHeader } from "../sources/csv-header.js";
import { Utf8Decoder } from "../sources/utf8.js";
import { BufferedWriter, resultColumns, type OutputFormat, type OutputTarget } from "../output.js";
import { RowScorer } from "./row-scorer.js";
import { checkHeader } from "../sources/header-check.js";
import { csvDialect } from "../sources/csv-dialect.js";
import type { Trailer } from "../sources/trailer.js";
import { RejectLog } from "../reject-log.js";
import { streamsNotSupplied } from "../stream-notice.js";
import { runParallel } from "./run-parallel.js";
import { streamValuesInto } from "./stream-values.js";
import { csvPieces } from "./csv-pieces.js";
import { jsonlPieces } from "./jsonl-pieces.js";
import { jsRunSummary, type RunSummary } from "../summary.js";
import type { EventFiles } from "../sources/event-files.js";
import type { Reject } from "../reject.js";

export interface RunOptions {
  program: Program;
  input: string;
  inputFormat: InputFormat;
  /** A path, or a stream the caller owns (the CLI passes standard output). */
  output: OutputTarget;
  outputFormat: OutputFormat;
  /** As-of date as a day number. */
  asOf: number;
  idColumn: string;
  /** The user named the id column (`--id`): it must exist. Otherwise a missing one means ids are row numbers. */
  idExplicit?: boolean;
  columns: "default" | "all";
  /** Numbers are written with a decimal comma (`1.234.567,89`), as European exports do. */
  decimalComma?: boolean;
  /** The CSV cell separator; detected from the header line when not given. */
  delimiter?: string;
  /** Where the data ends (a report trailer follows); the whole file when undefined. */
  dataEnd?: number;
  rejectsPath: string;
  /** Where to draw a progress bar (the CLI passes standard error when it is a terminal); none when absent. */
  progress?: Writable;
  /**
   * CSV and JSON Lines files are scored on worker threads (default: one per available core,
   * pieces of 512 KiB, files of 8 MiB and up). `workers: 0` keeps everything on this thread.
   */
  parallel?: { workers?: number; chunkBytes?: number; minBytes?: number };
  /**
   * Event streams read from separate files (`--events`), joined on the id; scored on one thread.
   * A file above the memory budget is merged with the leads, which must then be a sorted file.
   */
  events?: EventFiles;
}

function parallelWorkers(o: RunOptions): number {
  if (o.input === "-" || o.events) return 0;
  const workers = o.parallel?.workers ?? availableParallelism();
  if (workers <= 0) return 0;
  let size = 0;
  try {
    size = statSync(o.input).size;
  } catch {
    return 0;
  }
  return size >= (o.parallel?.minBytes ?? 8 << 20) ? workers : 0;
}


/**
 * Scores a CSV or JSON Lines file with the generated JavaScript evaluator, streaming in large
 * chunks: each chunk is split, bound, evaluated and formatted synchronously, then written once,
 * so memory stays flat whatever the input size. Output rows keep input order.
 */
export async function runJs(o: RunOptions): Promise<RunSummary> {
  if (o.inputFormat === "csv" && o.input !== "-") assertCsvHeader(o.input);
  let trailer: Trailer | undefined;
  if (o.inputFormat === "csv") {
    const dialect = csvDialect(o.input, o.delimiter);
    o = { ...o, delimiter: dialect.delimiter };
    trailer = dialect.trailer;
  }
  if (trailer) {
    const summary = await runData({ ...o, dataEnd: trailer.dataEnd });
    return { ...summary, rowsRead: summary.rowsRead + trailer.lines, rowsSkipped: trailer.lines };
  }
  return runData(o);
}

/** Scores the data part of the input (up to `o.dataEnd`). */
async function runData(o: RunOptions): Promise<RunSummary> {
  const workers = parallelWorkers(o);
  if (workers > 0) {
    const bar = o.progress ? startProgress(o.input, o.progress) : undefined;
    try {
      const job = {
        program: o.program,
        input: o.input,
        output: o.output,
        outputFormat: o.outputFormat,
        asOf: o.asOf,
        idColumn: o.idColumn,
        idExplicit: o.idExplicit === true,
        columns: resultColumns(o.program, o.columns),
        full: o.columns === "all",
        rejectsPath: o.rejectsPath,
        workers,
        chunkBytes: o.parallel?.chunkBytes ?? 512 << 10,
        read: { decimalComma: o.decimalComma },
        delimiter: o.delimiter ?? ",",
        end: o.dataEnd,
        onProgress: bar ? (bytes: number, rows: number) => bar.update(bytes, { rows }) : undefined,
      };
      const summary = o.inputFormat === "jsonl" ? await runParallel(job, jsonlPieces(job)) : await runParallel(job, csvPieces(job));
      if (summary) return summary;
    } finally {
      bar?.stop();
    }
  }
  return runSingle(o);
}

/** The single-threaded path: standard input, small files, CSV inputs without an id column. */
async function runSingle(o: RunOptions): Promise<RunSummary> {
  const started = performance.now();
  const { program } = o;
  // Before any output: a merged events file needs both files sorted by id (checked here, once).
  o.events?.prepare(o.input === "-" ? undefined : { input: o.input, format: o.inputFormat, idColumn: o.idColumn, delimiter: o.delimiter ?? ",", dataEnd: o.dataEnd });
  const columns = resultColumns(program, o.columns);
  const outWriter = new BufferedWriter(o.output);
  const scorer = new RowScorer(program, o.asOf, columns, o.columns === "all", outWriter, o.outputFormat);
  const vals = scorer.vals;
  const emit = (id: string) => scorer.emit(id);
  // With `--events`, each lead's streams come from the events files, read by the streams' readers.
  const joinEvents = (id: string, line: number, bound: Reject | undefined): Reject | undefined => {
    if (!o.events) return bound;
    if (bound) {
      o.events.note(id); // its events belong to a lead the input has (rejected), not to an unknown id
      return bound;
    }
    return streamValuesInto(program, o.events.leadObject(id), vals, id, line);
  };
  const rejects = new RejectLog(o.rejectsPath);
  let rowsRead = 0;
  let unknownColumns: string[] = [];
  let absentFields: string[] = [];

  const delimiter = o.delimiter ?? ",";
  let csvBinder: CsvBinder | undefined;
  const csv = new CsvRecordReader(
    (cells, line) => {
      if (!csvBinder) {
        checkHeader(program.fields, cells, o.idColumn, o.idExplicit === true);
        csvBinder = new CsvBinder(program.fields, cells, o.idColumn, { decimalComma: o.decimalComma });
        unknownColumns = csvBinder.unknownColumns;
        absentFields = csvBinder.absentFields.map((f) => f.path);
        scorer.header(); // only now: a file whose header is refused gets no output at all
        return;
      }
      rowsRead++;
      const id = csvBinder.idOf(cells, rowsRead);
      const reject = joinEvents(id, line, csvBinder.bind(cells, line, rowsRead, vals));
      if (reject) rejects.add(reject);
      else emit(id);
    },
    (line, reason, raw) => {
      if (!csvBinder) throw new InputError(`the header row is not readable: ${reasonText(reason)}`);
      rowsRead++;
      rejects.add(rejectOf(line, "", "", raw, reason));
    },
    undefined,
    1,
    true,
    delimiter,
  );
  const jsonBinder = new JsonBinder(program.fields, o.idColumn, 100, { decimalComma: o.decimalComma }, streamReaderOf(program));
  const jsonl = new JsonLinesReader(
    (value, line, text) => {
      rowsRead++;
      const id = jsonBinder.idOf(value, rowsRead);
      const reject = joinEvents(id, line, jsonBinder.bind(value, line, rowsRead, vals));
      if (reject) rejects.add(withNumberAsWritten(reject, text, program.fields));
      else emit(id);
    },
    (line, reason, raw) => {
      rowsRead++;
      rejects.add(rejectOf(line, "", "", raw, reason));
    },
  );

  const stream: Readable = openInput(o.input, o.dataEnd);
  const utf8 = new Utf8Decoder();
  const bar = o.progress && o.input !== "-" ? startProgress(o.input, o.progress) : undefined;
  if (o.inputFormat !== "csv") scorer.header();
  let failed = true;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const text = utf8.decode(chunk);
      if (o.inputFormat === "csv") csv.push(text, utf8.marked);
      else jsonl.push(text, utf8.marked);
      await outWriter.flush();
      await rejects.flush();
      bar?.update((stream as Readable & { bytesRead?: number }).bytesRead ?? 0, { rows: rowsRead });
    }
    const rest = utf8.end();
    if (o.inputFormat === "csv") {
      csv.push(rest, utf8.marked);
      csv.end();
    } else {
      jsonl.push(rest, utf8.marked);
      jsonl.end();
    }
    if (o.inputFormat === "csv" && !csvBinder) throw noCsvHeader(o.input);
    if (o.inputFormat === "jsonl") unknownColumns = jsonBinder.unknownColumns;
    failed = false;
  } finally {
    bar?.stop();
    // A failed run writes nothing more; the output file exists only if rows were written before the failure.
    if (failed) {
      await outWriter.abandon();
      o.events?.close();
    } else await outWriter.close();
    await rejects.close();
  }
  const summary = jsRunSummary({
    rowsRead,
    rowsRejected: rejects.count,
    stageCounts: scorer.stageCounts,
    stageNames: program.resultStages,
    unknownColumns: unknownColumns,
    absentFields: absentFields,
    rejectsPath: o.rejectsPath,
    output: o.output,
    started,
  });
  return { ...summary, warnings: [...summary.warnings, ...streamWarnings(o)] };
}

/** What the run should say about event streams: the files' notices, or streams nothing supplied. */
function streamWarnings(o: RunOptions): string[] {
  if (o.events) return o.events.warnings();
  return streamsNotSupplied(o.program.ir, o.inputFormat);
}

function startProgress(input: string, stream: Writable): cliProgress.SingleBar | undefined {
  let total: number;
  try {
    total = statSync(input).size;
  } catch {
    return undefined;
  }
  const progress = loadCliProgress();
  const bar = new progress.SingleBar(
    { format: "scoring [{bar}] {percentage}% | {rows} rows | ETA {eta_formatted}", stream: stream as NodeJS.WritableStream, hideCursor: true, clearOnComplete: true },
    progress.Presets.shades_classic,
  );
  bar.start(total, 0, { rows: 0 });
  return bar;
}
