import type { IrField, IrProgram } from "../ir.js";
import { codecOf, reasonOf, type ReadOptions } from "../runtime/codecs/codec.js";
import { reasonText, type Reason } from "../runtime/codecs/reasons.js";
import { TEXT_OPS } from "../runtime/codecs/sql-text-ops.js";
import type { SqlDialect } from "./sql-dialects.js";
import type { SqlNames } from "./sql-names.js";

/**
 * `--staging text`: the input is a staging table whose every column is text, as a loader
 * writes a CSV or CRM export. Each field is read by its codec's SQL form in the dialect's
 * `SqlTextOps` — the same spelling rules as the batch readers (`compiler/runtime/codecs/`), so
 * `$1,200`, `yes`, `2025-10-28 01:38` read as `leaddef run` reads them — and a row whose value
 * does not fit, or that lacks a required value, is rejected: its stage and scores are NULL and
 * three columns say why (`reject_field`, `reject_value`, `reject_reason`), naming every failing
 * field in schema order, one line each (joined by a line break), with `run`'s words — the lines
 * `run`'s rejects file has for that row. An empty text is missing, as an empty CSV cell is.
 * Every dialect has the codecs' text forms (sql-text-ops.ts), so every dialect has this.
 */

/** The output columns a text staging query adds, after the scores and flags. */
export const REJECT_COLUMNS = ["reject_field", "reject_value", "reject_reason"] as const;

/** What separates the problems of one row in each reject column. */
export const REJECT_SEPARATOR = "\n";

/** Internal column names this module writes (reserved from user names). */
export const TEXT_STAGING_RESERVED = ["leaddef_text", "leaddef_read", "leaddef_bad", "leaddef_reject_field", "leaddef_reject_value", "leaddef_reject_reason"];

const MARK = "\u0000value\u0000";

/**
 * The CTEs that read `table` (already quoted) as text: `leaddef_text` (each field's text),
 * `leaddef_read` (its value), `leaddef_bad` (whether it fails) and `leaddef_input` (typed values
 * under the field names, and the reject columns). Each step reads the one before, as no SELECT
 * may use a column it defines in every dialect.
 */
export function textStagingCtes(ir: IrProgram, d: SqlDialect, names: SqlNames, table: string, idColumn: string, readOptions: ReadOptions = {}): string {
  const ops = TEXT_OPS[d.name];
  const pad = "    ";
  const text = (i: number) => `leaddef_t${i}`;
  const value = (i: number) => `leaddef_v${i}`;
  const bad = (i: number) => `leaddef_b${i}`;
  const staged: string[] = [`CAST(${d.ident(idColumn)} AS ${ops.textType}) AS leaddef_id`];
  const read: string[] = ["*"];
  const checks: string[] = ["*"];
  const typed: string[] = [];
  const failing: number[] = [];
  const codes: string[] = [];
  ir.fields.forEach((f, i) => {
    // NULLIF: an empty text is missing.
    staged.push(`NULLIF(CAST(${d.ident(f.column)} AS ${ops.textType}), '') AS ${text(i)}`);
    const r = codecOf(f, readOptions).fromText(text(i), ops);
    codes.push(r.code);
    read.push(`CASE WHEN ${text(i)} IS NOT NULL THEN ${r.value} END AS ${value(i)}`);
    const whole = f.kind === "number" && f.integer;
    // Wholeness is checked on the value, as the engine does (`2500.0` is whole, `2500.5` not).
    const fits = whole ? `(${value(i)} = floor(${value(i)}) AND NOT ${ops.isInfinite(value(i))})` : `${value(i)} IS NOT NULL`;
    const fails: string[] = [];
    if (!f.optional) fails.push(`${text(i)} IS NULL`);
    if (r.code !== "NULL") fails.push(`(${text(i)} IS NOT NULL AND NOT COALESCE(${fits}, FALSE))`);
    if (fails.length) {
      checks.push(`${fails.join(" OR ")} AS ${bad(i)}`);
      failing.push(i);
    }
    typed.push(`${whole ? `CASE WHEN ${fits} THEN ${value(i)} END` : value(i)} AS ${names.field(i)}`);
  });
  // Each column lists the failing fields' lines in schema order, as `run`'s rejects file does.
  const perProblem = (pick: (i: number) => string) =>
    failing.length ? `CASE WHEN ${failing.map(bad).join(" OR ")} THEN ${ops.joinNonNull(failing.map((i) => `CASE WHEN ${bad(i)} THEN ${pick(i)} END`), REJECT_SEPARATOR)} END` : ops.nullText;
  const reason = (i: number) => {
    const texts = [`WHEN ${text(i)} IS NULL THEN ${d.string(reasonText({ code: "required-missing" }))}`];
    if (codes[i] !== "NULL") texts.push(`ELSE ${reasonSql(d, codes[i], text(i), ir.fields[i])}`);
    return `CASE ${texts.join(" ")} END`;
  };
  const input = [
    "leaddef_id",
    ...typed,
    `${perProblem((i) => d.string(ir.fields[i].path))} AS leaddef_reject_field`,
    `${perProblem((i) => `COALESCE(${text(i)}, '')`)} AS leaddef_reject_value`,
    `${perProblem(reason)} AS leaddef_reject_reason`,
  ];
  const cte = (name: string, cols: string[], from: string, once = "") => `${name} AS ${once}(\n  SELECT\n${cols.map((c) => pad + c).join(",\n")}\n  FROM ${from}\n)`;
  return [
    cte("leaddef_text", staged, table),
    // The values and the typed input are used many times each: computed once.
    cte("leaddef_read", read, "leaddef_text", ops.computedOnce),
    cte("leaddef_bad", checks, "leaddef_read"),
    cte("leaddef_input", input, "leaddef_bad", ops.computedOnce),
  ].join(",\n");
}

/**
 * `run`'s English for the reason `code` (an SQL expression giving a code) about text `shown`:
 * built from `reasonText` itself, one branch per code that names a value.
 */
function reasonSql(d: SqlDialect, code: string, shown: string, field: IrField): string {
  const codes: Reason["code"][] = ["not-a-number", "not-a-whole-number", "not-a-date", "not-a-boolean", "not-a-member", "not-a-string", "not-a-list", "list-item-not-a-string"];
  const branch = (c: Reason["code"]) => {
    // reasonOf adds what the field knows: an enum's members, a date's declared layout.
    const [pre, post] = reasonText(reasonOf(field, c, MARK)).split(MARK);
    return `WHEN ${d.string(c)} THEN ${d.string(pre)} || ${shown} || ${d.string(post)}`;
  };
  return `CASE ${code} ${codes.map(branch).join(" ")} END`;
}
