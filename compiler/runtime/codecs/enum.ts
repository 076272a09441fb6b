import { readFailure } from "./reasons.js";
import { json, jsonStr, lit, type JsonSql, type TextSql } from "./sql-text.js";

/**
 * The enum codec. Accepted: a string equal to one of the members. Internal value: the member
 * name, undefined for missing.
 */

/** The general reader. Self-contained: the module writer copies its source. */
export function readEnum(v: unknown, members: readonly string[]): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === "string" && members.includes(v)) return v;
  throw readFailure({ code: "not-a-member", value: typeof v === "string" ? v : JSON.stringify(v), members });
}

/** The fast path over text `s[a, b)`: the member it spells exactly, else undefined. */
export function plainMember(members: readonly string[], s: string, a: number, b: number): string | undefined {
  for (let m = 0; m < members.length; m++) {
    const name = members[m];
    if (name.length === b - a && s.startsWith(name, a)) return name;
  }
  return undefined;
}

/** SQL reading text `s`: a member, exactly. */
export function enumFromText(members: readonly string[], s: string): TextSql {
  // A simple CASE, not IN: DuckDB plans a long IN list as a join, which loses row order.
  const value = members.length ? `CASE ${s} ${members.map((m) => `WHEN ${lit(m)} THEN ${s}`).join(" ")} END` : "CAST(NULL AS VARCHAR)";
  return { value, code: lit("not-a-member") };
}

/** SQL reading a JSON value: only a string can spell a member. */
export function enumFromJson(members: readonly string[], x: string): JsonSql {
  const t = enumFromText(members, jsonStr(x));
  return { value: `CASE WHEN ${json.isString(x)} THEN ${t.value} END`, code: t.code, shown: json.shown(x) };
}
