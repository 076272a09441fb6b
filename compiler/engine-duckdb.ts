import { closeSync, createReadStream, mkdtempSync, openSync, readSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { formatDateDays } from "../language/literals.js";
import type { Reject } from "./batch/binder.js";
import { CsvRecordReader } from "./batch/csv-records.js";
import { BufferedWriter, csvCell, ResultWriter } from "./batch/output.js";
import { RejectLog } from "./batch/reject-log.js";
import type { RunOptions } from "./batch/run-js.js";
import { resultColumns, runJs } from "./batch/run-js.js";
import type { RunSummary } from "./batch/summary.js";
import { emitSql } from "./emit-sql.js";
import type { IrField } from "./ir.js";
import { DIALECTS } from "./sql-dialects.js";

export interface DuckdbRunOptions extends Omit<RunOptions, "inputFormat" | "progress"> {
  inputFormat: "csv" | "jsonl" | "parquet";
  /** DuckDB's memory limit; beyond it, DuckDB spills to `tempDirectory`. Default 1GB. */
  memoryLimit?: string;
  /** Where DuckDB spills. Default: a fresh directory under the OS temp dir, removed afterwards. */
  tempDirectory?: string;
  threads?: number;
}

const d = DIALECTS.duckdb;
const lit = d.string;
const q = d.ident;

/** JS `String.prototype.trim` for the characters CSV cells carry: ASCII white space. */
const trim = (x: string) => `regexp_replace(${x}, '^\\s+|\\s+$', '', 'g')`;
const NUMBER_RE = lit("\\s*[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?\\s*");
const DATE_RE = lit("(?s)\\s*\\d{4}-\\d\\d-\\d\\d([T ].*)?");

function enumShown(members: readonly string[]): string {
  return members.length > 6 ? `${members.slice(0, 6).join(", ")}, …` : members.join(", ");
}

/** SQL pieces for reading one field from text `s` (non-NULL): its value, and a reason when it does not fit. */
function textReader(f: IrField, s: string, shown: string): { value: string; bad: string; reason: string } {
  const tick = (msg: string) => `'\`' || ${shown} || ${lit(`\` ${msg}`)}`;
  switch (f.kind) {
    case "number": {
      const ok = `regexp_full_match(${s}, ${NUMBER_RE})`;
      const v = `TRY_CAST(${trim(s)} AS DOUBLE)`;
      if (!f.integer) return { value: `CASE WHEN ${ok} THEN ${v} END`, bad: `NOT ${ok}`, reason: tick("is not a number") };
      return { value: `CASE WHEN ${ok} THEN ${v} END`, bad: `(NOT ${ok} OR ${v} <> floor(${v}) OR isinf(${v}))`, reason: tick("is not a whole number") };
    }
    case "date": {
      const v = `TRY_CAST(substr(${trim(s)}, 1, 10) AS DATE)`;
      const ok = `(regexp_full_match(${s}, ${DATE_RE}) AND ${v} IS NOT NULL)`;
      return { value: `CASE WHEN ${ok} THEN ${v} END`, bad: `NOT ${ok}`, reason: tick("is not a date (YYYY-MM-DD)") };
    }
    case "boolean": {
      const l = `lower(${trim(s)})`;
      return {
        value: `CASE WHEN ${l} IN ('true', 'yes', '1') THEN TRUE WHEN ${l} IN ('false', 'no', '0') THEN FALSE END`,
        bad: `${l} NOT IN ('true', 'yes', '1', 'false', 'no', '0')`,
        reason: tick("is not true/false/yes/no/1/0"),
      };
    }
    case "enum": {
      const set = f.members.length ? f.members.map(lit).join(", ") : "NULL";
      return { value: `CASE WHEN ${s} IN (${set}) THEN ${s} END`, bad: `${s} NOT IN (${set})`, reason: tick(`is not one of ${enumShown(f.members)}`) };
    }
    case "list":
      return { value: `list_filter(list_transform(string_split(${s}, ';'), x -> ${trim("x")}), x -> x <> '')`, bad: "FALSE", reason: "NULL" };
    case "string":
      return { value: s, bad: "FALSE", reason: "NULL" };
  }
}

interface FieldSql { value: string; rejectWhen: string; reject: string }

/** CSV (and Parquet read as text): every cell is text, NULL when empty. */
function csvField(f: IrField, col: string | undefined): FieldSql {
  if (col === undefined) {
    return { value: "NULL", rejectWhen: f.optional ? "FALSE" : "TRUE", reject: `{'field': ${lit(f.path)}, 'value': '', 'reason': 'required field is missing'}` };
  }
  const c = q(col);
  const r = textReader(f, c, c);
  return {
    value: `CASE WHEN ${c} IS NOT NULL THEN ${r.value} END`,
    rejectWhen: f.optional ? `(${c} IS NOT NULL AND ${r.bad})` : `(${c} IS NULL OR ${r.bad})`,
    reject: `CASE WHEN ${c} IS NULL THEN {'field': ${lit(f.path)}, 'value': '', 'reason': 'required field is missing'} ELSE {'field': ${lit(f.path)}, 'value': ${c}, 'reason': ${r.reason}} END`,
  };
}

/** JSON Lines: the value (nested path, else the flat dotted key) with its JSON type, or a string spelling it. */
function jsonField(f: IrField): FieldSql {
  const nested = `json_extract(j, ${lit(`$.${f.segments.map((s) => `"${s}"`).join(".")}`)})`;
  const flat = `json_extract(j, ${lit(`$."${f.path}"`)})`;
  const x = `COALESCE(CASE WHEN json_type(${nested}) <> 'NULL' THEN ${nested} END, CASE WHEN json_type(${flat}) <> 'NULL' THEN ${flat} END)`;
  const t = `json_type(${x})`;
  const str = `json_extract_string(${x}, '$')`;
  const json = `CAST(${x} AS VARCHAR)`;
  const shown = `CASE WHEN ${t} = 'VARCHAR' THEN ${str} ELSE ${json} END`;
  const r = textReader(f, str, str);
  const tickJson = (msg: string) => `'\`' || ${json} || ${lit(`\` ${msg}`)}`;
  let value: string, bad: string, reason: string;
  switch (f.kind) {
    case "number":
      value = `CASE WHEN ${t} IN ('BIGINT', 'UBIGINT', 'DOUBLE') THEN TRY_CAST(${x} AS DOUBLE) WHEN ${t} = 'VARCHAR' THEN ${r.value} END`;
      bad = f.integer
        ? `CASE WHEN ${t} IN ('BIGINT', 'UBIGINT') THEN FALSE WHEN ${t} = 'DOUBLE' THEN TRY_CAST(${x} AS DOUBLE) <> floor(TRY_CAST(${x} AS DOUBLE)) WHEN ${t} = 'VARCHAR' THEN ${r.bad} ELSE TRUE END`
        : `CASE WHEN ${t} IN ('BIGINT', 'UBIGINT', 'DOUBLE') THEN FALSE WHEN ${t} = 'VARCHAR' THEN ${r.bad} ELSE TRUE END`;
      reason = `CASE WHEN ${t} = 'VARCHAR' THEN ${r.reason} ELSE ${tickJson(f.integer ? "is not a whole number" : "is not a number")} END`;
      break;
    case "boolean":
      value = `CASE WHEN ${t} = 'BOOLEAN' THEN TRY_CAST(${x} AS BOOLEAN) WHEN ${t} IN ('BIGINT', 'UBIGINT', 'DOUBLE') AND TRY_CAST(${x} AS DOUBLE) IN (0, 1) THEN TRY_CAST(${x} AS DOUBLE) = 1 WHEN ${t} = 'VARCHAR' THEN ${r.value} END`;
      bad = `CASE WHEN ${t} = 'BOOLEAN' THEN FALSE WHEN ${t} IN ('BIGINT', 'UBIGINT', 'DOUBLE') THEN TRY_CAST(${x} AS DOUBLE) NOT IN (0, 1) WHEN ${t} = 'VARCHAR' THEN ${r.bad} ELSE TRUE END`;
      reason = `CASE WHEN ${t} = 'VARCHAR' THEN ${r.reason} ELSE ${tickJson("is not true/false/yes/no/1/0")} END`;
      break;
    case "list": {
      bad = `CASE WHEN ${t} = 'ARRAY' THEN NOT list_bool_and(list_transform(json_extract(${x}, '$[*]'), e -> json_type(e) = 'VARCHAR')) AND json_array_length(${x}) > 0 WHEN ${t} = 'VARCHAR' THEN FALSE ELSE TRUE END`;
      reason = `CASE WHEN ${t} = 'ARRAY' THEN ${json} || ' is not a list of strings' ELSE ${tickJson("is not a list of strings")} END`;
      value = `CASE WHEN ${t} = 'ARRAY' THEN TRY_CAST(json_extract_string(${x}, '$[*]') AS VARCHAR[]) WHEN ${t} = 'VARCHAR' THEN ${r.value} END`;
      break;
    }
    case "string":
      value = `CASE WHEN ${t} = 'VARCHAR' THEN ${str} END`;
      bad = `${t} <> 'VARCHAR'`;
      reason = tickJson("is not a string");
      break;
    default: // date, enum: only a string can spell them
      value = `CASE WHEN ${t} = 'VARCHAR' THEN ${r.value} END`;
      bad = `CASE WHEN ${t} = 'VARCHAR' THEN ${r.bad} ELSE TRUE END`;
      reason = `CASE WHEN ${t} = 'VARCHAR' THEN ${r.reason} ELSE ${tickJson(f.kind === "date" ? "is not a date (YYYY-MM-DD)" : `is not one of ${enumShown(f.members)}`)} END`;
  }
  return {
    value: `CASE WHEN ${x} IS NOT NULL THEN ${value} END`,
    rejectWhen: f.optional ? `(${x} IS NOT NULL AND ${bad})` : `(${x} IS NULL OR ${bad})`,
    reject: `CASE WHEN ${x} IS NULL THEN {'field': ${lit(f.path)}, 'value': '', 'reason': 'required field is missing'} ELSE {'field': ${lit(f.path)}, 'value': ${shown}, 'reason': ${reason}} END`,
  };
}

/**
 * The CSV header row, read here rather than sniffed: DuckDB's sniffer guesses a different
 * dialect (or no header) for some malformed files, which would silently misread every row.
 */
export function csvHeader(path: string): string[] {
  const fd = openSync(path, "r");
  let text = "";
  try {
    const buf = Buffer.alloc(1 << 16);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n <= 0) break;
      text += buf.toString("utf8", 0, n);
      if (/\r?\n/.test(text.replace(/"[^"]*"/g, ""))) break;
    }
  } finally {
    closeSync(fd);
  }
  text = text.replace(/^\uFEFF/, "");
  const cells: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cur += '"'; i++; }
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") { cells.push(cur); cur = ""; }
    else if (ch === "\n" || ch === "\r") break;
    else cur += ch;
  }
  cells.push(cur);
  return cells;
}

async function columnsOf(con: DuckDBConnection, from: string): Promise<string[]> {
  const r = await con.runAndReadAll(`DESCRIBE SELECT * FROM ${from}`);
  return r.getRows().map((row) => String(row[0]));
}

/** JS `\s`, for RE2 (whose `\s` is ASCII only). */
const JS_SPACE = "[\\t\\n\\x{0B}\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}]";

/** `csvCell` (output.ts) in SQL. */
const csvCellSql = (x: string) =>
  `CASE WHEN regexp_matches(${x}, ${lit(`[",\\r\\n]|^${JS_SPACE}|${JS_SPACE}$`)}) THEN '"' || replace(${x}, '"', '""') || '"' ELSE ${x} END`;

/**
 * JS `String(n)` for a DOUBLE, in SQL. Whole numbers below 2^53 (nearly every score) print as
 * integers. Otherwise DuckDB's own text has the same shortest round-trip digits as JS, only laid
 * out differently (`4.0`, `3.9e-06`), so the digits and decimal exponent are taken from it and laid
 * out by the rules of ECMAScript Number::toString.
 */
const MACROS = `
CREATE OR REPLACE TEMP MACRO leaddef_js_layout(sign, d, n) AS
  CASE WHEN d = '' THEN '0'
    WHEN length(d) <= n AND n <= 21 THEN sign || d || repeat('0', n - length(d))
    WHEN 0 < n AND n <= 21 THEN sign || d[1:n] || '.' || d[n + 1:]
    WHEN -6 < n AND n <= 0 THEN sign || '0.' || repeat('0', -n) || d
    ELSE sign || d[1:1] || CASE WHEN length(d) > 1 THEN '.' || d[2:] ELSE '' END || 'e' || CASE WHEN n - 1 >= 0 THEN '+' ELSE '-' END || CAST(abs(n - 1) AS VARCHAR)
  END;
CREATE OR REPLACE TEMP MACRO leaddef_js_digits(sign, i, f, e) AS
  leaddef_js_layout(sign, rtrim(ltrim(i || f, '0'), '0'), length(i) + e - (length(i || f) - length(ltrim(i || f, '0'))));
CREATE OR REPLACE TEMP MACRO leaddef_js_text(t) AS
  leaddef_js_digits(CASE WHEN starts_with(t, '-') THEN '-' ELSE '' END, regexp_extract(t, '^-?(\\d*)', 1), regexp_extract(t, '\\.(\\d*)', 1), COALESCE(TRY_CAST(regexp_extract(t, '[eE]([+-]?\\d+)$', 1) AS INTEGER), 0));
CREATE OR REPLACE TEMP MACRO leaddef_js_num(v) AS
  CASE WHEN v IS NULL THEN 'undefined'
    WHEN isnan(v) THEN 'NaN'
    WHEN isinf(v) THEN CASE WHEN v > 0 THEN 'Infinity' ELSE '-Infinity' END
    WHEN v = trunc(v) AND abs(v) < 9007199254740992 THEN CAST(CAST(v AS BIGINT) AS VARCHAR)
    ELSE leaddef_js_text(CAST(v AS VARCHAR))
  END;
`;

/** Where each good CSV record starts, and the records DuckDB cannot read, as the JS reader sees them. */
interface CsvScan {
  header: string[];
  records: number;
  good: number;
  bad: (Reject & { record: number })[];
  /** Breakpoints over good records g (1-based): from `from[k]` on, record = g + dRecord[k], line = g + dLine[k]. */
  from: number[];
  dRecord: number[];
  dLine: number[];
}

/**
 * Reads the CSV once with the JS engine's own record reader (no binding, no evaluation): the
 * record count, the physical line each record starts on, and the records that are not rows of
 * the header's width. DuckDB's reader skips those; this maps its rows back to records and lines.
 */
async function scanCsv(path: string, idColumn: string): Promise<CsvScan> {
  const scan: CsvScan = { header: [], records: 0, good: 0, bad: [], from: [], dRecord: [], dLine: [] };
  let header: string[] | undefined;
  let idIndex = -1;
  let width = 0;
  const good = (line: number) => {
    const g = ++scan.good;
    const k = scan.from.length - 1;
    const dr = scan.records - g;
    const dl = line - g;
    if (k < 0 || scan.dRecord[k] !== dr || scan.dLine[k] !== dl) {
      scan.from.push(g);
      scan.dRecord.push(dr);
      scan.dLine.push(dl);
    }
  };
  const record = (cells: string[], line: number) => {
    if (!header) {
      header = cells;
      width = cells.length;
      idIndex = new Map(cells.map((h, i) => [h.trim(), i])).get(idColumn) ?? -1;
      return;
    }
    scan.records++;
    if (cells.length !== width) {
      const id = idIndex >= 0 ? cells[idIndex] ?? "" : String(scan.records);
      scan.bad.push({ record: scan.records, line, id, field: "", value: "", reason: `row has ${cells.length} values, the header has ${width}` });
    } else good(line);
  };
  const reader = new CsvRecordReader(
    record,
    (line, reason, raw) => {
      if (!header) throw new Error(`the header row is not readable: ${reason}`);
      scan.records++;
      scan.bad.push({ record: scan.records, line, id: "", field: "", value: raw, reason: `not readable as CSV: ${reason}` });
    },
    (data, start, end, line) => {
      if (!header) return record(data.slice(start, end).split(","), line);
      let cells = 1;
      for (let p = data.indexOf(",", start); p >= 0 && p < end; p = data.indexOf(",", p + 1)) cells++;
      if (cells !== width) record(data.slice(start, end).split(","), line);
      else {
        scan.records++;
        good(line);
      }
    },
  );
  const stream = createReadStream(path, { highWaterMark: 1 << 22 });
  stream.setEncoding("utf8");
  for await (const text of stream as AsyncIterable<string>) reader.push(text);
  reader.end();
  scan.header = header ?? [];
  return scan;
}

function lookup(scan: CsvScan, g: number): { record: number; line: number } {
  let lo = 0;
  let hi = scan.from.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (scan.from[mid] <= g) lo = mid;
    else hi = mid - 1;
  }
  return { record: g + (scan.dRecord[lo] ?? 0), line: g + (scan.dLine[lo] ?? 1) };
}

/** JSON Lines that DuckDB's line reader would split differently from the JS reader (CR, U+0001). */
async function jsonlNeedsJs(path: string): Promise<boolean> {
  const stream = createReadStream(path, { highWaterMark: 1 << 22 });
  for await (const buf of stream as AsyncIterable<Buffer>) {
    if (buf.indexOf(13) >= 0 || buf.indexOf(1) >= 0) {
      stream.destroy();
      return true;
    }
  }
  return false;
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
  const started = performance.now();
  const { program } = o;
  const fallback = async (why: string): Promise<RunSummary> => {
    process.stderr.write(`leaddef: ${why}; scoring with the JS engine instead (same results)\n`);
    return runJs({ ...o, inputFormat: o.inputFormat as "csv" | "jsonl", progress: false });
  };
  let scan: CsvScan | undefined;
  if (o.inputFormat === "csv") {
    scan = await scanCsv(o.input, o.idColumn);
    if (scan.bad.length > 10_000) return fallback(`${scan.bad.length} CSV records are malformed`);
  } else if (o.inputFormat === "jsonl" && (await jsonlNeedsJs(o.input))) {
    return fallback("the JSON Lines file has carriage returns or U+0001 characters, which DuckDB's line reader splits differently");
  }
  const ownTemp = o.tempDirectory === undefined;
  const temp = o.tempDirectory ?? mkdtempSync(join(tmpdir(), "leaddef-duckdb-"));
  const db = await DuckDBInstance.create(":memory:", {
    memory_limit: o.memoryLimit ?? "1GB",
    temp_directory: temp,
    preserve_insertion_order: "true",
    ...(o.threads ? { threads: String(o.threads) } : {}),
  });
  const con = await db.connect();
  try {
    return await runIn(con, o, scan, started, fallback);
  } finally {
    con.closeSync();
    db.closeSync();
    if (ownTemp) rmSync(temp, { recursive: true, force: true });
  }
}

async function runIn(
  con: DuckDBConnection,
  o: DuckdbRunOptions,
  scan: CsvScan | undefined,
  started: number,
  fallback: (why: string) => Promise<RunSummary>,
): Promise<RunSummary> {
  const { program } = o;
  const path = lit(o.input);
  const fields = program.fields;
  let raw: string;
  let fieldSql: FieldSql[];
  let idSql: string;
  let unknownColumns: string[] = [];
  let absentFields: string[] = [];
  let rejectWhenFirst = "";
  let rejectFirst = "";
  if (o.inputFormat === "jsonl") {
    // Each physical line as text (a blank line is NULL), so row numbers are line numbers.
    const lines = `read_csv(${path}, header = false, auto_detect = false, delim = E'\\x01', quote = '', escape = '', strict_mode = false, columns = {'t': 'VARCHAR'})`;
    const blank = `(t IS NULL OR regexp_full_match(t, ${lit(`${JS_SPACE}*`)}))`;
    // j: the line when it is a JSON object, else NULL (json_extract would fail on it); leaddef_text: the line.
    raw = `(SELECT CASE WHEN json_valid(leaddef_text) THEN CASE WHEN json_type(leaddef_text) = 'OBJECT' THEN leaddef_text END END AS j, leaddef_text, leaddef_row, leaddef_n FROM (SELECT CASE WHEN leaddef_row = 1 THEN regexp_replace(t, '^\\x{FEFF}', '') ELSE t END AS leaddef_text, leaddef_row, leaddef_n FROM (SELECT t, row_number() OVER () AS leaddef_row, sum(CASE WHEN ${blank} THEN 0 ELSE 1 END) OVER (ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS leaddef_n, ${blank} AS leaddef_blank FROM ${lines}) WHERE NOT leaddef_blank))`;
    fieldSql = fields.map(jsonField);
    rejectWhenFirst = "j IS NULL";
    rejectFirst = `{'field': '', 'value': leaddef_text, 'reason': ${lit(BAD_JSON)}}`;
    const id = `json_extract(j, ${lit(`$."${o.idColumn}"`)})`;
    idSql = `CASE WHEN j IS NULL THEN '' WHEN ${id} IS NULL OR json_type(${id}) = 'NULL' THEN CAST(leaddef_n AS VARCHAR) WHEN json_type(${id}) = 'VARCHAR' THEN json_extract_string(${id}, '$') ELSE CAST(${id} AS VARCHAR) END`;
  } else {
    let reader: string;
    let header: string[];
    let colName: (i: number) => string;
    if (scan) {
      header = scan.header.map((h) => h.trim());
      // Positional names: header cells may repeat, or differ from a field path only in spaces.
      colName = (i) => `c${i}`;
      const cols = scan.header.map((_, i) => `${lit(colName(i))}: 'VARCHAR'`).join(", ");
      reader = `read_csv(${path}, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', ignore_errors = true, columns = {${cols}})`;
    } else {
      reader = `read_parquet(${path})`;
      header = await columnsOf(con, reader);
      colName = (i) => header[i];
    }
    const position = new Map(header.map((h, i) => [h, i]));
    const known = new Set([...fields.map((f) => f.path), o.idColumn]);
    unknownColumns = header.filter((h) => h && !known.has(h));
    absentFields = fields.filter((f) => !position.has(f.path)).map((f) => f.path);
    // Parquet columns are read as text and checked like CSV cells.
    const textCols = header.map((_, i) => (o.inputFormat === "parquet" ? `CAST(${q(colName(i))} AS VARCHAR) AS ${q(`c${i}`)}` : q(colName(i))));
    raw = `(SELECT ${textCols.join(", ")}, row_number() OVER () AS leaddef_row FROM ${reader})`;
    fieldSql = fields.map((f) => csvField(f, position.has(f.path) ? `c${position.get(f.path)}` : undefined));
    if (position.has(o.idColumn)) idSql = `COALESCE(${q(`c${position.get(o.idColumn)}`)}, '')`;
    else if (!scan || scan.bad.length === 0) idSql = "CAST(leaddef_row AS VARCHAR)";
    else {
      // No id column: the id is the record number, and skipped records count.
      const steps = scan.from.map((g, k) => [g, scan.dRecord[k]] as const).filter(([, d], k, a) => k === 0 || d !== a[k - 1][1]);
      if (steps.length > 200) return fallback("too many malformed CSV records in a file without an id column");
      idSql = `CAST(leaddef_row + CASE ${steps.reverse().map(([g, d]) => `WHEN leaddef_row >= ${g} THEN ${d}`).join(" ")} ELSE 0 END AS VARCHAR)`;
    }
  }
  const whens = [
    ...(rejectWhenFirst ? [`WHEN ${rejectWhenFirst} THEN ${rejectFirst}`] : []),
    ...fieldSql.filter((f) => f.rejectWhen !== "FALSE").map((f) => `WHEN ${f.rejectWhen} THEN ${f.reject}`),
  ];
  const rejectCase = whens.length ? `CASE ${whens.join(" ")} END` : "NULL";
  const typed = `(SELECT leaddef_row, ${idSql} AS leaddef_id, ${rejectCase} AS leaddef_reject, ${fieldSql.map((f, i) => `${f.value} AS f${i}`).join(", ")} FROM ${raw})`;
  const query = emitSql(program.ir, {
    dialect: "duckdb",
    asOf: formatDateDays(o.asOf),
    columns: o.columns,
    source: { from: typed, passthrough: ["leaddef_row", "leaddef_reject"] },
  }).replace(/;\s*$/, "");

  const columns = resultColumns(program, o.columns);
  const nScores = program.scores.length;
  const nValues = columns.length - 2;
  const names = ["leaddef_row", "leaddef_reject", "leaddef_id", "leaddef_stage", ...Array.from({ length: nValues }, (_, i) => `leaddef_v${i}`)];
  const result = `(${query}) AS leaddef_q(${names.join(", ")})`;

  // One pass over the input: each result row, formatted as the JS writer would, kept in input order.
  const formatted = Array.from({ length: nValues }, (_, i) =>
    i < nScores ? `leaddef_js_num(CAST(leaddef_v${i} AS DOUBLE))` : `CASE WHEN leaddef_v${i} THEN 'true' WHEN NOT leaddef_v${i} THEN 'false' ELSE 'undefined' END`);
  const copyCsv = o.output !== undefined && o.outputFormat === "csv";
  await con.run(MACROS);
  await con.run(`CREATE TEMP TABLE leaddef_result AS SELECT leaddef_row, leaddef_reject, leaddef_id, leaddef_stage${
    copyCsv ? `, concat_ws(',', ${csvCellSql("leaddef_id")}, leaddef_stage${formatted.map((f) => `, ${f}`).join("")}) AS leaddef_line` : names.slice(4).map((n) => `, ${n}`).join("")
  } FROM ${result}`);

  // Rejected rows and stage counts: small.
  const summary = await con.runAndReadAll(
    `SELECT CASE WHEN leaddef_reject IS NULL THEN NULL ELSE leaddef_row END AS r, CASE WHEN leaddef_reject IS NULL THEN NULL ELSE leaddef_id END, leaddef_reject, CASE WHEN leaddef_reject IS NULL THEN leaddef_stage END, count(*) FROM leaddef_result GROUP BY ALL ORDER BY r NULLS FIRST`,
  );
  const stageCounts = new Map<string, number>([["none", 0], ...program.stages.map((s) => [s, 0] as [string, number])]);
  const rejects: Reject[] = [];
  let duckRows = 0;
  for (const row of summary.getRows()) {
    const n = Number(row[4]);
    duckRows += n;
    const reject = row[2] as { entries: { field: string; value: string | null; reason: string | null } } | null;
    if (!reject) {
      const stage = String(row[3]);
      stageCounts.set(stage, (stageCounts.get(stage) ?? 0) + n);
      continue;
    }
    const g = Number(row[0]);
    const e = reject.entries;
    const line = scan ? lookup(scan, g).line : o.inputFormat === "parquet" ? g + 1 : g;
    if (e.reason === BAD_JSON) {
      const text = e.value ?? "";
      let reason = "a line must be a JSON object";
      try {
        const v: unknown = JSON.parse(text);
        if (v !== null && typeof v === "object" && !Array.isArray(v)) return fallback(`DuckDB and JSON.parse disagree about line ${line}`);
      } catch (err) {
        reason = `not valid JSON: ${(err as Error).message}`;
      }
      rejects.push({ line, id: "", field: "", value: text.slice(0, 200), reason });
      continue;
    }
    rejects.push({ line, id: String(row[1] ?? ""), field: e.field, value: e.value ?? "", reason: e.reason ?? "" });
  }
  if (scan) {
    if (duckRows !== scan.good) return fallback(`DuckDB's CSV reader and the JS reader split the file differently (${duckRows} and ${scan.good} rows)`);
    rejects.push(...scan.bad.map(({ record: _, ...r }) => r));
    rejects.sort((a, b) => a.line - b.line);
  }
  const rowsRejected = rejects.length;
  const rowsRead = scan ? scan.records : duckRows;

  let rowsWritten = 0;
  const header = columns.map(csvCell).join(",");
  if (copyCsv) {
    const copied = await con.runAndReadAll(
      `COPY (SELECT leaddef_line AS ${q(header)} FROM leaddef_result WHERE leaddef_reject IS NULL) TO ${lit(o.output!)} (FORMAT csv, HEADER true, QUOTE '', ESCAPE '', DELIMITER E'\\x01', NEW_LINE E'\\n')`,
    );
    rowsWritten = Number(copied.getRows()[0]?.[0] ?? 0);
  } else {
    const outWriter = new BufferedWriter(o.output ?? process.stdout);
    const results = new ResultWriter(outWriter, o.outputFormat, columns);
    const values: unknown[] = new Array(nValues + 1);
    try {
      results.header();
      const stream = await con.stream(`SELECT leaddef_id, leaddef_stage${names.slice(4).map((n) => `, ${n}`).join("")} FROM leaddef_result WHERE leaddef_reject IS NULL ORDER BY leaddef_row`);
      for (;;) {
        const chunk = await stream.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        for (const row of chunk.getRows()) {
          rowsWritten++;
          for (let i = 0; i < nValues; i++) values[1 + i] = row[2 + i];
          results.row(String(row[0] ?? ""), String(row[1]), values, nValues);
        }
        await outWriter.flush();
      }
    } finally {
      await outWriter.close();
    }
  }
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
    output: o.output,
    seconds: (performance.now() - started) / 1000,
  };
}
