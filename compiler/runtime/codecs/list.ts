import { readFailure } from "./reasons.js";
import { DUCKDB_TEXT, json, jsonStr, lit, SPACE_RANGES, spaceClass, trimText, type JsonSql, type TextSql } from "./sql-text.js";
import type { SqlTextOps } from "./sql-text-ops.js";

/**
 * The list(string) codec. Accepted: a JSON array of strings; text as items separated by `;`,
 * each trimmed, empty items dropped. Internal value: an array of strings, undefined for missing.
 */

/** The general reader. Self-contained: the module writer copies its source. */
export function readList(v: unknown): string[] | undefined {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === "string")) return v as string[];
    throw readFailure({ code: "list-item-not-a-string", value: JSON.stringify(v) });
  }
  if (typeof v === "string") {
    const items = [];
    for (const part of v.split(";")) {
      const item = part.trim();
      if (item) items.push(item);
    }
    return items;
  }
  throw readFailure({ code: "not-a-list", value: JSON.stringify(v) });
}

function isSpace(c: number): boolean {
  return c <= 32 || c >= 127;
}

/**
 * The fast path over text `s[a, b)`: readList's items. Items whose ends are plain ASCII need no
 * trim; others are trimmed exactly as readList does.
 */
export function listOf(s: string, a: number, b: number): string[] {
  const items: string[] = [];
  let p = a;
  for (;;) {
    let e = s.indexOf(";", p);
    if (e < 0 || e > b) e = b;
    if (e > p) {
      if (isSpace(s.charCodeAt(p)) || isSpace(s.charCodeAt(e - 1))) {
        const item = s.slice(p, e).trim();
        if (item) items.push(item);
      } else {
        items.push(s.slice(p, e));
      }
    }
    if (e >= b) return items;
    p = e + 1;
  }
}

/** The generated evaluator's inline test for a lead object's value `v`: an array of strings only. */
export function listInlineTest(get: string): string {
  return `Array.isArray(v = ${get}) && allStrings(v)`;
}

/** The list separator, the one character readList splits on. */
const SEPARATOR = ";";

/** SQL reading text `s` as readList does; any text fits. */
export function listFromText(s: string, ops: SqlTextOps = DUCKDB_TEXT): TextSql {
  // An item with nothing to trim: the white space class negated, with the separator added.
  const item = `${ops.charClass(SPACE_RANGES, true, SEPARATOR)}+`;
  const space = spaceClass(ops);
  // Otherwise: trimming the whole text and the space around each separator trims every item.
  const trimmed = ops.replaceAll(trimText(ops, s), `${space}*${SEPARATOR}${space}*`, SEPARATOR);
  return {
    value: `CASE WHEN ${ops.fullMatch(s, `${item}(${SEPARATOR}${item})*`)} THEN ${ops.split(s, SEPARATOR)} ELSE ${ops.dropEmpty(ops.split(trimmed, SEPARATOR))} END`,
    code: "NULL",
  };
}

/** SQL reading a JSON value: an array of strings, or a string spelling a list. */
export function listFromJson(x: string): JsonSql {
  const t = listFromText(jsonStr(x));
  // ["a","b"] (as DuckDB writes JSON: no spaces) with no escapes: cast it (1M lists: ~40 ms of
  // CPU less than splitting its text); else check every item.
  const plain = lit(`\\[("[^"\\\\]*"(,"[^"\\\\]*")*)?\\]`);
  const exact = `CASE WHEN list_bool_and(list_transform(json_extract(${x}, '$[*]'), e -> json_type(e) = 'VARCHAR')) OR json_array_length(${x}) = 0 THEN TRY_CAST(json_extract_string(${x}, '$[*]') AS VARCHAR[]) END`;
  return {
    value: `CASE WHEN ${x} = '[]' THEN CAST([] AS VARCHAR[]) WHEN regexp_full_match(${x}, ${plain}) THEN CAST(${x} AS VARCHAR[]) WHEN ${json.isArray(x)} THEN ${exact} WHEN ${json.isString(x)} THEN ${t.value} END`,
    code: `CASE WHEN ${json.isArray(x)} THEN 'list-item-not-a-string' ELSE 'not-a-list' END`,
    shown: json.text(x),
  };
}
