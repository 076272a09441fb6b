import type { IrProgram } from "../ir.js";
import { codecOf } from "../runtime/codecs/codec.js";
import { reasonText, type Reason } from "../runtime/codecs/reasons.js";
import type { SqlDialect } from "./sql-dialects.js";
import type { SqlNames } from "./sql-names.js";

/**
 * `--staging text`: the input is a staging table whose every column is text, as a loader
 * writes a CSV or CRM export. Each field is read by its codec's SQL form — the same spelling
 * rules as the batch readers (`compiler/runtime/codecs/`), so `$1,200`, `yes`, `2025-10-28
 * 01:38` read as `leaddef run` reads them — and a row whose value does not fit, or that lacks
 * a required value, is rejected: its stage and scores are NULL and three columns say why
 * (`reject_field`, `reject_value`, `reject_reason`, the first failing field in schema order,
 * with `run`'s wording). An empty text is missing, as an empty CSV cell is.
 *
 * The codecs have SQL forms for DuckDB only, so this is DuckDB only.
 */
export const TEXT_STAGING_DIALECTS = ["duckdb"] as const;

/** The output columns a text staging query adds, after the scores and flags. */
export const REJECT_COLUMNS = ["reject_field", "reject_value", "reject_reason"] as const;

/** Internal column names this module writes (reserved from user names). */
export const TEXT_STAGING_RESERVED = ["leaddef_text", "leaddef_bad", "leaddef_reject_field", "leaddef_reject_value", "leaddef_reject_reason"];

const MARK = "\u0000value\u0000";

/**
 * The two CTEs that read `table` (already quoted) as text: `leaddef_text` (each field's text
 * and value) and `leaddef_input` (typed values under the field names, and the reject columns).
 */
export function textStagingCtes(ir: IrProgram, d: SqlDialect, names: SqlNames, table: string, idColumn: string): string {
  const pad = "    ";
  const text = (i: number) => `leaddef_t${i}`;
  const value = (i: number) => `leaddef_v${i}`;
  const staged: string[] = [`CAST(${d.ident(idColumn)} AS VARCHAR) AS leaddef_id`];
  const bad: string[] = [];
  const typed: string[] = [];
  ir.fields.forEach((f, i) => {
    // NULLIF: an empty text is missing.
    staged.push(`NULLIF(CAST(${d.ident(f.column)} AS VARCHAR), '') AS ${text(i)}`);
    const r = codecOf(f).fromText(text(i));
    staged.push(`CASE WHEN ${text(i)} IS NOT NULL THEN ${r.value} END AS ${value(i)}`);
    const whole = f.kind === "number" && f.integer;
    // Wholeness is checked on the value, as the engine does (`2500.0` is whole, `2500.5` not).
    const fits = whole ? `(${value(i)} = floor(${value(i)}) AND NOT isinf(${value(i)}))` : `${value(i)} IS NOT NULL`;
    if (!f.optional) bad.push(`WHEN ${text(i)} IS NULL THEN ${i}`);
    if (r.code !== "NULL") bad.push(`WHEN ${text(i)} IS NOT NULL AND NOT COALESCE(${fits}, FALSE) THEN ${i}`);
    typed.push(`${whole ? `CASE WHEN ${fits} THEN ${value(i)} END` : value(i)} AS ${names.field(i)}`);
  });
  const badIndex = bad.length ? `CASE ${bad.join(" ")} END` : "CAST(NULL AS INTEGER)";
  const byBad = (pick: (i: number) => string | undefined) => {
    const whens = ir.fields.map((_, i) => [i, pick(i)] as const).filter(([, v]) => v !== undefined).map(([i, v]) => `WHEN ${i} THEN ${v}`);
    return whens.length ? `CASE leaddef_bad ${whens.join(" ")} END` : "CAST(NULL AS VARCHAR)";
  };
  const reason = (i: number) => {
    const f = ir.fields[i];
    const code = codecOf(f).fromText(text(i)).code;
    const texts = [`WHEN ${text(i)} IS NULL THEN ${d.string(reasonText({ code: "required-missing" }))}`];
    if (code !== "NULL") texts.push(`ELSE ${reasonSql(d, code, text(i), f.members)}`);
    return `CASE ${texts.join(" ")} END`;
  };
  const input = [
    "leaddef_id",
    ...typed,
    `${byBad((i) => d.string(ir.fields[i].path))} AS leaddef_reject_field`,
    `${byBad((i) => `COALESCE(${text(i)}, '')`)} AS leaddef_reject_value`,
    `${byBad(reason)} AS leaddef_reject_reason`,
  ];
  return [
    `leaddef_text AS (\n  SELECT\n${staged.map((c) => pad + c).join(",\n")}\n  FROM ${table}\n)`,
    `leaddef_bad AS (\n  SELECT\n    *,\n    ${badIndex} AS leaddef_bad\n  FROM leaddef_text\n)`,
    `leaddef_input AS (\n  SELECT\n${input.map((c) => pad + c).join(",\n")}\n  FROM leaddef_bad\n)`,
  ].join(",\n");
}

/**
 * `run`'s English for the reason `code` (an SQL expression giving a code) about text `shown`:
 * built from `reasonText` itself, one branch per code that names a value.
 */
function reasonSql(d: SqlDialect, code: string, shown: string, members: readonly string[]): string {
  const codes: Reason["code"][] = ["not-a-number", "not-a-whole-number", "not-a-date", "not-a-boolean", "not-a-member", "not-a-string", "not-a-list", "list-item-not-a-string"];
  const branch = (c: Reason["code"]) => {
    const [pre, post] = reasonText({ code: c, value: MARK, members } as Reason).split(MARK);
    return `WHEN ${d.string(c)} THEN ${d.string(pre)} || ${shown} || ${d.string(post)}`;
  };
  return `CASE ${code} ${codes.map(branch).join(" ")} END`;
}
