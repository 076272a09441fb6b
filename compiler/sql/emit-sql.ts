import { formatDateDays, parseDateDays } from "../../language/literals.js";
import type { Dep, IrCondition, IrExpr, IrField, IrProgram } from "../ir.js";
import { caseFoldedOperands } from "./case-fold-sql.js";
import { lineComments } from "./sql-comment.js";
import { DIALECTS, type SqlDialect, type SqlDialectName } from "./sql-dialects.js";
import { sqlNames, type SqlNames } from "./sql-names.js";
import { closure, declarationOf, depKey, outputRoots } from "../plan.js";
import { REJECT_COLUMNS, TEXT_STAGING_RESERVED, textStagingCtes } from "./text-staging.js";

/**
 * SQL code generation. The query reads the needed field columns once (casting numbers to
 * double and dates to DATE), then adds the criteria, scores and stages in dependency order —
 * one CTE per declaration, named after it (`criterion_icp_fit`, `score_priority`, `stage_mql`),
 * adding one column with the declaration's own name, preceded by a comment with its `file:line`
 * and its source text — and finally selects the same columns, in the same order, as the JS
 * evaluator's batch output. A change to the definition is therefore a local, readable change
 * to the query.
 *
 * Semantics are the JS evaluator's (emit-js.ts), not SQL's three-valued logic: every atomic
 * predicate is wrapped so that NULL (a missing value) makes it FALSE, so every boolean in the
 * query is TRUE or FALSE and `NOT` is two-valued. Arithmetic is in double precision, left to
 * right as written, division by zero is NULL (missing), and score lines are summed in line
 * order, so floating-point results match JavaScript's bit for bit.
 *
 * User names reach the query through `sql-names.ts` (distinct, quoted where needed) and as
 * quoted output aliases; user strings only as escaped literals (the dialect table); source
 * text only inside `--` comments (`sql-comment.ts`).
 */
export interface SqlOptions {
  dialect: SqlDialectName;
  /** The input table; dots separate schema/project parts, each quoted. Default `leads`. */
  table?: string;
  /** When given, the output is `CREATE OR REPLACE VIEW view AS <query>`. */
  view?: string;
  /** `YYYY-MM-DD`: inlined as a DATE literal. Default: the engine's current date in UTC. */
  asOf?: string;
  /** The input's id column, output as `id`. Default `id`. */
  idColumn?: string;
  /** `all` adds every criterion flag, then every stage flag, after the scores. */
  columns?: "default" | "all";
  /**
   * Advanced (used by the DuckDB engine): a FROM item to read instead of `table`, already
   * typed, whose columns are named `f<i>` for each field and `leaddef_id`; extra columns
   * listed in `passthrough` are carried to the output first, unquoted.
   */
  source?: { from: string; passthrough: string[] };
  /**
   * Advanced (used by the dbt target): SQL text written verbatim in place of the quoted
   * `table` and of the as-of date expression. The caller vouches for it.
   */
  raw?: { table?: string; asOf?: string };
  /** Leave out the header comment (the dbt target writes its own). */
  noHeader?: boolean;
  /**
   * `text`: every input column is text, read by the codecs' spelling rules; rejected rows get
   * NULL results and the reject columns (see text-staging.ts). Every dialect. Default `typed`.
   */
  staging?: "typed" | "text";
  /** With `staging: "text"`: numbers are written `1.234.567,89`, as `run --decimal-comma` reads them. */
  decimalComma?: boolean;
}

const ID = "leaddef_id";
const INPUT = "leaddef_input";

/**
 * The SQL for `ir`. Throws a RangeError only for an invalid option (an `asOf` that is not a
 * date), never for user source.
 */
export function emitSql(ir: IrProgram, options: SqlOptions): string {
  const d = DIALECTS[options.dialect];
  if (!d) throw new RangeError(`unknown SQL dialect \`${String(options.dialect)}\``);
  let asOf = d.today;
  if (options.asOf !== undefined) {
    const days = parseDateDays(options.asOf);
    if (Number.isNaN(days)) throw new RangeError(`as-of date \`${options.asOf}\` is not a valid YYYY-MM-DD date`);
    asOf = d.date(formatDateDays(days));
  }
  if (options.raw?.asOf !== undefined) asOf = options.raw.asOf;
  const full = options.columns === "all";
  const passthrough = options.source?.passthrough ?? [];
  const text = options.staging === "text";
  const names = sqlNames(ir, d, [ID, INPUT, ...passthrough, ...(text ? TEXT_STAGING_RESERVED : [])]);
  const em = new SqlEmitter(ir, d, asOf, names);
  const need = closure(ir, outputRoots(ir, full));

  // One CTE per declaration, in dependency order; each reads the one before.
  const steps: string[] = [];
  let prev = INPUT;
  for (const dep of ir.order) {
    if (!need.has(depKey(dep))) continue;
    const name = names.cte(dep.kind, dep.index);
    steps.push(`${em.comment(dep)}\n${name} AS (\n  SELECT\n    *,\n    ${em.declaration(dep)} AS ${names.decl(dep.kind, dep.index)}\n  FROM ${prev}\n)`);
    prev = name;
  }

  const pad = "    ";
  const used = [...em.usedFields].sort((a, b) => a - b);
  let input: string;
  if (options.source) {
    const cols = [...passthrough, ID, ...used.map((i) => `f${i} AS ${names.field(i)}`)];
    input = `${INPUT} AS (\n  SELECT\n${cols.map((c) => pad + c).join(",\n")}\n  FROM ${options.source.from}\n)`;
  } else if (text) {
    input = textStagingCtes(ir, d, names, options.raw?.table ?? (options.table ?? "leads").split(".").map(d.ident).join("."), options.idColumn ?? "id", { decimalComma: options.decimalComma });
  } else {
    const table = options.raw?.table ?? (options.table ?? "leads").split(".").map(d.ident).join(".");
    const cols = [`${d.ident(options.idColumn ?? "id")} AS ${ID}`, ...used.map((i) => `${inputColumn(d, ir.fields[i])} AS ${names.field(i)}`)];
    input = `${INPUT} AS (\n  SELECT\n${cols.map((c) => pad + c).join(",\n")}\n  FROM ${table}\n)`;
  }

  // The last declared stage that holds wins.
  const whens = [...ir.stages].reverse().map((s) => `WHEN ${names.decl("stage", s.index)} THEN ${d.string(s.name)}`);
  const stageExpr = whens.length ? `CASE\n${whens.map((w) => `      ${w}\n`).join("")}      ELSE ${d.string("none")}\n    END` : d.string("none");
  // With text staging, a rejected row has no results, only its reason.
  const result = (x: string) => (text ? `CASE WHEN leaddef_reject_field IS NULL THEN ${x.replace(/\n/g, "\n  ")} END` : x);
  const out = [
    ...passthrough,
    `${ID} AS ${d.ident("id")}`,
    `${result(stageExpr)} AS ${d.ident("stage")}`,
    ...ir.scores.map((s) => `${result(names.decl("score", s.index))} AS ${d.ident(s.name)}`),
    ...(full ? [
      ...ir.criteria.map((c) => `${result(names.decl("criterion", c.index))} AS ${d.ident(c.name)}`),
      ...ir.stages.map((s) => `${result(names.decl("stage", s.index))} AS ${d.ident(s.name)}`),
    ] : []),
    ...(text ? REJECT_COLUMNS.map((c) => `leaddef_${c} AS ${d.ident(c)}`) : []),
  ];
  const query = `WITH\n${[input, ...steps].join(",\n")}\nSELECT\n${out.map((c) => pad + c).join(",\n")}\nFROM ${prev}`;
  const header = options.noHeader ? "" : `-- Generated by leaddef (SQL for ${d.name}); edit the .leaddef file, not this query.\n`;
  if (options.view) {
    const view = options.view.split(".").map(d.ident).join(".");
    return `${header}CREATE OR REPLACE VIEW ${view} AS\n${query};\n`;
  }
  return `${header}${query};\n`;
}

/** A field's input column, cast so that numbers are doubles and dates are dates. */
function inputColumn(d: SqlDialect, f: IrField): string {
  const col = d.ident(f.column);
  if (f.kind === "number") return `CAST(${col} AS ${d.types.double})`;
  if (f.kind === "date") return `CAST(${col} AS ${d.types.date})`;
  return col;
}

class SqlEmitter {
  readonly usedFields = new Set<number>();

  constructor(private readonly p: IrProgram, private readonly d: SqlDialect, private readonly asOf: string, private readonly names: SqlNames) {}

  /** The comment above a declaration's CTE: where it is written, then its text. */
  comment(dep: Dep): string {
    const src = declarationOf(this.p, dep).source;
    // A score's lines and bounds are commented where they are summed.
    const text = dep.kind === "score" ? src.text.slice(0, src.text.indexOf("{") + 1).trimEnd() : src.text;
    return `${lineComments(`${src.file}:${src.line}`)}\n${lineComments(text)}`;
  }

  /** The expression of one criterion, score or stage. */
  declaration(dep: Dep): string {
    if (dep.kind === "criterion") return this.condition(this.p.criteria[dep.index].cond);
    if (dep.kind === "stage") return this.condition(this.p.stages[dep.index].cond);
    const s = this.p.scores[dep.index];
    const at = (line: number, text: string) => lineComments(`${s.source.file}:${line}  ${text}`, "      ");
    // 0 + each line's weight or 0, left to right: the same additions, in the same order, as JS.
    let sum = [
      this.d.double("0"),
      ...s.lines.map((l) => `\n${at(l.line, l.text)}\n      + CASE WHEN ${this.cond(l.cond.expr)} THEN ${this.num(l.weight, false)} ELSE 0 END`),
    ].join("");
    const bound = (which: "cap" | "floor") => {
      const b = s.bounds.find((x) => x.text.trimStart().startsWith(which));
      return b ? `\n${at(b.line, b.text)}\n      ` : " ";
    };
    if (s.cap !== undefined) sum = `LEAST(${sum},${bound("cap")}${this.num(s.cap, false)})`;
    if (s.floor !== undefined) sum = `GREATEST(${sum},${bound("floor")}${this.num(s.floor, false)})`;
    return sum;
  }

  /**
   * A condition with its top-level `and` parts (or, failing that, its top-level `or` parts) one
   * per line. Every operand is TRUE or FALSE, so regrouping the chain changes nothing.
   */
  private condition(c: IrCondition): string {
    const lines = (parts: IrExpr[], op: string) => `(\n      ${parts.map((p) => this.cond(p)).join(`\n      ${op} `)}\n    )`;
    if (c.parts.length > 1) return lines(c.parts.map((p) => p.expr), "AND");
    const ors: IrExpr[] = [];
    const flatten = (e: IrExpr): void => {
      if (e.k === "or") {
        flatten(e.l);
        flatten(e.r);
      } else ors.push(e);
    };
    flatten(c.expr);
    return ors.length > 1 ? lines(ors, "OR") : this.cond(c.expr);
  }

  /** A numeric literal; `dbl` forces double precision (operands of arithmetic). */
  private num(n: number, dbl: boolean): string {
    const text = String(n);
    if (!dbl && Number.isInteger(n) && Math.abs(n) <= 2147483647) return n < 0 || Object.is(n, -0) ? `(${text})` : text;
    return this.d.double(text);
  }

  /** `contains` / `starts with` on strings: the test over both sides' simple case folding. */
  private caseInsensitive(text: IrExpr, needle: IrExpr, test: (text: string, needle: string) => string): string {
    const operand = needle.k === "const" ? { constant: String(needle.value) } : { sql: this.value(needle) };
    const folded = caseFoldedOperands(this.d, this.value(text), operand);
    return this.safe(test(folded.text, folded.needle));
  }

  /** A value: may be NULL (missing) when it reads a field. */
  value(e: IrExpr, dbl = false): string {
    switch (e.k) {
      case "const":
        switch (e.kind) {
          case "number": return this.num(e.value as number, dbl);
          case "date": return this.d.date(formatDateDays(e.value as number));
          case "boolean": return e.value ? "TRUE" : "FALSE";
          default: return this.d.string(String(e.value));
        }
      case "field":
        this.usedFields.add(e.field.index);
        return this.names.field(e.field.index);
      case "criterion": return this.names.decl("criterion", e.index);
      case "stage": return this.names.decl("stage", e.index);
      case "score": return this.names.decl("score", e.index);
      case "arith": {
        const l = this.value(e.l, true);
        const r = this.value(e.r, true);
        // Division by zero is missing, as in the JS evaluator.
        if (e.op === "/") return `(${l} / NULLIF(${r}, 0))`;
        return `(${l} ${e.op} ${r})`;
      }
      case "neg": return `(-${this.value(e.e, true)})`;
      case "daysSince": return this.d.daysBetween(this.value(e.e), this.asOf);
      default: return this.cond(e);
    }
  }

  /** A condition: always TRUE or FALSE, never NULL. */
  cond(e: IrExpr): string {
    const d = this.d;
    switch (e.k) {
      case "const": return e.value === true ? "TRUE" : "FALSE";
      case "field": return this.safe(this.value(e));
      case "criterion": return this.names.decl("criterion", e.index);
      case "stage": return this.names.decl("stage", e.index);
      case "not": return `(NOT ${this.cond(e.e)})`;
      case "and": return `(${this.cond(e.l)} AND ${this.cond(e.r)})`;
      case "or": return `(${this.cond(e.l)} OR ${this.cond(e.r)})`;
      case "cmp": {
        const op = e.op === "!=" ? "<>" : e.op;
        if (e.kind === "enum" && e.op !== "=" && e.op !== "!=") {
          return this.safe(`${this.enumRank(e.l, e.members)} ${op} ${this.enumRank(e.r, e.members)}`);
        }
        return this.safe(`${this.value(e.l)} ${op} ${this.value(e.r)}`);
      }
      case "in": {
        const x = this.value(e.e);
        const any = e.items.length ? e.items.map((i) => this.safe(`${x} = ${this.value(i)}`)).join(" OR ") : "FALSE";
        return e.negated ? `(${x} IS NOT NULL AND NOT (${any}))` : `(${x} IS NOT NULL AND (${any}))`;
      }
      case "contains":
        if (e.on === "list") return this.safe(d.listContains(this.value(e.l), this.value(e.r)));
        return this.caseInsensitive(e.l, e.r, d.containsText);
      case "startsWith": return this.caseInsensitive(e.l, e.r, d.startsWithText);
      case "presence": {
        this.usedFields.add(e.field.index);
        const f = this.names.field(e.field.index);
        const missing = e.field.kind === "list" ? d.listMissing(f) : `${f} IS NULL`;
        return e.missing ? `(${missing})` : `(NOT (${missing}))`;
      }
      case "atLeast":
        return `((${e.items.map((i) => `CASE WHEN ${this.cond(i)} THEN 1 ELSE 0 END`).join(" + ")}) >= ${this.num(e.n, false)})`;
      default:
        throw new Error(`internal: ${e.k} is not a condition`);
    }
  }

  /** NULL (a missing operand) makes an atomic predicate FALSE. */
  private safe(predicate: string): string {
    return `COALESCE(${predicate}, FALSE)`;
  }

  /** An enum value's declaration index, NULL when missing (or not a member). */
  private enumRank(e: IrExpr, members: readonly string[]): string {
    if (e.k === "const") return String(members.indexOf(String(e.value)));
    const v = this.value(e);
    return `(CASE ${v} ${members.map((m, i) => `WHEN ${this.d.string(m)} THEN ${i}`).join(" ")} END)`;
  }
}
