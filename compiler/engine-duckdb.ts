import { closeSync, mkdtempSync, openSync, readSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { formatDateDays } from "../language/literals.js";
import type { RunOptions } from "./batch/run-js.js";
import { resultColumns } from "./batch/run-js.js";
import { BufferedWriter, csvCell, REJECT_COLUMNS, ResultWriter } from "./batch/output.js";
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

/**
 * Scores a CSV, JSON Lines or Parquet file with DuckDB running the generated SQL: DuckDB reads
 * the file (streaming, spilling to disk past `memoryLimit`), checks every value against the
 * schema as the JS readers do, and computes stages and scores; rows come back in input order
 * and are written by the same writers as the JS engine, so the output bytes are the same.
 */
export async function runDuckdb(o: DuckdbRunOptions): Promise<RunSummary> {
  const started = performance.now();
  const { program } = o;
  const ownTemp = o.tempDirectory === undefined;
  const temp = o.tempDirectory ?? mkdtempSync(join(tmpdir(), "leaddef-duckdb-"));
  const db = await DuckDBInstance.create(":memory:", {
    memory_limit: o.memoryLimit ?? "1GB",
    temp_directory: temp,
    preserve_insertion_order: "true",
    ...(o.threads ? { threads: String(o.threads) } : {}),
  });
  const con = await db.connect();
  const path = lit(o.input);
  const fields = program.fields;
  let raw: string;
  let fieldSql: FieldSql[];
  let idSql: string;
  let unknownColumns: string[] = [];
  let absentFields: string[] = [];
  if (o.inputFormat === "jsonl") {
    raw = `(SELECT json AS j, row_number() OVER () AS leaddef_line FROM read_ndjson_objects(${path}))`;
    fieldSql = fields.map(jsonField);
    const id = `json_extract(j, ${lit(`$."${o.idColumn}"`)})`;
    idSql = `CASE WHEN ${id} IS NULL OR json_type(${id}) = 'NULL' THEN CAST(leaddef_line AS VARCHAR) WHEN json_type(${id}) = 'VARCHAR' THEN json_extract_string(${id}, '$') ELSE CAST(${id} AS VARCHAR) END`;
  } else {
    let reader: string;
    let header: string[];
    if (o.inputFormat === "csv") {
      header = csvHeader(o.input);
      const cols = header.map((h) => `${lit(h)}: 'VARCHAR'`).join(", ");
      reader = `read_csv(${path}, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', columns = {${cols}})`;
    } else {
      reader = `read_parquet(${path})`;
      header = await columnsOf(con, reader);
    }
    const present = new Set(header);
    const known = new Set([...fields.map((f) => f.path), o.idColumn]);
    unknownColumns = header.filter((h) => h && !known.has(h));
    absentFields = fields.filter((f) => !present.has(f.path)).map((f) => f.path);
    // Parquet columns are read as text and checked like CSV cells, except lists and typed values.
    const textCols = header.map((h) => (o.inputFormat === "parquet" ? `CAST(${q(h)} AS VARCHAR) AS ${q(h)}` : q(h)));
    raw = `(SELECT ${textCols.join(", ")}, row_number() OVER () AS leaddef_line FROM ${reader})`;
    fieldSql = fields.map((f) => csvField(f, present.has(f.path) ? f.path : undefined));
    // Data starts on line 2 (after the header); with no id column, the id is the row number.
    idSql = present.has(o.idColumn) ? `COALESCE(${q(o.idColumn)}, '')` : "CAST(leaddef_line AS VARCHAR)";
  }
  const rejectWhens = fieldSql.map((f) => f.rejectWhen).filter((w) => w !== "FALSE");
  const rejectCase = rejectWhens.length
    ? `CASE ${fieldSql.filter((f) => f.rejectWhen !== "FALSE").map((f) => `WHEN ${f.rejectWhen} THEN ${f.reject}`).join(" ")} END`
    : "NULL";
  const typed = `(SELECT leaddef_line, ${idSql} AS leaddef_id, ${rejectCase} AS leaddef_reject, ${fieldSql.map((f, i) => `${f.value} AS f${i}`).join(", ")} FROM ${raw})`;
  const asOf = formatDateDays(o.asOf);
  const query = emitSql(program.ir, {
    dialect: "duckdb",
    asOf,
    columns: o.columns,
    source: { from: typed, passthrough: ["leaddef_line", "leaddef_reject"] },
  }).replace(/;\s*$/, "");

  const columns = resultColumns(program, o.columns);
  const nValues = columns.length - 2;
  const stageNames = program.stages;
  const stageCounts = new Map<string, number>([["none", 0], ...stageNames.map((s) => [s, 0] as [string, number])]);
  const outWriter = new BufferedWriter(o.output ?? process.stdout);
  const results = new ResultWriter(outWriter, o.outputFormat, columns);
  let rejectWriter: BufferedWriter | undefined;
  let rowsRead = 0;
  let rejected = 0;
  const values: (number | boolean)[] = new Array(nValues);
  const lineOffset = o.inputFormat === "csv" || o.inputFormat === "parquet" ? 1 : 0;
  try {
    await results.header();
    const result = await con.stream(`SELECT * FROM (${query}) ORDER BY leaddef_line`);
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const rows = chunk.getRows();
      for (const row of rows) {
        rowsRead++;
        const reject = row[1] as { entries: { field: string; value: string; reason: string } } | null;
        const id = String(row[2] ?? "");
        if (reject) {
          rejected++;
          if (!rejectWriter) {
            rejectWriter = new BufferedWriter(o.rejectsPath);
            await rejectWriter.write(`${REJECT_COLUMNS.join(",")}\n`);
          }
          const e = reject.entries;
          await rejectWriter.write(`${Number(row[0]) + lineOffset},${csvCell(id)},${csvCell(e.field)},${csvCell(e.value ?? "")},${csvCell(e.reason ?? "")}\n`);
          continue;
        }
        const stage = String(row[3]);
        stageCounts.set(stage, (stageCounts.get(stage) ?? 0) + 1);
        // ResultWriter.row reads the values from index 1 (index 0 is the evaluator's stage slot).
        for (let i = 0; i < nValues; i++) values[1 + i] = row[4 + i] as number | boolean;
        results.row(id, stage, values, nValues);
        await outWriter.maybeFlush();
      }
    }
  } finally {
    await outWriter.close();
    await rejectWriter?.close();
    con.closeSync();
    db.closeSync();
    if (ownTemp) rmSync(temp, { recursive: true, force: true });
  }
  return {
    engine: "duckdb",
    rowsRead,
    rowsWritten: rowsRead - rejected,
    rowsRejected: rejected,
    stages: [...stageCounts].map(([name, count]) => ({ name, count })),
    unknownColumns,
    absentFields,
    rejectsPath: rejected > 0 ? o.rejectsPath : undefined,
    output: o.output,
    seconds: (performance.now() - started) / 1000,
  };
}
