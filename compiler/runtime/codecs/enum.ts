import { readFailure } from "./reasons.js";
import { DUCKDB_TEXT, json, jsonStr, trimText, type JsonSql, type TextSql } from "./sql-text.js";
import type { SqlTextOps } from "./sql-text-ops.js";

/**
 * The enum codec. Accepted: a string naming one of the members, ignoring case and surrounding
 * white space (exports write `marketingqualifiedlead` or `Marketing Qualified Lead`); for an open
 * enum (`...`), any other string too, which equals no member. Internal value: the member as
 * declared (another value of an open enum: its text, trimmed), undefined for missing.
 */

/** The general reader. Self-contained but for readFailure: module-copied. */
export function readEnum(v: unknown, members: readonly string[], open = false): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === "string") {
    if (members.includes(v)) return v;
    const key = v.trim().toLowerCase();
    for (const m of members) if (m.toLowerCase() === key) return m;
    if (open) return v.trim();
  }
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
export function enumFromText(members: readonly string[], open: boolean, s: string, ops: SqlTextOps = DUCKDB_TEXT): TextSql {
  const lit = ops.lit;
  // A simple CASE, not IN: DuckDB plans a long IN list as a join, which loses row order.
  const other = open ? trimText(ops, s) : "NULL";
  const folded = members.length ? `CASE lower(${trimText(ops, s)}) ${members.map((m) => `WHEN ${lit(m.toLowerCase())} THEN ${lit(m)}`).join(" ")} ELSE ${other} END` : other;
  const value = members.length ? `CASE ${s} ${members.map((m) => `WHEN ${lit(m)} THEN ${s}`).join(" ")} ELSE ${folded} END` : ops.nullText;
  return { value, code: lit("not-a-member") };
}

/** SQL reading a JSON value: only a string can spell a member. */
export function enumFromJson(members: readonly string[], open: boolean, x: string): JsonSql {
  const t = enumFromText(members, open, jsonStr(x));
  return { value: `CASE WHEN ${json.isString(x)} THEN ${t.value} END`, code: t.code, shown: json.shown(x) };
}
