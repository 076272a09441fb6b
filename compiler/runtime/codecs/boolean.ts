import { readFailure } from "./reasons.js";
import { BOOLEAN_WORDS } from "./spellings.js";
import { DUCKDB_TEXT, json, jsonStr, trimText, type JsonSql, type TextSql } from "./sql-text.js";
import type { SqlTextOps } from "./sql-text-ops.js";

/**
 * The boolean codec. Accepted: JSON true/false and 1/0; text spelling one of BOOLEAN_WORDS in
 * any case, with surrounding white space. Internal value: true/false, undefined for missing.
 */

/** The general reader. Self-contained but for BOOLEAN_WORDS, which the module writer copies too. */
export function readBoolean(v: unknown): boolean | undefined {
  if (v === true || v === false) return v;
  if (v === null || v === undefined) return undefined;
  if (typeof v === "string") {
    const s = v.trim().toLowerCase();
    for (const [word, value] of BOOLEAN_WORDS) if (s === word) return value;
  }
  if (v === 1) return true;
  if (v === 0) return false;
  throw readFailure({ code: "not-a-boolean", value: typeof v === "string" ? v : JSON.stringify(v) });
}

/**
 * The fast path over text `s[a, b)`: a boolean word in any ASCII case, exactly (no spaces);
 * undefined for anything else (the general reader then decides).
 */
export function plainBoolean(s: string, a: number, b: number): boolean | undefined {
  const n = b - a;
  words: for (let w = 0; w < BOOLEAN_WORDS.length; w++) {
    const word = BOOLEAN_WORDS[w][0];
    if (word.length !== n) continue;
    for (let k = 0; k < n; k++) {
      const c = s.charCodeAt(a + k);
      const w = word.charCodeAt(k);
      // ASCII letters in either case; anything else exactly (`| 32` would also map controls onto digits).
      if (c !== w && (w < 97 || w > 122 || (c | 32) !== w)) continue words;
    }
    return BOOLEAN_WORDS[w][1];
  }
  return undefined;
}

/** ASCII white space, which String#trim removes like the wider Unicode set it also removes. */
export function isAsciiSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/**
 * plainBoolean over UTF-8 bytes `buf[a, b)`, also accepting the spacing variants readBoolean
 * trims (` Yes `): a boolean word in any ASCII case between ASCII white space; undefined for
 * anything else (the general reader then decides).
 */
export function plainBooleanBytes(buf: Uint8Array, a: number, b: number): boolean | undefined {
  while (a < b && isAsciiSpace(buf[a])) a++;
  while (b > a && isAsciiSpace(buf[b - 1])) b--;
  const n = b - a;
  words: for (let w = 0; w < BOOLEAN_WORDS.length; w++) {
    const word = BOOLEAN_WORDS[w][0];
    if (word.length !== n) continue;
    for (let k = 0; k < n; k++) {
      const c = buf[a + k];
      const x = word.charCodeAt(k);
      if (c !== x && (x < 97 || x > 122 || (c | 32) !== x)) continue words;
    }
    return BOOLEAN_WORDS[w][1];
  }
  return undefined;
}

/** The generated evaluator's inline test for a lead object's value `v`. */
export function booleanInlineTest(get: string): string {
  return `(v = ${get}) === true || v === false`;
}

/** The CASE arms reading a boolean word `x`: two list lookups where the dialect has them (`oneOf`), else one comparison per word. */
function wordCases(ops: SqlTextOps, x: string): string {
  if (ops.oneOf) {
    const words = (b: boolean) => BOOLEAN_WORDS.filter(([, v]) => v === b).map(([w]) => w);
    return `WHEN ${ops.oneOf(x, words(true))} THEN TRUE WHEN ${ops.oneOf(x, words(false))} THEN FALSE`;
  }
  return BOOLEAN_WORDS.map(([w, b]) => `WHEN ${x} = ${ops.lit(w)} THEN ${b ? "TRUE" : "FALSE"}`).join(" ");
}

/**
 * SQL reading text `s` as readBoolean does: the exact word first, then lowercased, then trimmed
 * and lowercased. The middle step reads `TRUE` or `No` without the trim's regular expression (in
 * DuckDB it halved a boolean column's cost on mixed-case data), and gives what the last would:
 * a text whose lowercase is a word has no white space to trim.
 */
export function booleanFromText(s: string, ops: SqlTextOps = DUCKDB_TEXT): TextSql {
  const folded = `CASE ${wordCases(ops, `lower(${s})`)} ELSE CASE ${wordCases(ops, `lower(${trimText(ops, s)})`)} END END`;
  return { value: `CASE ${wordCases(ops, s)} ELSE ${folded} END`, code: ops.lit("not-a-boolean") };
}

/** SQL reading a JSON value: true/false, the numbers 1 and 0, or a string spelling a boolean. */
export function booleanFromJson(x: string): JsonSql {
  const t = booleanFromText(jsonStr(x));
  return {
    value: `CASE WHEN ${x} = 'true' THEN TRUE WHEN ${x} = 'false' THEN FALSE WHEN ${json.isNumber(x)} THEN CASE TRY_CAST(${x} AS DOUBLE) WHEN 1 THEN TRUE WHEN 0 THEN FALSE END WHEN ${json.isString(x)} THEN ${t.value} END`,
    code: t.code,
    shown: json.shown(x),
  };
}
