import { isJsonLinesPath } from "./event-rows.js";
import type { IdOrder, IdOrderCheck } from "./id-order.js";

/** What the merge join was for, to explain a refusal. */
export interface MergeContext {
  /** The merged `--events` pairs (`activity=events.csv`). */
  events: string[];
  budgetMB: number;
  /** The --events-memory that would join every merged file in memory instead. */
  neededMB: number;
  idColumn: string;
}

const ORDER_WORDS: Record<IdOrder, string> = {
  numeric: "numeric order, as every id is an integer",
  string: "code-point order of the text, as not every id is an integer",
};

/**
 * A DuckDB statement that writes `path` sorted by id in `order`, keeping the file's order within
 * an id (DuckDB's ORDER BY is not stable, so the row number breaks ties); every cell is read as
 * text so nothing is retyped or reformatted. Tested by running it (test/events-merge.test.ts).
 */
export function duckdbSortStatement(path: string, idColumn: string, order: IdOrder): string {
  const file = `'${path.replaceAll("'", "''")}'`;
  const id = `"${idColumn.replaceAll('"', '""')}"`;
  const key = order === "numeric" ? `CAST(${id} AS HUGEINT)` : id;
  if (isJsonLinesPath(path)) {
    const out = `'${path.replace(/\.(jsonl|ndjson)$/i, "").replaceAll("'", "''")}.sorted.jsonl'`;
    return `COPY (SELECT * EXCLUDE (leaddef_row) FROM (SELECT *, row_number() OVER () AS leaddef_row FROM read_json(${file}, format = 'newline_delimited')) ORDER BY ${key}, leaddef_row) TO ${out} (FORMAT json);`;
  }
  const out = `'${path.replace(/\.csv$/i, "").replaceAll("'", "''")}.sorted.csv'`;
  return `COPY (SELECT * EXCLUDE (leaddef_row) FROM (SELECT *, row_number() OVER () AS leaddef_row FROM read_csv(${file}, all_varchar = true)) ORDER BY ${key}, leaddef_row) TO ${out} (HEADER);`;
}

/** Why a run with a merged events file refuses to start: the file, line and ids out of order, and the ways out. */
export function unsortedMessage(check: IdOrderCheck, order: IdOrder, context: MergeContext): string {
  const at = check.breaks[order]!;
  return [
    `${check.path}:${at.line}: not sorted by ${context.idColumn}: \`${at.id}\` comes after \`${at.previous}\` (${ORDER_WORDS[order]})`,
    `--events ${context.events.join(" ")} is above --events-memory ${context.budgetMB} MB, so it is joined by streaming, which needs the leads and the events sorted by ${context.idColumn} in the same order; nothing was written. Either:`,
    `  sort both files by ${context.idColumn}, e.g. for this one in DuckDB: ${duckdbSortStatement(check.path, context.idColumn, order)}`,
    `  or join in memory, in any order, with --events-memory ${context.neededMB} (it takes about 5 times the events file's size in memory)`,
  ].join("\n");
}
