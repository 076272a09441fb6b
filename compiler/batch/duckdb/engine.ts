import { closeSync, createReadStream, mkdtempSync, openSync, readSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { formatDateDays } from "../../../language/literals.js";
import type { Reject } from "../js/binder.js";
import type { Reason } from "../../runtime/codecs/reasons.js";
import { CsvRecordReader } from "../sources/csv-records.js";
import { BufferedWriter, csvCell, ResultWriter } from "../output.js";
import { RejectLog } from "../reject-log.js";
import type { RunOptions } from "../js/run-js.js";
import { resultColumns, runJs } from "../js/run-js.js";
import type { RunSummary } from "../summary.js";
import { emitSql } from "../../sql/emit-sql.js";
import type { IrField } from "../../ir.js";
import { DIALECTS } from "../../sql/sql-dialects.js";
import { codecOf, reasonOf } from "../../runtime/codecs/codec.js";
import { JS_SPACE, jsonStr } from "../../runtime/codecs/sql-text.js";

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

/**
 * One field, read in two steps: `present` and `value` over the input row; then, one level up,
 * the row is rejected for the first field that is missing (when required) or whose value is
 * NULL while present, and `reject` (field, value as shown, reason code) is computed for that row
 * only. The value and the code come from the field's codec.
 */
interface FieldSql { present: string; value: string; reject: string; optional: boolean }

/** CSV (and Parquet read as text): every cell is text, NULL when empty. */
function csvField(f: IrField, col: string | undefined): FieldSql {
  if (col === undefined) return { present: "FALSE", value: "NULL", reject: "NULL", optional: f.optional };
  const c = q(col);
  const r = codecOf(f).fromText(c);
  return { present: `${c} IS NOT NULL`, value: r.value, reject: r.code === "NULL" ? "NULL" : `{'field': ${lit(f.path)}, 'value': ${c}, 'code': ${r.code}}`, optional: f.optional };
}

/** JSON Lines: `x` is the field's JSON value (the nested path, else the flat dotted key), NULL when absent or `null`. */
function jsonField(f: IrField, x: string): FieldSql {
  const r = codecOf(f).fromJson(x);
  return { present: `${x} IS NOT NULL`, value: r.value, reject: `{'field': ${lit(f.path)}, 'value': ${r.shown}, 'code': ${r.code}}`, optional: f.optional };
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
      scan.bad.push({ record: scan.records, line, id, field: "", value: "", reason: { code: "row-width", cells: cells.length, width } });
    } else good(line);
  };
  const reader = new CsvRecordReader(
    record,
    (line, reason, raw) => {
      if (!header) throw new Error(`the header row is not readable: ${reason}`);
      scan.records++;
      scan.bad.push({ record: scan.records, line, id: "", field: "", value: raw, reason: { code: "unreadable-csv", detail: reason } });
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

/**
 * JSON Lines that DuckDB's line reader would split differently from the JS reader (CR, U+0001),
 * or with a byte order mark at the start of a line other than the first (the SQL strips one at
 * the start of any line, the JS reader only at the start of the file).
 */
async function jsonlNeedsJs(path: string): Promise<string | undefined> {
  const stream = createReadStream(path, { highWaterMark: 1 << 22 });
  const bom = Buffer.from("\n\uFEFF");
  let tail = Buffer.alloc(0);
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const buf = tail.length ? Buffer.concat([tail, chunk]) : chunk;
    const why = buf.indexOf(13) >= 0 || buf.indexOf(1) >= 0 ? "carriage returns or U+0001 characters, which DuckDB's line reader splits differently"
      : buf.indexOf(bom) >= 0 ? "a byte order mark at the start of a line" : undefined;
    if (why) {
      stream.destroy();
      return why;
    }
    tail = Buffer.from(buf.subarray(Math.max(0, buf.length - bom.length + 1)));
  }
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
  } else if (o.inputFormat === "jsonl") {
    const why = await jsonlNeedsJs(o.input);
    if (why) return fallback(`the JSON Lines file has ${why}`);
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

/** The nested JSON structure `json_transform` reads: each field's nested path and flat dotted key, and the id. */
function jsonStructure(paths: string[][]): Record<string, unknown> | undefined {
  const root: Record<string, unknown> = {};
  for (const segs of paths) {
    let node = root;
    for (let k = 0; k < segs.length; k++) {
      const key = segs[k];
      const leaf = k === segs.length - 1;
      const has = Object.prototype.hasOwnProperty.call(node, key);
      if (leaf) {
        if (has && node[key] !== "JSON") return undefined; // a field is also another's parent
        node[key] = "JSON";
      } else {
        if (!has) node[key] = {};
        else if (node[key] === "JSON") return undefined;
        node = node[key] as Record<string, unknown>;
      }
    }
  }
  return root;
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
  // raw: one row per input row, in file order, so that the result table's rowid is the row's
  // position (no window function, which would serialise the scan). It has `leaddef_blank`,
  // `leaddef_id` (NULL: the record number, filled in afterwards) and the columns fieldSql reads.
  let raw: string;
  let fieldSql: FieldSql[];
  let unknownColumns: string[] = [];
  let absentFields: string[] = [];
  let rejectFirst = "";
  /** Record number (1-based) from the row's position `p` (0-based) in the file, for rows without an id. */
  let recordNumber = (p: string) => `${p} + 1`;
  if (o.inputFormat === "jsonl") {
    // Each physical line as text (a blank line is NULL), so rowid + 1 is the line number.
    const lines = `read_csv(${path}, header = false, auto_detect = false, delim = E'\\x01', quote = '', escape = '', strict_mode = false, columns = {'t': 'VARCHAR'})`;
    const paths = [...fields.flatMap((f) => (f.segments.length > 1 ? [f.segments, [f.path]] : [f.segments])), [o.idColumn]];
    const structure = jsonStructure(paths);
    if (!structure) return fallback("a field's JSON key is also another field's parent object");
    const at = (segs: string[]) => segs.reduce((e, k) => `struct_extract(${e}, ${lit(k)})`, "leaddef_doc");
    const xs = fields.map((f, i) => `${f.segments.length > 1 ? `COALESCE(${at(f.segments)}, ${at([f.path])})` : at(f.segments)} AS x${i}`);
    // The line parsed once, when it is a JSON object (valid, and starting with `{`), into the JSON value of every key read.
    const doc = `CASE WHEN NOT leaddef_blank AND json_valid(leaddef_text) AND regexp_matches(leaddef_text, '^[ \\t]*[{]') THEN json_transform(leaddef_text, ${lit(JSON.stringify(structure))}) END`;
    const text = `CASE WHEN starts_with(t, chr(65279)) THEN substr(t, 2) ELSE t END`;
    const blank = `(t IS NULL OR regexp_full_match(t, ${lit(`${JS_SPACE}*`)}))`;
    const id = at([o.idColumn]);
    raw = `(SELECT leaddef_blank, leaddef_text, leaddef_doc IS NULL AS leaddef_bad, ${xs.join(", ")}, CASE WHEN leaddef_doc IS NULL THEN '' WHEN ${id} IS NULL THEN NULL WHEN ascii(${id}) = 34 THEN ${jsonStr(id)} ELSE CAST(${id} AS VARCHAR) END AS leaddef_id FROM (SELECT leaddef_blank, leaddef_text, ${doc} AS leaddef_doc FROM (SELECT ${blank} AS leaddef_blank, ${text} AS leaddef_text FROM ${lines})))`;
    fieldSql = fields.map((f, i) => jsonField(f, `x${i}`));
    rejectFirst = `WHEN leaddef_bad THEN {'field': '', 'value': leaddef_text, 'code': ${lit(BAD_JSON)}}`;
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
    const idSql = position.has(o.idColumn) ? `COALESCE(${q(`c${position.get(o.idColumn)}`)}, '')` : "CAST(NULL AS VARCHAR)";
    raw = `(SELECT FALSE AS leaddef_blank, ${textCols.join(", ")}, ${idSql} AS leaddef_id FROM ${reader})`;
    fieldSql = fields.map((f) => csvField(f, position.has(f.path) ? `c${position.get(f.path)}` : undefined));
    if (!position.has(o.idColumn) && scan && scan.bad.length > 0) {
      // No id column: the id is the record number, and skipped records count.
      const steps = scan.from.map((g, k) => [g, scan.dRecord[k]] as const).filter(([, d], k, a) => k === 0 || d !== a[k - 1][1]);
      if (steps.length > 200) return fallback("too many malformed CSV records in a file without an id column");
      const cases = steps.reverse();
      recordNumber = (p) => `${p} + 1 + CASE ${cases.map(([g, d]) => `WHEN ${p} + 1 >= ${g} THEN ${d}`).join(" ")} ELSE 0 END`;
    }
  }
  // Values once per field; then the first reject reason, computed only for rows that fail a
  // (cheap) test: a required field missing, or a present value that read as NULL.
  const values = `(SELECT *, ${fieldSql.map((f, i) => `${f.value} AS v${i}`).join(", ")} FROM ${raw})`;
  const whens = [rejectFirst];
  const typedCols: string[] = [];
  fieldSql.forEach((f, i) => {
    const fld = fields[i];
    const v = `v${i}`;
    const whole = fld.kind === "number" && fld.integer;
    typedCols.push(whole ? `CASE WHEN ${v} = floor(${v}) AND NOT isinf(${v}) THEN ${v} END AS f${i}` : `${v} AS f${i}`);
    if (!f.optional) whens.push(`WHEN NOT (${f.present}) THEN {'field': ${lit(fld.path)}, 'value': '', 'code': 'required-missing'}`);
    if (f.reject !== "NULL" && f.present !== "FALSE") {
      const bad = whole ? `(${v} IS NULL OR ${v} <> floor(${v}) OR isinf(${v}))` : `${v} IS NULL`;
      whens.push(`WHEN ${f.optional ? `(${f.present}) AND ` : ""}${bad} THEN ${f.reject}`);
    }
  });
  const rejectCase = whens.some((w) => w) ? `CASE WHEN leaddef_blank THEN NULL ${whens.filter((w) => w).join(" ")} END` : "NULL";
  const typed = `(SELECT leaddef_blank, leaddef_id, ${rejectCase} AS leaddef_reject${typedCols.map((c) => `, ${c}`).join("")} FROM ${values})`;
  const query = emitSql(program.ir, {
    dialect: "duckdb",
    asOf: formatDateDays(o.asOf),
    columns: o.columns,
    source: { from: typed, passthrough: ["leaddef_blank", "leaddef_reject"] },
  }).replace(/;\s*$/, "");

  const columns = resultColumns(program, o.columns);
  const nScores = program.scores.length;
  const nValues = columns.length - 2;
  const names = ["leaddef_blank", "leaddef_reject", "leaddef_id", "leaddef_stage", ...Array.from({ length: nValues }, (_, i) => `leaddef_v${i}`)];
  const result = `(${query}) AS leaddef_q(${names.join(", ")})`;

  // One pass over the input, in parallel, into a small table kept in input order: its rowid is
  // the row's position in the file. That holds only when every operator of the plan keeps row
  // order (scans, projections, filters); otherwise (a join, say) the rows are numbered first,
  // which serialises the scan, and `pos` is that number.
  await con.run(MACROS);
  const plan = await con.runAndReadAll(`EXPLAIN (FORMAT json) SELECT ${names.join(", ")} FROM ${result}`);
  const ordered = keepsOrder(JSON.parse(String(plan.getRows()[0]?.[1] ?? "[]")));
  const pos = ordered ? "rowid" : "leaddef_pos";
  const numbered = ordered ? result : `(SELECT *, row_number() OVER () - 1 AS leaddef_pos FROM ${result})`;
  await con.run(`CREATE TEMP TABLE leaddef_result AS SELECT ${names.join(", ")}${ordered ? "" : ", leaddef_pos"} FROM ${numbered}`);

  if (o.inputFormat === "jsonl") {
    // Rows without an id are numbered by non-blank lines: subtract the blank lines before them.
    const missing = await con.runAndReadAll("SELECT count(*) FROM leaddef_result WHERE leaddef_id IS NULL AND NOT leaddef_blank");
    if (Number(missing.getRows()[0][0]) > 0) {
      const blanks = await con.runAndReadAll(`SELECT ${pos} FROM leaddef_result WHERE leaddef_blank ORDER BY ${pos} LIMIT 201`);
      const b = blanks.getRows().map((r) => Number(r[0]));
      if (b.length > 200) return fallback("too many blank lines in a JSON Lines file whose rows lack ids");
      const cases = b.map((r, k) => [r, k + 1] as const).reverse();
      if (b.length) recordNumber = (p) => `${p} + 1 + CASE ${cases.map(([r, k]) => `WHEN ${p} > ${r} THEN ${-k}`).join(" ")} ELSE 0 END`;
    }
  }
  const idOut = `COALESCE(leaddef_id, CAST(${recordNumber(pos)} AS VARCHAR))`;

  // Rejected rows and stage counts: small.
  const summary = await con.runAndReadAll(
    `SELECT CASE WHEN leaddef_reject IS NULL THEN NULL ELSE ${pos} + 1 END AS r, CASE WHEN leaddef_reject IS NULL THEN NULL ELSE ${idOut} END, leaddef_reject, CASE WHEN leaddef_reject IS NULL THEN leaddef_stage END, count(*) FROM leaddef_result WHERE NOT leaddef_blank GROUP BY ALL ORDER BY r NULLS FIRST`,
  );
  const stageCounts = new Map<string, number>([["none", 0], ...program.stages.map((s) => [s, 0] as [string, number])]);
  const rejects: Reject[] = [];
  let duckRows = 0;
  for (const row of summary.getRows()) {
    const n = Number(row[4]);
    duckRows += n;
    const reject = row[2] as { entries: { field: string; value: string | null; code: string | null } } | null;
    if (!reject) {
      const stage = String(row[3]);
      stageCounts.set(stage, (stageCounts.get(stage) ?? 0) + n);
      continue;
    }
    const g = Number(row[0]);
    const e = reject.entries;
    const line = scan ? lookup(scan, g).line : o.inputFormat === "parquet" ? g + 1 : g;
    if (e.code === BAD_JSON) {
      const text = e.value ?? "";
      let reason: Reason = { code: "not-an-object" };
      try {
        const v: unknown = JSON.parse(text);
        if (v !== null && typeof v === "object" && !Array.isArray(v)) return fallback(`DuckDB and JSON.parse disagree about line ${line}`);
      } catch (err) {
        reason = { code: "not-json", detail: (err as Error).message };
      }
      rejects.push({ line, id: "", field: "", value: text.slice(0, 200), reason });
      continue;
    }
    const field = fields.find((f) => f.path === e.field);
    if (!field) throw new Error(`internal: a reject names no field (${e.field})`);
    rejects.push({ line, id: String(row[1] ?? ""), field: e.field, value: e.value ?? "", reason: reasonOf(field, e.code ?? "", e.value ?? "") });
  }
  if (scan) {
    if (duckRows !== scan.good) return fallback(`DuckDB's CSV reader and the JS reader split the file differently (${duckRows} and ${scan.good} rows)`);
    rejects.push(...scan.bad.map(({ record: _, ...r }) => r));
    rejects.sort((a, b) => a.line - b.line);
  }
  const rowsRejected = rejects.length;
  const rowsRead = scan ? scan.records : duckRows;

  let rowsWritten = 0;
  const copyCsv = o.output !== undefined && o.outputFormat === "csv";
  const header = columns.map(csvCell).join(",");
  const good = `FROM leaddef_result WHERE leaddef_reject IS NULL AND NOT leaddef_blank`;
  if (copyCsv) {
    // Formatted as the JS writer formats it.
    const formatted = Array.from({ length: nValues }, (_, i) =>
      i < nScores ? `leaddef_js_num(CAST(leaddef_v${i} AS DOUBLE))` : `CASE WHEN leaddef_v${i} THEN 'true' WHEN NOT leaddef_v${i} THEN 'false' ELSE 'undefined' END`);
    const line = `concat_ws(',', ${csvCellSql(idOut)}, leaddef_stage${formatted.map((f) => `, ${f}`).join("")})`;
    const copied = await con.runAndReadAll(
      `COPY (SELECT ${line} AS ${q(header)} ${good}${ordered ? "" : ` ORDER BY ${pos}`}) TO ${lit(o.output!)} (FORMAT csv, HEADER true, QUOTE '', ESCAPE '', DELIMITER E'\\x01', NEW_LINE E'\\n')`,
    );
    rowsWritten = Number(copied.getRows()[0]?.[0] ?? 0);
  } else {
    const outWriter = new BufferedWriter(o.output ?? process.stdout);
    const results = new ResultWriter(outWriter, o.outputFormat, columns);
    const values: unknown[] = new Array(nValues + 1);
    try {
      results.header();
      const stream = await con.stream(`SELECT ${idOut}, leaddef_stage${names.slice(4).map((n) => `, ${n}`).join("")} ${good} ORDER BY ${pos}`);
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

/** Whether a physical plan (EXPLAIN FORMAT json) keeps its scan's row order: only scans, projections and filters. */
function keepsOrder(nodes: { name?: string; children?: unknown[] }[]): boolean {
  return nodes.every((n) => /^(PROJECTION|FILTER|READ_CSV|READ_PARQUET|TABLE_SCAN|PARQUET_SCAN|READ_CSV_AUTO)$/.test(String(n.name ?? "").trim()) && keepsOrder((n.children ?? []) as never));
}
