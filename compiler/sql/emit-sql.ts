import { formatDateDays, parseDateDays } from "../../language/literals.js";
import { DISQUALIFIED, type Dep, type IrCondition, type IrExpr, type IrField, type IrPerLine, type IrProgram } from "../ir.js";
import { caseFoldedOperands, caseFoldedPattern, type NeedleAt } from "./case-fold-sql.js";
import { lineComments } from "./sql-comment.js";
import { DIALECTS, type SqlDialect, type SqlDialectName } from "./sql-dialects.js";
import { sqlNames, type SqlNames } from "./sql-names.js";
import { closure, declarationOf, depKey, outputRoots } from "../plan.js";
import { REJECT_COLUMNS, TEXT_STAGING_RESERVED, textStagingCtes } from "./text-staging.js";
import { TEXT_OPS } from "../runtime/codecs/sql-text-ops.js";

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
   * With `columns: "all"`, also one TRUE/FALSE column per `outcome` declaration, after the stage
   * flags, so `leaddef outcomes`' analysis can run in the warehouse (`build --target sql` sets it;
   * the DuckDB engine does not: `run`'s columns have no outcomes).
   */
  outcomes?: boolean;
  /**
   * Advanced (used by the DuckDB engine): a FROM item to read instead of `table`, already
   * typed, whose columns are named `f<i>` for each field and `leaddef_id`; extra columns
   * listed in `passthrough` are carried to the output first, unquoted.
   */
  source?: { from: string; passthrough: string[] };
  /**
   * Advanced (used by the DuckDB engine, with `source`): each stream's `count`, `latest` and `per`
   * lines whose `where` reads only the event are computed in one GROUP BY over the stream's table,
   * joined to the leads once, instead of a correlated subquery each (those that read the lead
   * stay correlated). The same values; one pass over the events instead of one per query.
   */
  groupedEvents?: boolean;
  /**
   * Advanced (used by the dbt target): SQL text written verbatim in place of the quoted
   * `table` and of the as-of date expression. The caller vouches for it.
   */
  raw?: { table?: string; asOf?: string; /** per stream, in declaration order: the events table's text */ events?: readonly string[] };
  /** Leave out the header comment (the dbt target writes its own). */
  noHeader?: boolean;
  /**
   * `text`: every input column is text, read by the codecs' spelling rules; rejected rows get
   * NULL results and the reject columns (see text-staging.ts). Every dialect. Default `typed`.
   */
  staging?: "typed" | "text";
  /**
   * The table of each event stream (`activity` → `crm.activity`), joined on the id column; a
   * stream not named here is read from a table named like the stream.
   */
  events?: Readonly<Record<string, string>>;
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
  const eventTables = ir.streams.map((st, i) => options.raw?.events?.[i] ?? (options.events?.[st.name] ?? st.name).split(".").map(d.ident).join("."));
  // Text staging reads the leads' id as text, so the (typed) event tables' ids are compared as text too.
  const eventIdAsText = text ? (col: string) => `CAST(${col} AS ${TEXT_OPS[d.name].textType})` : undefined;
  const em = new SqlEmitter(ir, d, asOf, names, eventTables, d.ident(options.idColumn ?? "id"), options.groupedEvents === true && options.source !== undefined, eventIdAsText);
  const need = closure(ir, outputRoots(ir, full));

  // One CTE per declaration, in dependency order; each reads the one before.
  const steps: string[] = [];
  let prev = INPUT;
  for (const dep of ir.order) {
    if (!need.has(depKey(dep))) continue;
    const name = names.cte(dep.kind, dep.index);
    em.outer = prev;
    steps.push(`${em.comment(dep)}\n${name} AS (\n  SELECT\n    *,\n    ${em.declaration(dep)} AS ${names.decl(dep.kind, dep.index)}\n  FROM ${prev}\n)`);
    prev = name;
  }
  // Outcomes read only fields and declarations `columns: "all"` already computes, so each is
  // one expression of the final SELECT (emitted before the input CTE collects the fields used).
  const outcomeColumns = full && options.outcomes ? ir.outcomes.map((o) => ({ name: o.name, sql: em.outcome(o.index) })) : [];

  const pad = "    ";
  const used = [...em.usedFields].sort((a, b) => a - b);
  let input: string;
  if (options.source) {
    const cols = [...passthrough, ID, ...used.map((i) => `f${i} AS ${names.field(i)}`), ...em.aggregateColumns()];
    input = `${INPUT} AS (\n  SELECT\n${cols.map((c) => pad + c).join(",\n")}\n  FROM ${options.source.from} AS leaddef_source${em.aggregateJoins("leaddef_source")}\n)`;
  } else if (text) {
    input = textStagingCtes(ir, d, names, options.raw?.table ?? (options.table ?? "leads").split(".").map(d.ident).join("."), options.idColumn ?? "id", { decimalComma: options.decimalComma });
  } else {
    const table = options.raw?.table ?? (options.table ?? "leads").split(".").map(d.ident).join(".");
    const cols = [`${d.ident(options.idColumn ?? "id")} AS ${ID}`, ...used.map((i) => `${inputColumn(d, ir.fields[i])} AS ${names.field(i)}`)];
    input = `${INPUT} AS (\n  SELECT\n${cols.map((c) => pad + c).join(",\n")}\n  FROM ${table}\n)`;
  }

  // A disqualification overrides the funnel; otherwise the last declared stage that holds wins.
  const disqualified = ir.disqualifications.map((x) => names.decl("disqualify", x.index));
  const whens = [
    ...(disqualified.length ? [`WHEN ${disqualified.join(" OR ")} THEN ${d.string(DISQUALIFIED)}`] : []),
    ...[...ir.stages].reverse().map((s) => `WHEN ${names.decl("stage", s.index)} THEN ${d.string(s.name)}`),
  ];
  // The first disqualification that holds gives the reason; NULL (missing) when none does.
  const reasonExpr = `CASE\n${ir.disqualifications.map((x) => `      WHEN ${names.decl("disqualify", x.index)} THEN ${d.string(x.reason)}\n`).join("")}    END`;
  const stageExpr = whens.length ? `CASE\n${whens.map((w) => `      ${w}\n`).join("")}      ELSE ${d.string("none")}\n    END` : d.string("none");
  // With text staging, a rejected row has no results (no stage, score, reason or grade), only its reject columns.
  const result = (x: string) => (text ? `CASE WHEN leaddef_reject_field IS NULL THEN ${x.replace(/\n/g, "\n  ")} END` : x);
  const out = [
    ...passthrough,
    `${ID} AS ${d.ident("id")}`,
    `${result(stageExpr)} AS ${d.ident("stage")}`,
    ...ir.scores.map((s) => `${result(names.decl("score", s.index))} AS ${d.ident(s.name)}`),
    ...(full ? [
      ...ir.criteria.map((c) => `${result(names.decl("criterion", c.index))} AS ${d.ident(c.name)}`),
      ...ir.stages.map((s) => `${result(names.decl("stage", s.index))} AS ${d.ident(s.name)}`),
      ...outcomeColumns.map((o) => `${result(o.sql)} AS ${d.ident(o.name)}`),
    ] : []),
    // Text after the numbers, as in the JS engine's rows: the reason, then each grade's letter.
    ...(disqualified.length ? [`${result(reasonExpr)} AS ${d.ident("reason")}`] : []),
    ...ir.grades.map((g) => `${result(names.decl("grade", g.index))} AS ${d.ident(g.name)}`),
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

  /** The CTE a declaration reads (`FROM prev`): stream subqueries name its columns through it. */
  outer = INPUT;
  /** Set inside a stream subquery's filter: the event row is `ev`, the lead's columns are qualified. */
  private inEvent = false;

  constructor(
    private readonly p: IrProgram,
    private readonly d: SqlDialect,
    private readonly asOf: string,
    private readonly names: SqlNames,
    /** Each stream's table, quoted. */
    private readonly eventTables: readonly string[] = [],
    /** The id column of the event tables, quoted (named like the leads' id column). */
    private readonly eventId: string = "id",
    /** See SqlOptions.groupedEvents. */
    private readonly grouped = false,
    /** An event row's id column as compared with the lead's id (cast to text under text staging). */
    private readonly eventIdAs: (col: string) => string = (col) => col,
  ) {}

  /** Per stream, the grouped aggregates (SqlOptions.groupedEvents): each one's SQL over `ev`, in the order referenced. */
  private readonly aggregates: string[][] = [];
  /** Set while a stream query's filter is written: whether it read a lead-level value. */
  private readsLead = false;

  /**
   * A stream query as a column of its stream's grouped aggregate, when grouping is on and its
   * filter reads only the event (else undefined: a correlated subquery). `aggregate` gets the
   * filter's condition.
   */
  private groupedQuery(stream: number, where: IrExpr | undefined, within: number | undefined, aggregate: (filter: string) => string): string | undefined {
    if (!this.grouped || this.inEvent) return undefined;
    const age = this.eventAge(stream);
    const tests = [`${age} >= 0`];
    if (within !== undefined) tests.push(`${age} <= ${this.num(within, false)}`);
    if (where) {
      this.inEvent = true;
      this.readsLead = false;
      try {
        tests.push(this.cond(where));
      } finally {
        this.inEvent = false;
      }
      if (this.readsLead) return undefined;
    }
    const list = (this.aggregates[stream] ??= []);
    list.push(aggregate(tests.join(" AND ")));
    return `leaddef_agg${stream}_${list.length - 1}`;
  }

  /** The input's extra columns for the grouped aggregates. */
  aggregateColumns(): string[] {
    return this.aggregates.flatMap((list, s) => (list ?? []).map((_, k) => `leaddef_e${s}.a${k} AS leaddef_agg${s}_${k}`));
  }

  /** The joins that bring each stream's grouped aggregates to the leads of `source` (its id column is leaddef_id). */
  aggregateJoins(source: string): string {
    return this.aggregates.map((list, s) => {
      if (!list?.length) return "";
      const cols = list.map((a, k) => `${a} AS a${k}`).join(", ");
      return `\n  LEFT JOIN (SELECT ev.${this.eventId} AS leaddef_lead_id, ${cols} FROM ${this.eventTables[s]} AS ev GROUP BY ev.${this.eventId}) AS leaddef_e${s} ON leaddef_e${s}.leaddef_lead_id = ${source}.${ID}`;
    }).join("");
  }

  /** A lead-level column: qualified by the CTE it comes from inside a stream subquery (an event table may have a column of the same name). */
  private leadColumn(name: string): string {
    if (this.inEvent) this.readsLead = true;
    return this.inEvent ? `${this.outer}.${name}` : name;
  }

  /** An event's field, read from the event row `ev` and cast like input columns. */
  private eventField(f: IrField): string {
    const col = `ev.${this.d.ident(f.column)}`;
    if (f.kind === "number") return `CAST(${col} AS ${this.d.types.double})`;
    if (f.kind === "date") return `CAST(${col} AS ${this.d.types.date})`;
    return col;
  }

  /**
   * \`FROM <stream table> AS ev WHERE <this lead's events that have happened, in the window, matching>\`:
   * the body of every stream subquery. An event dated after the as-of date has not happened yet.
   */
  private eventsOf(stream: number, where: IrExpr | undefined, within: number | undefined): string {
    const age = this.eventAge(stream);
    const tests = [`${this.eventIdAs(`ev.${this.eventId}`)} = ${this.outer}.${ID}`, `${age} >= 0`];
    if (within !== undefined) tests.push(`${age} <= ${this.num(within, false)}`);
    if (where) {
      const outer = this.inEvent;
      this.inEvent = true;
      try {
        tests.push(this.cond(where));
      } finally {
        this.inEvent = outer;
      }
    }
    return `FROM ${this.eventTables[stream]} AS ev WHERE ${tests.join(" AND ")}`;
  }

  /** An event's age in days at the as-of date. */
  private eventAge(stream: number): string {
    const st = this.p.streams[stream];
    return this.d.daysBetween(this.eventField(st.fields[st.occurred]), this.asOf);
  }

  /**
   * The one rounding of points per event, as the JS evaluator's `round2` (runtime/events.ts): to
   * 6 decimals half up on the magnitude, then to 2 decimals half up, the sign put back. `from` is
   * the rest of a subquery yielding one column `t` (so the value is written once, not three times).
   */
  private round2(from: string): string {
    const n = `FLOOR(ABS(t) * ${this.d.double("1000000")} + ${this.d.double("0.5")})`;
    return `(SELECT SIGN(t) * (FLOOR((${n} + 5000) / 10000) / 100) FROM (SELECT ${from}) AS leaddef_r)`;
  }

  /** A `per` line's points: each matching event's worth, summed, capped at ±max, rounded; 0 without events. */
  private perLine(l: IrPerLine): string {
    const age = this.eventAge(l.stream);
    const worth = l.decay
      ? `${this.num(l.weight, true)} * POWER(${this.d.double(String(l.decay.factor))}, FLOOR(${age} / ${this.num(l.decay.every, true)}))`
      : this.num(l.weight, true);
    const grouped = this.groupedQuery(l.stream, l.where, l.within, (filter) => `SUM(${worth}) FILTER (WHERE ${filter})`);
    let sum = grouped ?? `SUM(${worth})`;
    // CASE, not LEAST/GREATEST: those skip NULL in some engines, and no events must stay NULL (0 points).
    if (l.max !== undefined) {
      const max = this.num(l.max, true);
      const min = this.num(-l.max, true);
      sum = `CASE WHEN ${sum} > ${max} THEN ${max} WHEN ${sum} < ${min} THEN ${min} ELSE ${sum} END`;
    }
    return `COALESCE(${this.round2(`${sum} AS t${grouped ? "" : ` ${this.eventsOf(l.stream, l.where, l.within)}`}`)}, 0)`;
  }

  /** The comment above a declaration's CTE: where it is written, then its text. */
  comment(dep: Dep): string {
    const src = declarationOf(this.p, dep).source;
    // A score's lines and bounds are commented where they are summed.
    const text = dep.kind === "score" || dep.kind === "grade" ? src.text.slice(0, src.text.indexOf("{") + 1).trimEnd() : src.text;
    return `${lineComments(`${src.file}:${src.line}`)}\n${lineComments(text)}`;
  }

  /** The expression of one criterion, score or stage. */
  declaration(dep: Dep): string {
    if (dep.kind === "criterion") return this.condition(this.p.criteria[dep.index].cond);
    if (dep.kind === "stage") return this.condition(this.p.stages[dep.index].cond);
    if (dep.kind === "disqualify") return this.condition(this.p.disqualifications[dep.index].cond);
    if (dep.kind === "grade") {
      // The first line that holds gives the letter, as CASE takes the first WHEN that holds.
      const g = this.p.grades[dep.index];
      const at = (line: number, text: string) => lineComments(`${g.source.file}:${line}  ${text}`, "      ");
      const whens = g.lines.map((l) => `\n${at(l.line, l.text)}\n      WHEN ${this.cond(l.cond.expr)} THEN ${this.d.string(l.letter)}`);
      return `CASE${whens.join("")}\n      ELSE ${this.d.string(g.otherwise)}\n    END`;
    }
    const s = this.p.scores[dep.index];
    const at = (line: number, text: string) => lineComments(`${s.source.file}:${line}  ${text}`, "      ");
    // 0 + each line's weight or 0, left to right: the same additions, in the same order, as JS.
    let sum = [
      this.d.double("0"),
      ...s.lines.map((l) => `\n${at(l.line, l.text)}\n      + CASE WHEN ${this.cond(l.cond.expr)} THEN ${this.num(l.weight, false)} ELSE 0 END`),
      ...s.perLines.map((l) => `\n${at(l.line, l.text)}\n      + ${this.perLine(l)}`),
    ].join("");
    // Per-event points have cents: the sum is rounded as the JS evaluator rounds it.
    if (s.perLines.length) sum = this.round2(`${sum}\n      AS t`);
    const bound = (which: "cap" | "floor") => {
      const b = s.bounds.find((x) => x.text.trimStart().startsWith(which));
      return b ? `\n${at(b.line, b.text)}\n      ` : " ";
    };
    if (s.cap !== undefined) sum = `LEAST(${sum},${bound("cap")}${this.num(s.cap, false)})`;
    if (s.floor !== undefined) sum = `GREATEST(${sum},${bound("floor")}${this.num(s.floor, false)})`;
    return sum;
  }

  /** The condition of one outcome declaration. */
  outcome(index: number): string {
    return this.condition(this.p.outcomes[index].cond);
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
  private caseInsensitive(text: IrExpr, needle: IrExpr, test: (text: string, needle: string) => string, at: NeedleAt): string {
    const pattern = needle.k === "const" ? caseFoldedPattern(this.d, this.value(text), String(needle.value), at) : undefined;
    if (pattern) return this.safe(pattern);
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
        return this.leadColumn(this.names.field(e.field.index));
      case "criterion": return this.leadColumn(this.names.decl("criterion", e.index));
      case "stage": return this.leadColumn(this.names.decl("stage", e.index));
      case "score": return this.leadColumn(this.names.decl("score", e.index));
      case "eventField": return this.eventField(e.field);
      case "count": {
        const grouped = this.groupedQuery(e.stream, e.where, e.within, (filter) => `COUNT(*) FILTER (WHERE ${filter})`);
        return grouped ? `COALESCE(${grouped}, 0)` : `(SELECT COUNT(*) ${this.eventsOf(e.stream, e.where, e.within)})`;
      }
      case "latest": {
        const st = this.p.streams[e.stream];
        const occurred = this.eventField(st.fields[st.occurred]);
        return this.groupedQuery(e.stream, e.where, e.within, (filter) => `MAX(${occurred}) FILTER (WHERE ${filter})`) ?? `(SELECT MAX(${occurred}) ${this.eventsOf(e.stream, e.where, e.within)})`;
      }
      case "grade": return this.leadColumn(this.names.decl("grade", e.index));
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
      case "field": case "eventField": return this.safe(this.value(e));
      case "criterion": return this.leadColumn(this.names.decl("criterion", e.index));
      case "stage": return this.leadColumn(this.names.decl("stage", e.index));
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
        return this.caseInsensitive(e.l, e.r, d.containsText, "anywhere");
      case "startsWith": return this.caseInsensitive(e.l, e.r, d.startsWithText, "start");
      case "endsWith": return this.caseInsensitive(e.l, e.r, d.endsWithText, "end");
      case "presence": {
        this.usedFields.add(e.field.index);
        const f = this.leadColumn(this.names.field(e.field.index));
        const missing = e.field.kind === "list" ? d.listMissing(f) : `${f} IS NULL`;
        return e.missing ? `(${missing})` : `(NOT (${missing}))`;
      }
      case "eventPresence": {
        const f = this.eventField(e.field);
        return e.missing ? `(${f} IS NULL)` : `(${f} IS NOT NULL)`;
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
