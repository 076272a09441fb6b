import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DuckDBConnection, DuckDBInstance as Database } from "@duckdb/node-api";
import { DuckDBInstance } from "./duckdb-api.js";
import { formatDateDays } from "../../../language/literals.js";
import { badEventsProblem, type Reject, rejectOf } from "../reject.js";
import type { Reason } from "../../runtime/codecs/reasons.js";
import { BufferedWriter, csvCell, outputPath, ResultWriter, resultColumns } from "../output.js";
import { RejectLog } from "../reject-log.js";
import type { RunOptions } from "../js/run-js.js";
import type { EventFiles } from "../sources/event-files.js";
import type { IrStream } from "../../ir.js";
import { BAD_EVENTS, badEventText, EVENT_LEAD, eventTable, loadEventTables, unmatchedEvents } from "./event-tables.js";
import type { RunSummary } from "../summary.js";
import { emitSql } from "../../sql/emit-sql.js";
import { DIALECTS } from "../../sql/sql-dialects.js";
import { reasonOf } from "../../runtime/codecs/codec.js";
import { csvField, csvReadBufferOption, DUPLICATE_KEY, jsonField, jsonStructure, typedListField, type FieldSql } from "./readers.js";
import { csvNewLine, recordAt, scanCsv, type CsvScan } from "./scan.js";
import { scanJsonl, type JsonlScan } from "./jsonl-scan.js";
import { CAUTIOUS_READING, jsonPaths, linesSource, objectsSource, typedListFields, type ObjectsReading } from "./jsonl-source.js";
import { quickScanCsv } from "./quick-scan.js";
import { parquetField } from "./parquet-typed.js";
import { directRecordSql, readDirectResults } from "./direct-results.js";
import { recordNumbers } from "./record-number.js";
import { csvCellSql, csvLineSql, MACROS } from "./sql-output.js";
import { checkHeader } from "../sources/header-check.js";
import { InputError } from "../sources/inputs.js";
import { csvDialect } from "../sources/csv-dialect.js";
import type { Trailer } from "../sources/trailer.js";
import { streamsNotSupplied } from "../stream-notice.js";

export interface DuckdbRunOptions extends Omit<RunOptions, "inputFormat" | "progress"> {
  inputFormat: "csv" | "jsonl" | "parquet";
  /**
   * DuckDB's memory limit; beyond it, DuckDB spills to `tempDirectory`. Default: `firstMemoryLimit`
   * (DuckDB keeps buffers it is done with up to its limit), and the whole run again with `MEMORY`
   * if that runs out. A limit given here stands.
   */
  memoryLimit?: string;
  /** Tests only: the default first limit instead of `firstMemoryLimit` (to make it run out). */
  firstMemoryForTests?: string;
  /**
   * Where DuckDB spills, and where the run keeps its results file (in a subdirectory of its own,
   * removed afterwards). Default: a fresh directory under the OS temp dir, removed afterwards.
   */
  tempDirectory?: string;
  threads?: number;
  /** `--events STREAM=FILE`: each stream's events file, read by DuckDB (a stream not named has no events). */
  eventPaths?: Readonly<Record<string, string>>;
  /** The events files read by the JS engine, for a run handed over to it. */
  readEvents?: () => EventFiles | undefined;
  /**
   * A database the caller opened with `openDatabase`, so that opening it (~40 ms, on another
   * thread) overlaps the caller's own start-up. The run sets its memory limit and spill directory
   * on it, and leaves it open: the caller closes it or, as the CLI does, ends the process (the
   * system frees DuckDB's buffers faster than closing does, ~20 ms). Default: the run opens and
   * closes its own. `threads` is then the caller's to pass to `openDatabase`.
   */
  database?: Promise<Database>;
}

/** DuckDB's settings for a run, other than its memory limit and spill directory. */
const DATABASE_SETTINGS = {
  preserve_insertion_order: "true",
  // Lets DuckDB's allocator hand freed memory back to the system as the scan goes, rather than
  // keeping it cached per thread: ~15 MB less peak RSS on a 1M-row CSV, at no measurable CPU.
  allocator_background_threads: "true",
};

/** An in-memory database for `runDuckdb`'s `database` (see there). */
export function openDatabase(threads?: number): Promise<Database> {
  return DuckDBInstance.create(":memory:", { ...DATABASE_SETTINGS, ...(threads ? { threads: String(threads) } : {}) });
}



/** DuckDB's memory limit for JSON Lines leads, and for a run that ran out of its first limit. */
export const MEMORY = "1GB";

/**
 * A run's first memory limit. CSV and Parquet leads without event streams: one streaming pass,
 * 128 MB (a 10M-row CSV peaked at 308 MiB at 1 GB, 183 MiB at 128 MB, at the same speed). With
 * event streams (their join and grouping spill past it): 256 MB (1M leads × 9.4M events: 1,110
 * MiB and 17.0 s at 1 GB, 481 MiB and 15.1 s at 256 MB; 64 MB runs out). JSON Lines leads:
 * `MEMORY`, since `read_json` holds ~80 MiB per thread whatever the limit (298 MiB peak at 1 GB
 * and at 200 MB) and runs out at 100 MB.
 */
export function firstMemoryLimit(o: Pick<DuckdbRunOptions, "inputFormat" | "program">): string {
  if (o.inputFormat === "jsonl") return MEMORY;
  return o.program.ir.streams.length ? "256MB" : "128MB";
}

const d = DIALECTS.duckdb;
const lit = d.string;
const q = d.ident;

/** Each column's name and DuckDB type. */
async function columnsOf(con: DuckDBConnection, from: string): Promise<{ name: string; type: string }[]> {
  const r = await con.runAndReadAll(`DESCRIBE SELECT * FROM ${from}`);
  return r.getRows().map((row) => ({ name: String(row[0]), type: String(row[1]) }));
}

/** Why a CSV file goes to the JS engine, from its scan (undefined: DuckDB reads it as the JS reader does). */
function csvVerdict(scan: CsvScan): string | undefined {
  if (scan.bad.length > 10_000) return `${scan.bad.length} CSV records are malformed`;
  if (scan.invalidUtf8) return "the CSV file has bytes that are not UTF-8";
  if (!csvNewLine(scan)) return "the CSV file mixes line ends (CR, LF, CRLF), which DuckDB's reader does not";
  return undefined;
}

/** The marker for a JSON line DuckDB found unparsable; Node reads it again for JSON.parse's message. */
const BAD_JSON = "\u0001leaddef:bad-json";

/**
 * Scores a CSV, JSON Lines or Parquet file with DuckDB running the generated SQL: DuckDB reads
 * the file (streaming, spilling to disk past `memoryLimit`), checks every value against the
 * schema as the JS readers do, and computes stages and scores. CSV output to a file is formatted
 * in SQL exactly as the JS writers format it and written by DuckDB (`COPY`); other outputs are
 * streamed through the JS writers. Rejects carry the JS engine's reasons and physical line numbers.
 * Input whose structure DuckDB's readers see differently from the JS readers (CSV records DuckDB
 * cannot resynchronise after, JSON Lines with CR characters) is scored by the JS engine instead.
 */
export async function runDuckdb(o: DuckdbRunOptions): Promise<RunSummary> {
  if (o.memoryLimit !== undefined) return runAt(o, o.memoryLimit);
  const first = o.firstMemoryForTests ?? firstMemoryLimit(o);
  if (first === MEMORY) return runAt(o, MEMORY);
  try {
    return await runAt(o, first);
  } catch (e) {
    // Out of its first limit (a row of many very large cells, an unusual join): again with more.
    if (!/Out of Memory/i.test((e as Error).message)) throw e;
    return runAt(o, MEMORY);
  }
}

async function runAt(o: DuckdbRunOptions, memoryLimit: string): Promise<RunSummary> {
  const started = performance.now();
  const { program } = o;
  const dialect = o.inputFormat === "csv" ? csvDialect(o.input, o.delimiter) : undefined;
  const delimiter = dialect?.delimiter ?? ",";
  o = { ...o, delimiter };
  const fallback = async (why: string): Promise<RunSummary> => {
    const { runJs } = await import("../js/run-js.js");
    const summary = await runJs({ ...o, inputFormat: o.inputFormat as "csv" | "jsonl", events: o.events ?? o.readEvents?.() });
    return { ...summary, warnings: [...summary.warnings, `${why}; scoring with the JS engine instead (same results)`] };
  };
  const eventPaths = o.eventPaths ?? {};
  const withEvents = Object.keys(eventPaths).length > 0;
  if (program.ir.streams.length) {
    // DuckDB reads events from --events files; events inside JSON Lines leads (lists under the
    // stream's name) only the JS engine reads.
    if (o.events) return fallback("the events files were read for the JS engine");
    if (o.inputFormat === "jsonl" && !withEvents) return fallback("the definition reads event streams, which the DuckDB engine reads from --events files only, not from lists inside JSON Lines leads");
  }
  let scan: CsvScan | undefined;
  let restOfScan: (() => Promise<CsvScan>) | undefined;
  let trailer: Trailer | undefined;
  let jsonlScan: Promise<JsonlScan> | undefined;
  /** How the file's first lines say to read it as objects (a guess the whole scan checks). */
  let jsonlHeadReading: Promise<ObjectsReading> | undefined;
  // The CSV scan with every record's width checked (scan.ts).
  const fullScan = () => scanCsv(o.input, o.idColumn, delimiter, trailer?.dataEnd);
  if (o.inputFormat === "csv") {
    trailer = dialect?.trailer;
    const dataEnd = trailer?.dataEnd;
    const hasIdColumn = (s: CsvScan) => s.header.some((h) => h.trim() === o.idColumn);
    const head = quickScanCsv(o.input, delimiter, dataEnd, true);
    if (head && hasIdColumn(head)) {
      // With an id column the query needs only the header and its line end: the quick scan of the
      // rest (~0.2 s per million rows) runs on this thread while DuckDB's threads score the file,
      // and its verdicts are checked once both are done (`runIn`).
      scan = head;
      restOfScan = async () => quickScanCsv(o.input, delimiter, dataEnd) ?? (await fullScan());
    } else {
      // Without an id column a row's id is its record number, which skipped records shift: the
      // results' reader numbers rows as it writes them (record-number.ts), before DuckDB's row
      // count could show a record the quick scan missed, so that takes the full scan up front.
      scan = await fullScan();
    }
    // The scan's verdict first: a header that is not UTF-8 is the JS engine's to report, in its words.
    const why = csvVerdict(scan);
    if (why) return fallback(why);
    checkHeader(program.fields, scan.header, o.idColumn, o.idExplicit === true);
    // Without an id column a lead's id is its record number: its row's position when no record
    // is malformed (the join numbers rows in SQL, `numberedIds`), else DuckDB cannot give it.
    if (withEvents && !hasIdColumn(scan) && scan.bad.length > 0) return fallback("the events join on lead ids, and the CSV file has no id column and malformed records (a lead's id is its record number)");
  } else if (o.inputFormat === "jsonl") {
    // The scan runs while DuckDB reads the file in one parse (`objectsSource`); its verdict
    // decides, before anything is written, whether that reading stands.
    jsonlScan = scanJsonl(o.input);
    jsonlScan.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
    jsonlHeadReading = scanJsonl(o.input, { head: HEAD_BYTES }).then(readingFor, () => CAUTIOUS_READING);
  }
  const ownTemp = o.tempDirectory === undefined;
  const temp = o.tempDirectory ?? mkdtempSync(join(tmpdir(), "leaddef-duckdb-"));
  const db = o.database
    ? await o.database
    : await DuckDBInstance.create(":memory:", { ...DATABASE_SETTINGS, memory_limit: memoryLimit, temp_directory: temp, ...(o.threads ? { threads: String(o.threads) } : {}) });
  const con = await db.connect();
  if (o.database) await con.run(`SET memory_limit = ${lit(memoryLimit)}; SET temp_directory = ${lit(temp)}`);
  // The macros formatting numbers as JS does, for reject values and the output.
  await con.run(MACROS);
  // This run's own files (its results), apart from anything else in a temporary directory the caller gave.
  const scratch = mkdtempSync(join(temp, "run-"));
  try {
    if (program.ir.streams.length) {
      const events = await loadEventTables(con, program.ir, eventPaths, o.idColumn);
      if (events.why !== undefined) return await fallback(events.why);
    }
    let summary: RunSummary | Reread;
    if (jsonlScan) {
      // Read as the file's first lines say (flat dotted keys only when they have a key that
      // could be one, list fields as VARCHAR[] when their arrays hold strings only); when the
      // whole file says otherwise, it is read again, each time more cautiously (at most twice).
      let read = await runIn(con, o, scan, started, fallback, { objects: jsonlScan, ...(await jsonlHeadReading!) }, fullScan, scratch);
      while (typeof read === "object" && !("engine" in read)) read = await runIn(con, o, scan, started, fallback, { objects: jsonlScan, ...read }, fullScan, scratch);
      if (read === "by-lines") {
        const lines = await jsonlScan;
        if (lines.why) return await fallback(`the JSON Lines file has ${lines.why}`);
        read = await runIn(con, o, scan, started, fallback, { lines }, fullScan, scratch);
      }
      summary = read;
    } else summary = await runIn(con, o, scan, started, fallback, undefined, fullScan, scratch, restOfScan);
    if (typeof summary !== "object" || !("engine" in summary)) throw new Error("internal: no reading of the file");
    // A fallback's JS run counted the trailer itself.
    return trailer && summary.engine === "duckdb" ? { ...summary, rowsRead: summary.rowsRead + trailer.lines, rowsSkipped: trailer.lines } : summary;
  } finally {
    con.closeSync();
    if (!o.database) db.closeSync();
    rmSync(ownTemp ? temp : scratch, { recursive: true, force: true });
  }
}

/** Why a reading of JSON Lines as objects did not stand, and how the file is read instead: by lines, or as objects again, more cautiously. */
type Reread = "by-lines" | ObjectsReading;

/** How a JSON Lines scan (or its head) says to read the file as objects. */
function readingFor(scan: JsonlScan): ObjectsReading {
  return { flatKeys: scan.dottedKeys, typedLists: !scan.nonStringItems };
}

/** The bytes at the start of a JSON Lines file that choose its first reading as objects (`scanJsonl`'s `head`). */
const HEAD_BYTES = 1 << 16;

async function runIn(
  con: DuckDBConnection,
  o: DuckdbRunOptions,
  scan: CsvScan | undefined,
  started: number,
  fallback: (why: string) => Promise<RunSummary>,
  /**
   * How a JSON Lines file is read: in one parse per line (`objects`, as an `ObjectsReading` says:
   * with or without the flat dotted keys, list fields as VARCHAR[] or as JSON; answering how to
   * read it again when the scan's verdict or DuckDB's parser says it cannot be read so) or line
   * by line (`lines`, with the scan).
   */
  jsonlRead: ({ objects: Promise<JsonlScan> } & ObjectsReading) | { lines: JsonlScan } | undefined,
  /** The CSV scan with every record's width checked, for when the quick scan did not. */
  fullScan: () => Promise<CsvScan>,
  /** A directory of this run's own, removed afterwards: the results file goes there. */
  scratch: string,
  /** The CSV scan past the header (`scan` has the header only), run while DuckDB scores the file. */
  restOfScan?: () => Promise<CsvScan>,
): Promise<RunSummary | Reread> {
  const { program } = o;
  const path = lit(o.input);
  const fields = program.fields;
  const options = { decimalComma: o.decimalComma };
  // The leads are joined with the events of --events files (their streams read there).
  const withEvents = program.ir.streams.length > 0 && Object.keys(o.eventPaths ?? {}).length > 0;
  // raw: one row per input row, in file order, so that the result table's rowid is the row's
  // position (no window function, which would serialise the scan). It has `leaddef_blank`,
  // `leaddef_id` (NULL: the record number, filled in afterwards) and the columns fieldSql reads.
  let raw: string;
  let fieldSql: FieldSql[];
  let unknownColumns: string[] = [];
  let absentFields: string[] = [];
  let rejectFirst = "";
  if (jsonlRead) {
    const reading: ObjectsReading = "lines" in jsonlRead ? CAUTIOUS_READING : jsonlRead;
    const structure = jsonStructure(jsonPaths(fields, o.idColumn, reading.flatKeys));
    if (!structure) return fallback("a field's JSON key is also another field's parent object");
    const typedLists = typedListFields(fields, o.idColumn, reading);
    raw = "objects" in jsonlRead ? objectsSource(o.input, fields, o.idColumn, structure, reading.flatKeys, typedLists) : linesSource(o.input, fields, o.idColumn, structure, jsonlRead.lines.longestLine);
    fieldSql = fields.map((f, i) => (typedLists.has(f) ? typedListField(f, `x${i}`) : jsonField(f, `x${i}`, options)));
    rejectFirst = `WHEN leaddef_bad THEN [{'field': '', 'value': leaddef_text, 'code': ${lit(BAD_JSON)}}] WHEN leaddef_duplicate THEN [{'field': '', 'value': '', 'code': ${lit(DUPLICATE_KEY)}}]`;
  } else {
    let reader: string;
    let header: string[];
    let colName: (i: number) => string;
    let types: string[] = [];
    if (scan) {
      header = scan.header.map((h) => h.trim());
      // Positional names: header cells may repeat, or differ from a field path only in spaces.
      colName = (i) => `c${i}`;
      const cols = scan.header.map((_, i) => `${lit(colName(i))}: 'VARCHAR'`).join(", ");
      reader = `read_csv(${path}, header = true, auto_detect = false, delim = ${lit(o.delimiter ?? ",")}, quote = '"', escape = '"', new_line = ${lit(csvNewLine(scan)!)}, ignore_errors = true, ${csvReadBufferOption()}, columns = {${cols}})`;
    } else {
      reader = `read_parquet(${path})`;
      // Describing reads only the file's metadata: any error there is the file's.
      const described = await columnsOf(con, reader).catch((e: Error) => {
        throw notParquet(o.input, e, true);
      });
      header = described.map((c) => c.name);
      types = described.map((c) => c.type);
      colName = (i) => header[i];
    }
    const position = new Map(header.map((h, i) => [h, i]));
    const known = new Set([...fields.map((f) => f.column), o.idColumn]);
    unknownColumns = header.filter((h) => h && !known.has(h));
    absentFields = fields.filter((f) => !position.has(f.column)).map((f) => f.path);
    // Parquet columns keep their types (renamed c0, c1, …): a field reads its column's value
    // directly where the type holds it, else the column's text like a CSV cell (parquet-typed.ts).
    const parquet = o.inputFormat === "parquet";
    const cols = header.map((_, i) => (parquet ? `${q(colName(i))} AS ${q(`c${i}`)}` : q(colName(i))));
    const idCol = position.has(o.idColumn) ? q(`c${position.get(o.idColumn)}`) : undefined;
    const idSql = idCol === undefined ? "CAST(NULL AS VARCHAR)" : `COALESCE(${parquet ? `CAST(${idCol} AS VARCHAR)` : idCol}, '')`;
    raw = `(SELECT FALSE AS leaddef_blank, ${cols.join(", ")}, ${idSql} AS leaddef_id FROM ${reader})`;
    fieldSql = fields.map((f) => {
      const i = position.get(f.column);
      if (i === undefined) return csvField(f, undefined, options);
      return parquet ? parquetField(f, `c${i}`, types[i], options) : csvField(f, `c${i}`, options);
    });
  }
  // Values once per field; then the first reject reason, computed only for rows that fail a
  // (cheap) test: a required field missing, or a present value that read as NULL.
  // Event streams join the leads with their events, and a join does not keep the scan's order:
  // rows are then numbered straight off the scan, before any join, and `leaddef_pos` is carried through.
  const numberFirst = program.ir.streams.length > 0;
  // Joined with --events files, a lead without an id is joined on its record number, which must
  // then be in the query: its row's position + 1 where no blank line or malformed record comes
  // before any row (Parquet; CSV whose full scan, which a file without an id column always has,
  // found no malformed record; JSON Lines read as objects, which have no blank lines). Elsewhere
  // such leads go to the JS engine (see below).
  const numberedIds = withEvents && (o.inputFormat === "parquet" || (scan !== undefined && scan.widthsChecked && scan.bad.length === 0) || (jsonlRead !== undefined && "objects" in jsonlRead));
  const numbered = `(SELECT *, row_number() OVER () - 1 AS leaddef_pos FROM ${raw})`;
  const scanned = !numberFirst ? raw : numberedIds ? `(SELECT * REPLACE (COALESCE(leaddef_id, CAST(leaddef_pos + 1 AS VARCHAR)) AS leaddef_id) FROM ${numbered})` : numbered;
  const values = `(SELECT *, ${fieldSql.map((f, i) => `${f.value} AS v${i}`).join(", ")} FROM ${scanned})`;
  // Every problem of a row, as in the JS binder; the list is built only for rows that fail a
  // (cheap) test: a required field missing, or a present value that read as NULL.
  const checks: { bad: string; problem: string }[] = [];
  const typedCols: string[] = [];
  fieldSql.forEach((f, i) => {
    const fld = fields[i];
    const v = `v${i}`;
    const whole = fld.kind === "number" && fld.integer && !f.whole;
    typedCols.push(whole ? `CASE WHEN ${v} = floor(${v}) AND NOT isinf(${v}) THEN ${v} END AS f${i}` : `${v} AS f${i}`);
    if (!f.optional) checks.push({ bad: `NOT (${f.present})`, problem: `{'field': ${lit(fld.path)}, 'value': '', 'code': 'required-missing'}` });
    if (f.reject !== "NULL" && f.present !== "FALSE") {
      const bad = whole ? `(${v} IS NULL OR ${v} <> floor(${v}) OR isinf(${v}))` : `${v} IS NULL`;
      checks.push({ bad: `((${f.present}) AND ${bad})`, problem: f.reject });
    }
  });
  const whens = [rejectFirst];
  if (checks.length) {
    const problems = `list_filter([${checks.map((c) => `CASE WHEN ${c.bad} THEN ${c.problem} END`).join(", ")}], x -> x IS NOT NULL)`;
    whens.push(`WHEN ${checks.map((c) => c.bad).join(" OR ")} THEN ${problems}`);
  }
  // A lead readable in itself is rejected for an unreadable event (after its fields, as in the JS engine).
  if (withEvents) whens.push(`WHEN leaddef_id IN (SELECT lead FROM ${BAD_EVENTS}) THEN [{'field': '', 'value': '', 'code': ${lit(BAD_EVENT)}}]`);
  const rejectCase = whens.some((w) => w) ? `CASE WHEN leaddef_blank THEN NULL ${whens.filter((w) => w).join(" ")} END` : "NULL";
  const typed = `(SELECT leaddef_blank, ${numberFirst ? "leaddef_pos, " : ""}leaddef_id, ${rejectCase} AS leaddef_reject${typedCols.map((c) => `, ${c}`).join("")} FROM ${values})`;
  const query = emitSql(program.ir, {
    dialect: "duckdb",
    asOf: formatDateDays(o.asOf),
    columns: o.columns,
    source: { from: typed, passthrough: ["leaddef_blank", "leaddef_reject", ...(numberFirst ? ["leaddef_pos"] : [])] },
    idColumn: EVENT_LEAD,
    groupedEvents: true,
    raw: { events: program.ir.streams.map((st) => eventTable(st.index)) },
  }).replace(/;\s*$/, "");

  const columns = resultColumns(program, o.columns);
  const nScores = program.scores.length;
  const nValues = columns.length - 2;
  const valueNames = Array.from({ length: nValues }, (_, i) => `leaddef_v${i}`);
  const names = ["leaddef_blank", "leaddef_reject", ...(numberFirst ? ["leaddef_pos"] : []), "leaddef_id", "leaddef_stage", ...valueNames];
  const result = `(${query}) AS leaddef_q(${names.join(", ")})`;

  // One pass over the input, in parallel, its results kept in input order: a result's place is
  // its row's position in the file. That holds because without event streams the query is scans
  // and projections, operators that keep row order (test/duckdb-row-order.test.ts checks the
  // plans); with event streams (a join) the rows were numbered first, which serialises the scan,
  // and `pos` is that number. (Asking DuckDB for each run's plan planned the query twice: up to
  // 0.6 s for a large definition.)
  const ordered = !numberFirst;
  const pos = ordered ? "file_row_number" : "leaddef_pos";
  const stages = ["none", ...program.resultStages];
  const stageList = `[${stages.map(lit).join(", ")}]`;
  const copyCsv = typeof o.output === "string" && o.outputFormat === "csv";
  const header = columns.map(csvCell).join(",");
  // Output values formatted as the JS CSV writer formats them, from the columns `leaddef_v<i>`.
  const textFrom = nValues - program.textColumns.length;
  const formatted = Array.from({ length: nValues }, (_, i) =>
    i < nScores ? `leaddef_js_num(CAST(leaddef_v${i} AS DOUBLE))`
      : i >= textFrom ? `COALESCE(${csvCellSql(`leaddef_v${i}`)}, '')`
      : `CASE WHEN leaddef_v${i} THEN 'true' WHEN NOT leaddef_v${i} THEN 'false' ELSE 'undefined' END`);

  // Why the CSV file goes to the JS engine after all, from the scan that ran beside the query.
  let csvWhy: string | undefined;
  /**
   * Waits for the scoring pass; how to read a JSON Lines file again when its reading as objects
   * does not stand: by lines when DuckDB could not parse every line or the scan found a line
   * JSON.parse reads otherwise; as objects again, with the flat dotted keys when they were left
   * out and the scan found a key that could be one, and with list fields as JSON when they were
   * read as VARCHAR[] and the scan found an array item that is no string or a list field's value
   * was no array. A Parquet file DuckDB cannot read is the input's error.
   */
  const scoringPass = async (pass: Promise<unknown>): Promise<Reread | undefined> => {
    if (jsonlRead && "objects" in jsonlRead) {
      const failed = await pass.then(() => undefined, (e: Error) => e);
      const lines = await jsonlRead.objects;
      if (!lines.objectsOnly) return "by-lines";
      const needed = readingFor(lines);
      const safer = { flatKeys: jsonlRead.flatKeys || needed.flatKeys, typedLists: jsonlRead.typedLists && needed.typedLists };
      // A list field's value that is no array fails a VARCHAR[] reading ("Expected ARRAY").
      if (failed && jsonlRead.typedLists && /JSON transform error/.test(failed.message)) return { ...safer, typedLists: false };
      if (failed) return "by-lines";
      return safer.flatKeys !== jsonlRead.flatKeys || safer.typedLists !== jsonlRead.typedLists ? safer : undefined;
    }
    // The rest of the CSV scan, here while DuckDB's threads run the query.
    const rest = restOfScan?.();
    const failed = await pass.then(() => undefined, (e: Error) => e);
    if (rest) {
      const whole = await rest;
      csvWhy = whole.header.join("\u0000") !== scan!.header.join("\u0000") ? "the CSV file's header changed while it was read" : csvVerdict(whole);
      scan = whole;
    }
    // A file the scan sends to the JS engine may have failed DuckDB's reader (line ends it was not told of).
    if (failed && !csvWhy) throw o.inputFormat === "parquet" ? notParquet(o.input, failed) : failed;
    return undefined;
  };

  // What the scoring pass found: per stage, how many rows it scored, and each rejected row
  // (g: its position in the input, 1-based); then, once the checks below pass, the output.
  let scored: { stage: number; count: number }[];
  let rejectedRows: { g: number; id: string; problems: RawProblem[] }[];
  let duckRows: number;
  let writeOutput: () => Promise<number>;
  if (copyCsv && ordered) {
    // To a CSV file, rows in input order: one pass (direct-results.ts).
    const file = join(scratch, "results.txt");
    const cells = [`COALESCE(${csvCellSql("leaddef_id")}, '')`, "leaddef_stage", ...formatted];
    const record = directRecordSql({ cells, stageNumber: `list_position(${stageList}, leaddef_stage)`, problems: "leaddef_reject", id: "leaddef_id", blank: "leaddef_blank" });
    const reread = await scoringPass(con.run(`COPY (SELECT ${record} FROM ${result}) TO ${lit(file)} (FORMAT csv, HEADER false, QUOTE '', ESCAPE '', DELIMITER E'\\x01', NEW_LINE E'\\n')`));
    if (reread) return reread;
    if (csvWhy) return fallback(csvWhy);
    // A row without an id is numbered by the results' reader (record-number.ts).
    const recordId = recordNumbers(scan);
    const read = readDirectResults(file, o.output as string, header, stages.length, recordId);
    rmSync(file, { force: true });
    scored = read.stageCounts.map((count, stage) => ({ stage, count })).filter((s) => s.stage > 0);
    rejectedRows = read.rejected.map(({ pos: p, blanks, json }) => {
      const r = JSON.parse(json) as { id: string | null; p: RawProblem[] };
      return { g: p + 1, id: r.id ?? recordId(p, blanks), problems: r.p };
    });
    duckRows = read.rows;
    writeOutput = async () => read.written;
  } else {
    // The results (one row per input row) stream to an uncompressed Parquet file in the run's
    // scratch directory, not into a table in memory, which grew by ~48 MB per million rows; the
    // queries after it read the file back through the view `leaddef_result`. Each row's stage is
    // stored as its number in `stages` (1-based), not as text; its problems (NULL for nearly every
    // row) as JSON text, which JS parses for the rejected rows only: a Parquet list of structs
    // costs its levels on every row (~0.5 s of CPU per million rows).
    const storedAs: Record<string, string> = {
      leaddef_stage: `CAST(list_position(${stageList}, leaddef_stage) AS INTEGER) AS leaddef_stage`,
      leaddef_reject: "to_json(leaddef_reject) AS leaddef_reject",
    };
    const stored = names.map((n) => storedAs[n] ?? n);
    const resultFile = lit(join(scratch, "results.parquet"));
    const reread = await scoringPass(con.run(`COPY (SELECT ${stored.join(", ")} FROM ${result}) TO ${resultFile} (FORMAT parquet, COMPRESSION uncompressed)`));
    if (reread) return reread;
    if (csvWhy) return fallback(csvWhy);
    // A row without an id is numbered as the results are read (record-number.ts).
    const recordId = recordNumbers(scan);
    await con.run(`CREATE TEMP VIEW leaddef_result AS SELECT * FROM read_parquet(${resultFile}, file_row_number = true)`);
    const stageName = `${stageList}[leaddef_stage]`;

    // Stage counts (scored rows grouped by stage, and by whether they have an id), each rejected
    // row and each blank line (JSON Lines read by lines), in input order: small. Walked in that
    // order, the blank lines before a rejected row without an id give its record number.
    const scoredRow = "leaddef_reject IS NULL AND NOT leaddef_blank";
    const summary = await con.runAndReadAll(
      `SELECT CASE WHEN ${scoredRow} THEN NULL ELSE ${pos} END AS p, leaddef_blank, leaddef_reject, CASE WHEN leaddef_reject IS NULL THEN NULL ELSE leaddef_id END, CASE WHEN ${scoredRow} THEN leaddef_stage END, CASE WHEN ${scoredRow} THEN leaddef_id IS NULL END, count(*) FROM leaddef_result GROUP BY ALL ORDER BY p NULLS FIRST`,
    );
    scored = [];
    rejectedRows = [];
    duckRows = 0;
    /** Scored rows without an id: the output numbers them (in JS, as it writes them). */
    let scoredWithoutId = 0;
    let rejectedWithoutId = 0;
    let blanks = 0;
    for (const [p, blank, reject, id, stage, noId, count] of summary.getRows()) {
      if (blank) {
        blanks++;
        continue;
      }
      duckRows += Number(count);
      if (reject === null) {
        scored.push({ stage: Number(stage), count: Number(count) });
        if (noId) scoredWithoutId += Number(count);
        continue;
      }
      if (id === null) rejectedWithoutId++;
      rejectedRows.push({ g: Number(p) + 1, id: id === null ? recordId(Number(p), blanks) : String(id), problems: JSON.parse(String(reject)) as RawProblem[] });
    }
    if (withEvents && o.inputFormat === "jsonl" && scoredWithoutId + rejectedWithoutId > 0) {
      return fallback("the events join on lead ids, and some JSON Lines leads have none (their id is their record number)");
    }

    writeOutput = async () => {
      if (copyCsv && scoredWithoutId === 0) {
        // Every row has its id: DuckDB writes the CSV itself. (Only a run with event streams gets
        // here: its rows were numbered before the join.)
        const line = csvLineSql([csvCellSql("leaddef_id"), stageName, ...formatted]);
        const copied = await con.runAndReadAll(
          `COPY (SELECT ${line} AS ${q(header)} FROM leaddef_result WHERE ${scoredRow} ORDER BY ${pos}) TO ${lit(o.output as string)} (FORMAT csv, HEADER true, QUOTE '', ESCAPE '', DELIMITER E'\\x01', NEW_LINE E'\\n')`,
        );
        return Number(copied.getRows()[0]?.[0] ?? 0);
      }
      // Through the JS writers, blank lines included so that a row without an id is numbered as
      // in the one-pass results: from its position and the blank lines before it.
      let written = 0;
      let blanksBefore = 0;
      const outWriter = new BufferedWriter(o.output);
      const results = new ResultWriter(outWriter, o.outputFormat, columns, program.textColumns.length);
      const values: unknown[] = new Array(nValues + 1);
      try {
        results.header();
        const stream = await con.stream(`SELECT leaddef_blank, ${pos}, leaddef_id, ${stageName}${valueNames.map((n) => `, ${n}`).join("")} FROM leaddef_result WHERE leaddef_blank OR ${scoredRow} ORDER BY ${pos}`);
        for (;;) {
          const chunk = await stream.fetchChunk();
          if (!chunk || chunk.rowCount === 0) break;
          for (const row of chunk.getRows()) {
            if (row[0]) {
              blanksBefore++;
              continue;
            }
            written++;
            for (let i = 0; i < nValues; i++) values[1 + i] = row[4 + i];
            results.row(row[2] === null ? recordId(Number(row[1]), blanksBefore) : String(row[2]), String(row[3]), values, nValues);
          }
          await outWriter.flush();
        }
      } finally {
        await outWriter.close();
      }
      return written;
    };
  }

  const stageCounts = new Map<string, number>([["none", 0], ...program.resultStages.map((s) => [s, 0] as [string, number])]);
  for (const { stage, count } of scored) stageCounts.set(stages[stage - 1], (stageCounts.get(stages[stage - 1]) ?? 0) + count);
  const rejects: Reject[] = [];
  const eventReasons = withEvents ? await badEventReasons(con, program.ir.streams) : new Map<string, string>();
  if (scan && duckRows !== scan.good && !scan.widthsChecked) {
    // DuckDB skipped some line the quick scan counted good: find them with every width checked.
    scan = await fullScan();
    const why = csvVerdict(scan);
    if (why) return fallback(why);
  }
  for (const { g, id, problems: reject } of rejectedRows) {
    const e = reject[0];
    const line = scan ? recordAt(scan, g).line : o.inputFormat === "parquet" ? g + 1 : g;
    if (e.code === BAD_EVENT) {
      const detail = eventReasons.get(id);
      if (detail === undefined) throw new Error(`internal: no bad event for lead ${id}`);
      rejects.push({ line, id, problems: [badEventsProblem(program.ir.streams.map((st) => st.name), detail)] });
      continue;
    }
    if (e.code === DUPLICATE_KEY) return fallback(`line ${line} repeats a key, whose last value counts (DuckDB would read the first)`);
    if (e.code === BAD_JSON) {
      const text = e.value ?? "";
      let reason: Reason = { code: "not-an-object" };
      try {
        const v: unknown = JSON.parse(text);
        if (v !== null && typeof v === "object" && !Array.isArray(v)) return fallback(`DuckDB and JSON.parse disagree about line ${line}`);
      } catch (err) {
        reason = { code: "not-json", detail: (err as Error).message };
      }
      rejects.push(rejectOf(line, "", "", text.slice(0, 200), reason));
      continue;
    }
    const problems = reject.map((p) => {
      const field = fields.find((f) => f.path === p.field);
      if (!field) throw new Error(`internal: a reject names no field (${p.field})`);
      return { field: p.field, value: p.value ?? "", reason: reasonOf(field, p.code ?? "", p.value ?? "") };
    });
    rejects.push({ line, id, problems });
  }
  if (scan) {
    if (duckRows !== scan.good) return fallback(`DuckDB's CSV reader and the JS reader split the file differently (${duckRows} and ${scan.good} rows)`);
    rejects.push(...scan.bad.map(({ record: _, ...r }) => r));
    rejects.sort((a, b) => a.line - b.line);
  }
  const rowsRejected = rejects.length;
  const rowsRead = scan ? scan.records : duckRows;
  const rowsWritten = await writeOutput();

  const log = new RejectLog(o.rejectsPath);
  for (const r of rejects) log.add(r);
  await log.close();
  return {
    engine: "duckdb",
    rowsRead,
    rowsWritten,
    rowsRejected,
    stages: [...stageCounts].map(([name, count]) => ({ name, count })),
    unknownColumns,
    absentFields,
    rejectsPath: rowsRejected > 0 ? o.rejectsPath : undefined,
    output: outputPath(o.output),
    seconds: (performance.now() - started) / 1000,
    // Records the JS engine reads as rows (of the wrong width) are leads it joins too: their ids are not unknown.
    warnings: await eventWarnings(con, o, (scan?.bad ?? []).filter((b) => b.problems[0]?.reason.code === "row-width").map((b) => b.id)),
  };
}

/**
 * A Parquet file DuckDB cannot read (not Parquet, truncated, corrupt pages): an error in the
 * input as a whole, in DuckDB's words. Other errors (out of memory, say) stay what they are.
 */
function notParquet(input: string, e: Error, metadata = false): Error {
  const message = e.message.split("\n")[0];
  return metadata || /^(Invalid Input|Invalid|IO|Serialization|Conversion) Error/.test(message) ? new InputError(`${input}: DuckDB cannot read this Parquet file: ${message.trim()}`) : e;
}

/** A row's problem as the query writes it (JSON): the field, its value, the reason's code. */
interface RawProblem {
  field: string;
  value: string | null;
  code: string | null;
}

/** The marker for a lead rejected for an unreadable event; its reason is looked up afterwards. */
const BAD_EVENT = "\u0001leaddef:bad-event";

/** Each lead with an unreadable event: the JS engine's reason, from the first stream with one. */
async function badEventReasons(con: DuckDBConnection, streams: readonly IrStream[]): Promise<Map<string, string>> {
  const rows = await con.runAndReadAll(`SELECT lead, stream, k, problem FROM ${BAD_EVENTS} WHERE lead IN (SELECT leaddef_id FROM leaddef_result WHERE leaddef_reject IS NOT NULL) ORDER BY stream DESC`);
  const out = new Map<string, string>();
  // Streams are read in declaration order and the first unreadable one rejects: the last row written wins.
  for (const [lead, stream, k, problem] of rows.getRows()) {
    const p = (problem as { entries: { field: string; value: string | null; code: string | null } }).entries;
    out.set(String(lead), badEventText(streams[Number(stream)], Number(k), p));
  }
  return out;
}

/** What the run says about event streams, in the JS engine's words: events for unknown ids, or streams nothing supplied. */
async function eventWarnings(con: DuckDBConnection, o: DuckdbRunOptions, otherIds: readonly string[]): Promise<string[]> {
  const { ir } = o.program;
  const files = o.eventPaths ?? {};
  if (!ir.streams.length) return [];
  if (!Object.keys(files).length) return o.inputFormat === "csv" ? streamsNotSupplied(o.program.ir, "csv") : [];
  // The leads the JS engine joins: every row but blank lines and lines that are not JSON objects.
  const joined = `SELECT leaddef_id FROM leaddef_result WHERE NOT leaddef_blank AND (leaddef_reject IS NULL OR json_extract_string(leaddef_reject, '$[0].code') <> ${lit(BAD_JSON)})`;
  const unmatched = await unmatchedEvents(con, ir, files, `(${joined}${otherIds.length ? ` UNION ALL SELECT unnest([${otherIds.map(lit).join(", ")}])` : ""})`);
  const out: string[] = [];
  for (const st of ir.streams) {
    const n = unmatched.get(st.index);
    if (!n) continue;
    const rows = await con.runAndReadAll(`SELECT count(*) FROM ${eventTable(st.index)}`);
    out.push(`${files[st.name]}: ${n} of ${Number(rows.getRows()[0][0])} events belong to ids not in the input`);
  }
  return out;
}
