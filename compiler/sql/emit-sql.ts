import { formatDateDays, parseDateDays } from "../../language/literals.js";
import type { Dep, IrExpr, IrField, IrProgram } from "../ir.js";
import { caseFoldedOperands } from "./case-fold-sql.js";
import { DIALECTS, type SqlDialect, type SqlDialectName } from "./sql-dialects.js";

/**
 * SQL code generation. The query reads the needed field columns once (casting numbers to
 * double and dates to DATE), then computes the criteria, scores and stages in dependency
 * levels — one CTE per level, each declaration computed once and referenced by name after —
 * and finally selects the same columns, in the same order, as the JS evaluator's batch output.
 *
 * Semantics are the JS evaluator's (emit-js.ts), not SQL's three-valued logic: every atomic
 * predicate is wrapped so that NULL (a missing value) makes it FALSE, so every boolean in the
 * query is TRUE or FALSE and `NOT` is two-valued. Arithmetic is in double precision, left to
 * right as written, division by zero is NULL (missing), and score lines are summed in line
 * order, so floating-point results match JavaScript's bit for bit.
 *
 * Internal columns have positional names (`f3`, `c0`, `sc1`, `s2`, `leaddef_id`); user names
 * appear only as quoted output aliases and input column references, and user strings only as
 * escaped literals, all through the dialect table.
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
}

const ID = "leaddef_id";

/** The SQL for `ir`. Throws a RangeError only for an invalid `asOf` option (not user source). */
export function emitSql(ir: IrProgram, options: SqlOptions): string {
  const d = DIALECTS[options.dialect];
  if (!d) throw new RangeError(`unknown SQL dialect \`${String(options.dialect)}\``);
  let asOf = d.today;
  if (options.asOf !== undefined) {
    const days = parseDateDays(options.asOf);
    if (Number.isNaN(days)) throw new RangeError(`as-of date \`${options.asOf}\` is not a valid YYYY-MM-DD date`);
    asOf = d.date(formatDateDays(days));
  }
  const full = options.columns === "all";
  const em = new SqlEmitter(ir, d, asOf);
  const need = closure(ir, [
    ...ir.stages.map((s) => ({ kind: "stage" as const, index: s.index })),
    ...ir.scores.map((s) => ({ kind: "score" as const, index: s.index })),
    ...(full ? ir.criteria.map((c) => ({ kind: "criterion" as const, index: c.index })) : []),
  ]);

  // Level of each declaration: one more than the deepest thing it uses.
  const level = new Map<string, number>();
  const key = (x: Dep) => `${x.kind}:${x.index}`;
  const lookup = (x: Dep) => (x.kind === "criterion" ? ir.criteria[x.index] : x.kind === "score" ? ir.scores[x.index] : ir.stages[x.index]);
  const levels: string[][] = [];
  for (const dep of ir.order) {
    if (!need.has(key(dep))) continue;
    const l = 1 + Math.max(-1, ...lookup(dep).deps.map((x) => level.get(key(x)) ?? -1));
    level.set(key(dep), l);
    (levels[l] ??= []).push(em.declaration(dep));
  }

  const pad = "    ";
  const ctes: string[] = [];
  const passthrough = options.source?.passthrough ?? [];
  if (options.source) {
    ctes.push(`leaddef_input AS (\n  SELECT * FROM ${options.source.from}\n)`);
  } else {
    const table = (options.table ?? "leads").split(".").map(d.ident).join(".");
    const cols = [`${d.ident(options.idColumn ?? "id")} AS ${ID}`, ...[...em.usedFields].sort((a, b) => a - b).map((i) => `${inputColumn(d, ir.fields[i])} AS f${i}`)];
    ctes.push(`leaddef_input AS (\n  SELECT\n${cols.map((c) => pad + c).join(",\n")}\n  FROM ${table}\n)`);
  }
  let prev = "leaddef_input";
  levels.forEach((decls, i) => {
    const name = `leaddef_step${i + 1}`;
    ctes.push(`${name} AS (\n  SELECT\n${pad}*,\n${decls.map((c) => pad + c).join(",\n")}\n  FROM ${prev}\n)`);
    prev = name;
  });

  // The last declared stage that holds wins.
  const whens = [...ir.stages].reverse().map((s) => `WHEN s${s.index} THEN ${d.string(s.name)}`);
  const stageExpr = whens.length ? `CASE ${whens.join(" ")} ELSE ${d.string("none")} END` : d.string("none");
  const out = [
    ...passthrough,
    `${ID} AS ${d.ident("id")}`,
    `${stageExpr} AS ${d.ident("stage")}`,
    ...ir.scores.map((s) => `sc${s.index} AS ${d.ident(s.name)}`),
    ...(full ? [...ir.criteria.map((c) => `c${c.index} AS ${d.ident(c.name)}`), ...ir.stages.map((s) => `s${s.index} AS ${d.ident(s.name)}`)] : []),
  ];
  const query = `WITH\n${ctes.join(",\n")}\nSELECT\n${out.map((c) => pad + c).join(",\n")}\nFROM ${prev}`;
  const header = `-- Generated by leaddef (SQL for ${d.name}); edit the .leaddef file, not this query.\n`;
  if (options.view) {
    const view = options.view.split(".").map(d.ident).join(".");
    return `${header}CREATE OR REPLACE VIEW ${view} AS\n${query};\n`;
  }
  return `${header}${query};\n`;
}

/** A field's input column, cast so that numbers are doubles and dates are dates. */
function inputColumn(d: SqlDialect, f: IrField): string {
  const col = d.ident(f.path);
  if (f.kind === "number") return `CAST(${col} AS ${d.types.double})`;
  if (f.kind === "date") return `CAST(${col} AS ${d.types.date})`;
  return col;
}

/** Which criteria, scores and stages the query must compute (as in emit-js.ts). */
function closure(p: IrProgram, roots: Dep[]): Set<string> {
  const need = new Set<string>();
  const lookup = (x: Dep) => (x.kind === "criterion" ? p.criteria[x.index] : x.kind === "score" ? p.scores[x.index] : p.stages[x.index]);
  const visit = (x: Dep) => {
    const k = `${x.kind}:${x.index}`;
    if (need.has(k)) return;
    need.add(k);
    lookup(x).deps.forEach(visit);
  };
  roots.forEach(visit);
  return need;
}

class SqlEmitter {
  readonly usedFields = new Set<number>();

  constructor(private readonly p: IrProgram, private readonly d: SqlDialect, private readonly asOf: string) {}

  /** `expr AS name` for one criterion, score or stage. */
  declaration(dep: Dep): string {
    if (dep.kind === "criterion") return `${this.cond(this.p.criteria[dep.index].cond.expr)} AS c${dep.index}`;
    if (dep.kind === "stage") return `${this.cond(this.p.stages[dep.index].cond.expr)} AS s${dep.index}`;
    const s = this.p.scores[dep.index];
    // 0 + each line's weight or 0, left to right: the same additions, in the same order, as JS.
    let sum = [this.d.double("0"), ...s.lines.map((l) => `CASE WHEN ${this.cond(l.cond.expr)} THEN ${this.num(l.weight, false)} ELSE 0 END`)].join("\n      + ");
    if (s.cap !== undefined) sum = `LEAST(${sum}, ${this.num(s.cap, false)})`;
    if (s.floor !== undefined) sum = `GREATEST(${sum}, ${this.num(s.floor, false)})`;
    return `${sum} AS sc${dep.index}`;
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
        return `f${e.field.index}`;
      case "criterion": return `c${e.index}`;
      case "stage": return `s${e.index}`;
      case "score": return `sc${e.index}`;
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
      case "criterion": return `c${e.index}`;
      case "stage": return `s${e.index}`;
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
        const f = `f${e.field.index}`;
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
