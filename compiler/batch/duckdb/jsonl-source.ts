import type { IrField } from "../../ir.js";
import { DIALECTS } from "../../sql/sql-dialects.js";
import { JS_SPACE, json, jsonStr } from "../../runtime/codecs/sql-text.js";
import { readBufferOption, repeatedKeySql } from "./readers.js";

/**
 * The DuckDB engine's two readings of a JSON Lines file, as one row per line in file order with
 * the columns the engine's query reads: `leaddef_blank`, `leaddef_text` (the line, for lines
 * DuckDB cannot parse), `leaddef_bad` (not a JSON object), `leaddef_duplicate` (an object read
 * repeats a key read), `x0…` (each field's JSON value, NULL when absent or `null`) and
 * `leaddef_id` (NULL: the record number, filled in afterwards).
 */
const lit = DIALECTS.duckdb.string;
const q = DIALECTS.duckdb.ident;

/**
 * Where a field's value is, in the order read: a field bound to a key (`from "…"`) that key;
 * others their nested path, then (with `flatKeys`) their flat dotted key. A file none of whose
 * keys holds a dot or a backslash (`JsonlScan.dottedKeys`) has no flat dotted key to read:
 * asking `read_json` for them anyway cost ~0.4 s of CPU per million lines.
 */
function fieldPaths(f: IrField, flatKeys: boolean): string[][] {
  return f.column !== f.path ? [[f.column]] : f.segments.length > 1 && flatKeys ? [f.segments, [f.path]] : [f.segments];
}

/** Every JSON path the fields and the id are read from (the structure DuckDB parses a line into). */
export function jsonPaths(fields: readonly IrField[], idColumn: string, flatKeys: boolean): string[][] {
  return [...fields.flatMap((f) => fieldPaths(f, flatKeys)), [idColumn]];
}

/**
 * The fields' values (`x0…`) and the id over `at`, which reads one JSON path; `notObject`, when
 * given, is the test for a line that is not an object, whose id is '' (its reject shows none).
 */
function valueColumns(fields: readonly IrField[], idColumn: string, flatKeys: boolean, at: (segs: string[]) => string, notObject?: string): string {
  const xs = fields.map((f, i) => {
    const found = fieldPaths(f, flatKeys).map(at);
    return `${found.length > 1 ? `COALESCE(${found.join(", ")})` : found[0]} AS x${i}`;
  });
  const id = at([idColumn]);
  return `${xs.join(", ")}, CASE ${notObject ? `WHEN ${notObject} THEN '' ` : ""}WHEN ${id} IS NULL THEN NULL WHEN ${json.isString(id)} THEN ${jsonStr(id)} ELSE CAST(${id} AS VARCHAR) END AS leaddef_id`;
}

/**
 * How `objectsSource` reads: with the flat dotted keys or not (`JsonlScan.dottedKeys`), and list
 * fields as VARCHAR[] or as JSON text (`JsonlScan.nonStringItems`).
 */
export interface ObjectsReading {
  flatKeys: boolean;
  typedLists: boolean;
}

/** The reading that holds for any file: every flat dotted key asked for, list fields as JSON. */
export const CAUTIOUS_READING: Readonly<ObjectsReading> = Object.freeze({ flatKeys: true, typedLists: false });

/** A JSON path as a set key. */
const pathKey = (segs: string[]) => JSON.stringify(segs);

/**
 * The list fields `objectsSource` reads as VARCHAR[] (their value is then the list itself): in a
 * file whose arrays hold strings only, an array of strings reads as JSON.parse reads it, and any
 * other value (a string spelling a list, a number) fails the query (`Expected ARRAY`), which is
 * then run again with the lists as JSON. A list field one of whose keys another field or the id
 * also reads stays JSON. None without `typedLists`.
 */
export function typedListFields(fields: readonly IrField[], idColumn: string, reading: ObjectsReading): Set<IrField> {
  if (!reading.typedLists) return new Set();
  const others = new Set([...fields.filter((f) => f.kind !== "list").flatMap((f) => fieldPaths(f, reading.flatKeys)), [idColumn]].map(pathKey));
  return new Set(fields.filter((f) => f.kind === "list" && fieldPaths(f, reading.flatKeys).every((segs) => !others.has(pathKey(segs)))));
}

/**
 * One parse per line: DuckDB's `read_json` reads every line as an object into the structure of
 * the keys read (each leaf as its JSON text). Exact only for a file whose every line is a JSON
 * object that JSON.parse reads the same (`scanJsonl`'s `objectsOnly`): `read_json` skips blank
 * lines, and fails the query on a line it cannot parse, on a line that is not an object and on
 * an object repeating a key read — the caller then reads the file by lines instead. `typedLists`
 * are the list fields read as VARCHAR[] (`typedListFields` of the same reading, which the caller
 * also reads the values by).
 */
export function objectsSource(path: string, fields: readonly IrField[], idColumn: string, structure: Record<string, unknown>, flatKeys: boolean, typedLists: ReadonlySet<IrField>): string {
  const typed = new Set([...typedLists].flatMap((f) => fieldPaths(f, flatKeys)).map(pathKey));
  const typeOf = (node: unknown, at: string[]): string =>
    node === "JSON"
      ? typed.has(pathKey(at)) ? "VARCHAR[]" : "JSON"
      : `STRUCT(${Object.entries(node as Record<string, unknown>).map(([k, v]) => `${q(k)} ${typeOf(v, [...at, k])}`).join(", ")})`;
  const columns = Object.entries(structure).map(([k, v]) => `${lit(k)}: ${lit(typeOf(v, [k]))}`).join(", ");
  // The first key is a column of read_json; the rest are fields of its structs.
  const at = (segs: string[]) => segs.slice(1).reduce((e, k) => `struct_extract(${e}, ${lit(k)})`, q(segs[0]));
  const reader = `read_json(${lit(path)}, format = 'newline_delimited', records = true, columns = {${columns}})`;
  return `(SELECT FALSE AS leaddef_blank, CAST(NULL AS VARCHAR) AS leaddef_text, FALSE AS leaddef_bad, FALSE AS leaddef_duplicate, ${valueColumns(fields, idColumn, flatKeys, at)} FROM ${reader})`;
}

/**
 * Every physical line as text (a blank line is NULL, so rowid + 1 is the line number), parsed
 * when it is a JSON object (valid, and starting with `{`) into the JSON value of every key read,
 * its keys listed for the repeated-key test. Reads any file `scanJsonl` gives no `why` for.
 */
export function linesSource(path: string, fields: readonly IrField[], idColumn: string, structure: Record<string, unknown>, longestLine: number): string {
  const maxLine = Math.max(2_000_000, longestLine + 16);
  const lines = `read_csv(${lit(path)}, header = false, auto_detect = false, delim = E'\\x01', quote = '', escape = '', strict_mode = false, max_line_size = ${maxLine}, ${readBufferOption(maxLine)}, columns = {'t': 'VARCHAR'})`;
  const at = (segs: string[]) => segs.reduce((e, k) => `struct_extract(${e}, ${lit(k)})`, "leaddef_doc");
  const doc = `CASE WHEN NOT leaddef_blank AND json_valid(leaddef_text) AND regexp_matches(leaddef_text, '^[ \\t]*[{]') THEN json_transform(leaddef_text, ${lit(JSON.stringify(structure))}) END`;
  const text = `CASE WHEN starts_with(t, chr(65279)) THEN substr(t, 2) ELSE t END`;
  const blank = `(t IS NULL OR regexp_full_match(t, ${lit(`${JS_SPACE}*`)}))`;
  const repeats = repeatedKeySql(structure);
  // An object line's keys, listed once (the test reads them twice).
  const keyed = `(SELECT *, CASE WHEN leaddef_doc IS NOT NULL THEN ${repeats.keys("leaddef_text")} END AS leaddef_keys FROM (SELECT leaddef_blank, leaddef_text, ${doc} AS leaddef_doc FROM (SELECT ${blank} AS leaddef_blank, ${text} AS leaddef_text FROM ${lines})))`;
  return `(SELECT leaddef_blank, leaddef_text, leaddef_doc IS NULL AS leaddef_bad, ${repeats.repeated("leaddef_keys")} AS leaddef_duplicate, ${valueColumns(fields, idColumn, true, at, "leaddef_doc IS NULL")} FROM ${keyed})`;
}
