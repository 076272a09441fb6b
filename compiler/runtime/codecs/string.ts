import { readFailure } from "./reasons.js";
import { json, jsonStr, lit, type JsonSql, type TextSql } from "./sql-text.js";

/**
 * The string codec. Accepted: any JSON string; any non-empty text cell, as written. Internal
 * value: the string, undefined for missing.
 */

/** The general reader. Self-contained: the module writer copies its source. */
export function readString(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (v === null || v === undefined) return undefined;
  throw readFailure({ code: "not-a-string", value: JSON.stringify(v) });
}

/**
 * The generated evaluator's inline test for a lead object's value `v`: a string. (Enum values
 * take the same test; a string that is no member equals no member, as in the batch readers'
 * checked path.)
 */
export function stringInlineTest(get: string): string {
  return `typeof (v = ${get}) === "string"`;
}

/** SQL reading text `s`: any text fits. */
export function stringFromText(s: string): TextSql {
  return { value: s, code: "NULL" };
}

/** SQL reading a JSON value: only a string. */
export function stringFromJson(x: string): JsonSql {
  return { value: `CASE WHEN ${json.isString(x)} THEN ${jsonStr(x)} END`, code: lit("not-a-string"), shown: json.text(x) };
}
