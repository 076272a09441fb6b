import { accessSync, constants } from "node:fs";
import type { DuckDBConnection } from "@duckdb/node-api";
import type { IrField, IrProgram, IrStream } from "../../ir.js";
import { DIALECTS } from "../../sql/sql-dialects.js";
import { reasonOf } from "../../runtime/codecs/codec.js";
import { reasonText } from "../../runtime/codecs/reasons.js";
import { JS_SPACE, json, jsonStr } from "../../runtime/codecs/sql-text.js";
import { csvDialect } from "../sources/csv-dialect.js";
import { InputError } from "../sources/inputs.js";
import { csvField, readBufferOption, repeatedKeySql, jsonField, jsonStructure, type FieldSql } from "./readers.js";
import { quickScanCsv } from "./quick-scan.js";
import { csvNewLine, scanCsv, type CsvScan } from "./scan.js";
import { scanJsonl } from "./jsonl-scan.js";

/**
 * The DuckDB engine's event streams: each `--events STREAM=FILE` read by DuckDB into a typed
 * table (spilling past the memory limit, so the join is out of core), each event's cells read by
 * the same codecs as the JS engine's generated stream readers (events.ts in the evaluator), and
 * the first unreadable event of each lead kept with its position, so that the lead is rejected
 * with the JS engine's words. A stream with no file gets an empty table of the same shape.
 *
 * Each table has `leaddef_lead` (the lead id the event joins on, text as the JS join keys it),
 * one column per event field named by its
 * `column` (typed as the SQL emitter's stream subqueries read it) and `leaddef_problem` (the
 * event's first unreadable field, NULL when readable); it is filled in file order, so its rowid
 * is the event's position in the file (DuckDB runs with preserve_insertion_order).
 */
const lit = DIALECTS.duckdb.string;
const q = DIALECTS.duckdb.ident;

/** The id column of the event tables: not a name a field can take (the SQL emitter is told it). */
export const EVENT_LEAD = "leaddef_lead";

/** The table of stream s. */
export const eventTable = (s: number) => `leaddef_ev${s}`;

/** Every lead's first unreadable event, per stream: (stream, lead, k — its position among the lead's events —, problem). */
export const BAD_EVENTS = "leaddef_bad_events";

/** The event files loaded, or why DuckDB cannot read them as the JS engine does (the run is then handed over). */
export type EventTables = { why: string } | { why?: undefined; rows: Map<number, number> };

/**
 * Loads one table per stream of `ir` (from its file in `files`, stream name → path, or empty)
 * and the table of bad events. A file that cannot be opened, or a CSV without the id column,
 * is the InputError the JS engine's reader gives.
 */
export async function loadEventTables(con: DuckDBConnection, ir: IrProgram, files: Readonly<Record<string, string>>, idColumn: string): Promise<EventTables> {
  const rows = new Map<number, number>();
  for (const st of ir.streams) {
    const path = files[st.name];
    if (st.fields.some((f) => f.segments.join(".") === idColumn)) return { why: `stream ${st.name} has a field named like the id column` };
    if (path === undefined) {
      // Typed like a file's table (NULL cells read by the same codecs), with no rows.
      const cells = st.fields.map((_, j) => `, CAST(NULL AS VARCHAR) AS c${j}`).join("");
      await con.run(`CREATE OR REPLACE TEMP TABLE ${eventTable(st.index)} AS ${typedEvents(st, csvFieldsOver(st, (f) => `c${f.index}`), `(SELECT CAST(NULL AS VARCHAR) AS leaddef_id${cells} WHERE FALSE)`)}`);
      continue;
    }
    try {
      accessSync(path, constants.R_OK);
    } catch (e) {
      throw new InputError(`--events ${st.name}=${path}: ${(e as Error).message}`);
    }
    const loaded = /\.(jsonl|ndjson)$/i.test(path) ? await loadJsonl(con, st, path, idColumn) : await loadCsv(con, st, path, idColumn);
    if (typeof loaded === "string") return { why: `the events file ${path} has ${loaded}` };
    rows.set(st.index, loaded);
  }
  const perStream = ir.streams.map((st) => {
    const t = eventTable(st.index);
    // A table's rowid is its event's position in the file: it was filled in file order.
    const first = `SELECT ${EVENT_LEAD} AS lead, min(rowid) AS seq, arg_min(leaddef_problem, rowid) AS problem FROM ${t} WHERE leaddef_problem IS NOT NULL GROUP BY ALL`;
    return `SELECT ${st.index} AS stream, b.lead, b.problem, (SELECT count(*) FROM ${t} AS e WHERE e.${EVENT_LEAD} = b.lead AND e.rowid <= b.seq) AS k FROM (${first}) AS b`;
  });
  await con.run(`CREATE OR REPLACE TEMP TABLE ${BAD_EVENTS} AS ${perStream.join(" UNION ALL ")}`);
  return { rows };
}

/**
 * The SELECT of a stream's typed table over `from`, whose columns are the text (or JSON) cells
 * `fieldSql` reads and `leaddef_id`. Values in one step, problems over them in the next, as the
 * leads' readers do (run.ts); an integer field's value must be whole.
 */
function typedEvents(st: IrStream, fieldSql: FieldSql[], from: string): string {
  const values = `SELECT leaddef_id, ${fieldSql.map((f, j) => `${f.present} AS p${j}, ${f.value} AS v${j}, ${f.reject} AS r${j}`).join(", ")} FROM ${from}`;
  const problems = st.fields.map((f, j) => {
    const whole = f.kind === "number" && f.integer;
    const bad = whole ? `(v${j} IS NULL OR v${j} <> floor(v${j}) OR isinf(v${j}))` : `v${j} IS NULL`;
    const missing = f.optional ? "" : `WHEN NOT p${j} THEN {'field': ${lit(f.path)}, 'value': '', 'code': 'required-missing'} `;
    const unreadable = fieldSql[j].reject === "NULL" ? "" : `WHEN p${j} AND ${bad} THEN r${j} `;
    return missing || unreadable ? `CASE ${missing}${unreadable}END` : "NULL";
  });
  const typed = st.fields.map((f, j) => (f.kind === "number" && f.integer ? `CASE WHEN v${j} = floor(v${j}) AND NOT isinf(v${j}) THEN v${j} END` : `v${j}`) + ` AS ${q(f.column)}`);
  // COALESCE of structs would need one struct type; the first problem in field order is a CASE.
  const first = problems.filter((p) => p !== "NULL");
  const problem = first.length ? `CASE ${first.map((p) => `WHEN ${p} IS NOT NULL THEN ${p}`).join(" ")} END` : `CAST(NULL AS STRUCT(field VARCHAR, value VARCHAR, code VARCHAR))`;
  return `SELECT leaddef_id AS ${EVENT_LEAD}, ${typed.join(", ")}, ${problem} AS leaddef_problem FROM (${values})`;
}

/** Each field of the stream read from a text cell: `col(f)` names its column, undefined when the file has none. */
function csvFieldsOver(st: IrStream, col: (f: IrField) => string | undefined): FieldSql[] {
  // Event cells are read as the stream readers read them: no decimal comma, an empty cell is missing.
  return st.fields.map((f) => csvField(f, col(f)));
}

/** A CSV events file: its rows count, or why DuckDB cannot read it as the JS event reader does. */
async function loadCsv(con: DuckDBConnection, st: IrStream, path: string, idColumn: string): Promise<number | string> {
  const { delimiter, trailer } = csvDialect(path);
  if (trailer) return "a report trailer";
  let scan: CsvScan | undefined = quickScanCsv(path, delimiter);
  scan ??= await scanCsv(path, idColumn, delimiter);
  if (scan.header.length === 0) throw new InputError(`--events ${st.name}=${path}: the CSV file has no header row`);
  const idIndex = scan.header.indexOf(idColumn);
  if (idIndex < 0) throw new InputError(`--events ${st.name}=${path}: no \`${idColumn}\` column (the leads' id column) to join the events on`);
  if (scan.bad.length) return `${scan.bad.length} malformed CSV records`;
  if (scan.invalidUtf8) return "bytes that are not UTF-8";
  const newLine = csvNewLine(scan);
  if (!newLine) return "mixed line ends";
  if (new Set(scan.header).size !== scan.header.length) return "a repeated column name";
  const position = new Map(scan.header.map((h, i) => [h, i]));
  // An event's field is its cell under the field's (dotted) path, as the JS reader looks it up.
  const col = (f: IrField) => (position.has(f.segments.join(".")) ? `c${position.get(f.segments.join("."))}` : undefined);
  const cols = scan.header.map((_, i) => `${lit(`c${i}`)}: 'VARCHAR'`).join(", ");
  const reader = `read_csv(${lit(path)}, header = true, auto_detect = false, delim = ${lit(delimiter)}, quote = '"', escape = '"', new_line = ${lit(newLine)}, ignore_errors = true, ${readBufferOption()}, columns = {${cols}})`;
  // An empty cell (quoted or not) is a missing value, as in the JS reader.
  const cells = scan.header.map((_, i) => (i === idIndex ? `COALESCE(c${i}, '') AS leaddef_id` : `NULLIF(c${i}, '') AS c${i}`));
  await con.run(`CREATE OR REPLACE TEMP TABLE ${eventTable(st.index)} AS ${typedEvents(st, csvFieldsOver(st, col), `(SELECT ${cells.join(", ")} FROM ${reader})`)}`);
  const n = Number((await con.runAndReadAll(`SELECT count(*) FROM ${eventTable(st.index)}`)).getRows()[0][0]);
  if (n !== scan.good) {
    if (scan.widthsChecked) return `records DuckDB's reader splits differently (${n} and ${scan.good} rows)`;
    // The quick scan does not count cells: a full scan tells whether DuckDB skipped a short or long record.
    const full = await scanCsv(path, idColumn, delimiter);
    return full.bad.length ? `${full.bad.length} malformed CSV records` : `records DuckDB's reader splits differently (${n} and ${full.good} rows)`;
  }
  return n;
}

/** A JSON Lines events file: its rows count, or why DuckDB cannot read it as the JS event reader does. */
async function loadJsonl(con: DuckDBConnection, st: IrStream, path: string, idColumn: string): Promise<number | string> {
  // The leads' scan: lines DuckDB splits differently, and literals its JSON parser accepts and JSON.parse does not.
  const { why, longestLine } = await scanJsonl(path);
  if (why) return why;
  // A field reads its nested path, then its flat dotted key (the stream readers' eventValue).
  const paths = [...st.fields.flatMap((f) => (f.segments.length > 1 ? [f.segments, [f.segments.join(".")]] : [f.segments])), [idColumn]];
  const structure = jsonStructure(paths);
  if (!structure) return "a field's key that is also another field's parent object";
  const lineLimit = Math.max(2_000_000, longestLine + 16);
  const lines = `read_csv(${lit(path)}, header = false, auto_detect = false, delim = E'\\x01', quote = '', escape = '', strict_mode = false, max_line_size = ${lineLimit}, ${readBufferOption(lineLimit)}, columns = {'t': 'VARCHAR'})`;
  const text = `CASE WHEN starts_with(t, chr(65279)) THEN substr(t, 2) ELSE t END`;
  const doc = `CASE WHEN json_valid(leaddef_text) AND regexp_matches(leaddef_text, '^[ \\t]*[{]') THEN json_transform(leaddef_text, ${lit(JSON.stringify(structure))}) END`;
  const at = (segs: string[]) => segs.reduce((e, k) => `struct_extract(${e}, ${lit(k)})`, "leaddef_doc");
  // "" is a missing value, as JSON null and an absent key are.
  const present = (x: string) => `CASE WHEN CAST(${x} AS VARCHAR) <> '""' THEN ${x} END`;
  const xs = st.fields.map((f, j) => `${present(f.segments.length > 1 ? `COALESCE(${at(f.segments)}, ${at([f.segments.join(".")])})` : at(f.segments))} AS x${j}`);
  const id = at([idColumn]);
  // Lines the JS reader skips with a warning (not JSON, not an object, no id) or reads otherwise (a repeated key) send the run to it.
  const repeats = repeatedKeySql(structure);
  const parsed = `(SELECT *, CASE WHEN leaddef_doc IS NOT NULL THEN ${repeats.keys("leaddef_text")} END AS leaddef_keys FROM (SELECT leaddef_text, ${doc} AS leaddef_doc FROM (SELECT ${text} AS leaddef_text FROM ${lines} WHERE t IS NOT NULL AND NOT regexp_full_match(t, ${lit(`${JS_SPACE}*`)}))))`;
  // An id that is not a string is keyed by its JSON text in JS (JSON.stringify); DuckDB keeps the
  // text as written, which agrees for whole numbers written plainly only (not `1.0`, `1e3`).
  const oddId = `(NOT ${json.isString(id)} AND NOT regexp_full_match(CAST(${id} AS VARCHAR), '-?(0|[1-9][0-9]{0,14})'))`;
  const rows = `(SELECT leaddef_doc IS NULL OR ${id} IS NULL OR ${oddId} OR ${repeats.repeated("leaddef_keys")} AS leaddef_odd, CASE WHEN ${json.isString(id)} THEN ${jsonStr(id)} ELSE CAST(${id} AS VARCHAR) END AS leaddef_id, ${xs.join(", ")} FROM ${parsed})`;
  await con.run(`CREATE OR REPLACE TEMP TABLE leaddef_evjson AS SELECT * FROM ${rows}`);
  const odd = Number((await con.runAndReadAll("SELECT count(*) FROM leaddef_evjson WHERE leaddef_odd")).getRows()[0][0]);
  if (odd) return `${odd} lines that are not JSON objects with a string or whole-number id, or repeat a key`;
  await con.run(`CREATE OR REPLACE TEMP TABLE ${eventTable(st.index)} AS ${typedEvents(st, st.fields.map((f, j) => jsonField(f, `x${j}`)), "leaddef_evjson")}`);
  await con.run("DROP TABLE leaddef_evjson");
  return Number((await con.runAndReadAll(`SELECT count(*) FROM ${eventTable(st.index)}`)).getRows()[0][0]);
}

/**
 * The JS engine's reason for a lead whose event is unreadable: stream, event position, field
 * (events.ts in the generated evaluator words it the same way).
 */
export function badEventText(st: IrStream, k: number, problem: { field: string; value: string | null; code: string | null }): string {
  const field = st.fields.find((f) => f.path === problem.field);
  if (!field) throw new Error(`internal: a bad event names no field (${problem.field})`);
  if (problem.code === "required-missing") return `stream ${st.name}, event ${k}: ${field.path} is required`;
  return `stream ${st.name}, event ${k}, field ${field.path}: ${reasonText(reasonOf(field, problem.code ?? "", problem.value ?? ""))}`;
}

/** Per stream with a file: how many of its events belong to ids the leads do not have (`leads`: a table with `leaddef_id`). */
export async function unmatchedEvents(con: DuckDBConnection, ir: IrProgram, files: Readonly<Record<string, string>>, leads: string): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for (const st of ir.streams) {
    if (files[st.name] === undefined) continue;
    const r = await con.runAndReadAll(`SELECT count(*) FROM ${eventTable(st.index)} AS e WHERE NOT EXISTS (SELECT 1 FROM ${leads} AS l WHERE l.leaddef_id = e.${EVENT_LEAD})`);
    out.set(st.index, Number(r.getRows()[0][0]));
  }
  return out;
}
