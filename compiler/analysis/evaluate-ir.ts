import { foldCase } from "../runtime/case-fold.js";
import type { IrExpr, IrPerLine, IrProgram } from "../ir.js";
import { eventWorth, round2 } from "../runtime/events.js";

/**
 * Evaluates any single IR expression of a program over bound values (the representation the
 * data readers produce: missing numbers and dates are NaN, other missing values undefined), so
 * analyses can ask about one condition inside a declaration — which the generated evaluator,
 * built to answer the whole program fast, does not expose. Each expression becomes a closure
 * once; criteria, stages and scores are computed at most once per lead.
 *
 * The semantics are the generated evaluator's (compiler/js/emit-js.ts), rule for rule; a test
 * checks every stage, criterion and score against it on random programs and leads.
 */
export class LeadEnv {
  criteria: (boolean | undefined)[];
  stages: (boolean | undefined)[];
  scores: (number | undefined)[];
  /** The event a stream query's `where` is looking at (its field values). */
  event: readonly unknown[] | undefined;
  grades: (string | undefined)[];

  constructor(readonly vals: readonly unknown[], readonly asOf: number, ir: IrProgram) {
    this.criteria = new Array(ir.criteria.length);
    this.stages = new Array(ir.stages.length);
    this.scores = new Array(ir.scores.length);
    this.grades = new Array(ir.grades.length);
  }
}

type Fn = (env: LeadEnv) => unknown;

const missing = (v: unknown) => v === undefined || (typeof v === "number" && v !== v);

/** Closures for a program's expressions, compiled on first use and kept by node. */
export class IrEvaluator {
  private readonly cache = new Map<IrExpr, Fn>();

  constructor(readonly ir: IrProgram) {}

  /** A fresh per-lead environment. */
  env(vals: readonly unknown[], asOf: number): LeadEnv {
    return new LeadEnv(vals, asOf, this.ir);
  }

  /** Whether the condition holds for the lead (missing is false). */
  holds(e: IrExpr, env: LeadEnv): boolean {
    return this.fn(e)(env) === true;
  }

  /** The expression's value for the lead (NaN or undefined when missing). */
  value(e: IrExpr, env: LeadEnv): unknown {
    return this.fn(e)(env);
  }

  criterion(index: number, env: LeadEnv): boolean {
    return (env.criteria[index] ??= this.holds(this.ir.criteria[index].cond.expr, env));
  }

  stage(index: number, env: LeadEnv): boolean {
    return (env.stages[index] ??= this.holds(this.ir.stages[index].cond.expr, env));
  }

  score(index: number, env: LeadEnv): number {
    const known = env.scores[index];
    if (known !== undefined) return known;
    const s = this.ir.scores[index];
    let total = 0;
    for (const line of s.lines) if (this.holds(line.cond.expr, env)) total += line.weight;
    for (const line of s.perLines) total += this.perLine(line, env);
    if (s.perLines.length) total = round2(total);
    if (s.cap !== undefined && total > s.cap) total = s.cap;
    if (s.floor !== undefined && total < s.floor) total = s.floor;
    return (env.scores[index] = total);
  }

  /** The events of stream s that count at the as-of date and match (`where`, `within`), with their ages. */
  matchingEvents(stream: number, where: IrExpr | undefined, within: number | undefined, env: LeadEnv): { event: readonly unknown[]; age: number; index: number }[] {
    const events = (env.vals[this.ir.fields.length + stream] ?? []) as readonly (readonly unknown[])[];
    const occ = this.ir.streams[stream].occurred;
    const test = where ? this.fn(where) : undefined;
    const out: { event: readonly unknown[]; age: number; index: number }[] = [];
    const outer = env.event;
    try {
      events.forEach((event, index) => {
        const age = env.asOf - (event[occ] as number);
        if (!(age >= 0) || (within !== undefined && age > within)) return;
        env.event = event;
        if (!test || test(env) === true) out.push({ event, age, index });
      });
    } finally {
      env.event = outer;
    }
    return out;
  }

  /** A `per` line's points for the lead: per matching event, decayed; capped at ±max; rounded. */
  perLine(line: IrPerLine, env: LeadEnv): number {
    let t = 0;
    for (const m of this.matchingEvents(line.stream, line.where, line.within, env)) t += eventWorth(line.weight, m.age, line.decay);
    if (line.max !== undefined) t = Math.max(-line.max, Math.min(line.max, t));
    return round2(t);
  }

  /** A grade's letter: the first line that holds, else its `else` letter. */
  grade(index: number, env: LeadEnv): string {
    const known = env.grades[index];
    if (known !== undefined) return known;
    const g = this.ir.grades[index];
    const line = g.lines.find((l) => this.holds(l.cond.expr, env));
    return (env.grades[index] = line ? line.letter : g.otherwise);
  }

  /** The first disqualification that holds for the lead, or undefined. */
  disqualification(env: LeadEnv): IrProgram["disqualifications"][number] | undefined {
    return this.ir.disqualifications.find((d) => this.holds(d.cond.expr, env));
  }

  private fn(e: IrExpr): Fn {
    let f = this.cache.get(e);
    if (!f) this.cache.set(e, (f = this.build(e)));
    return f;
  }

  private build(e: IrExpr): Fn {
    switch (e.k) {
      case "const": {
        const v = e.value;
        return () => v;
      }
      case "field": {
        const i = e.field.index;
        return (env) => env.vals[i];
      }
      case "criterion": return (env) => this.criterion(e.index, env);
      case "stage": return (env) => this.stage(e.index, env);
      case "score": return (env) => this.score(e.index, env);
      case "grade": return (env) => this.grade(e.index, env);
      case "not": {
        const x = this.fn(e.e);
        return (env) => x(env) !== true;
      }
      case "and": {
        const l = this.fn(e.l);
        const r = this.fn(e.r);
        return (env) => l(env) === true && r(env) === true;
      }
      case "or": {
        const l = this.fn(e.l);
        const r = this.fn(e.r);
        return (env) => l(env) === true || r(env) === true;
      }
      case "cmp": return this.compare(e);
      case "in": {
        const x = this.fn(e.e);
        const items = e.items.map((i) => this.fn(i));
        return (env) => {
          const v = x(env);
          if (missing(v)) return false;
          const any = items.some((i) => i(env) === v);
          return e.negated ? !any : any;
        };
      }
      case "contains": {
        const l = this.fn(e.l);
        const r = this.fn(e.r);
        if (e.on === "list") {
          return (env) => {
            const list = l(env) as string[] | undefined;
            return list !== undefined && list.includes(r(env) as string);
          };
        }
        return (env) => {
          const a = l(env) as string | undefined;
          const b = r(env) as string | undefined;
          return a !== undefined && b !== undefined && foldCase(a).includes(foldCase(b));
        };
      }
      case "startsWith": case "endsWith": {
        const l = this.fn(e.l);
        const r = this.fn(e.r);
        const method = e.k;
        return (env) => {
          const a = l(env) as string | undefined;
          const b = r(env) as string | undefined;
          return a !== undefined && b !== undefined && foldCase(a)[method](foldCase(b));
        };
      }
      case "presence": {
        const i = e.field.index;
        return (env) => missing(env.vals[i]) === e.missing;
      }
      case "arith": {
        const l = this.fn(e.l);
        const r = this.fn(e.r);
        switch (e.op) {
          case "+": return (env) => (l(env) as number) + (r(env) as number);
          case "-": return (env) => (l(env) as number) - (r(env) as number);
          case "*": return (env) => (l(env) as number) * (r(env) as number);
          case "/": return (env) => {
            const d = r(env) as number;
            return d === 0 ? NaN : (l(env) as number) / d;
          };
        }
        break;
      }
      case "neg": {
        const x = this.fn(e.e);
        return (env) => -(x(env) as number);
      }
      case "daysSince": {
        const x = this.fn(e.e);
        return (env) => env.asOf - (x(env) as number);
      }
      case "eventField": {
        const i = e.field.index;
        return (env) => env.event?.[i];
      }
      case "eventPresence": {
        const i = e.field.index;
        return (env) => missing(env.event?.[i]) === e.missing;
      }
      case "count": return (env) => this.matchingEvents(e.stream, e.where, e.within, env).length;
      case "latest": {
        const occ = this.ir.streams[e.stream].occurred;
        return (env) => {
          let m = NaN;
          for (const x of this.matchingEvents(e.stream, e.where, e.within, env)) if (m !== m || (x.event[occ] as number) > m) m = x.event[occ] as number;
          return m;
        };
      }
      case "atLeast": {
        const items = e.items.map((i) => this.fn(i));
        return (env) => {
          let n = 0;
          for (const i of items) if (i(env) === true) n++;
          return n >= e.n;
        };
      }
    }
    throw new Error(`internal: cannot evaluate ${(e as IrExpr).k}`);
  }

  private compare(e: Extract<IrExpr, { k: "cmp" }>): Fn {
    const l = this.fn(e.l);
    const r = this.fn(e.r);
    if (e.kind === "number" || e.kind === "date") {
      // NaN (missing) compares false with everything, `!=` included.
      switch (e.op) {
        case "=": return (env) => l(env) === r(env);
        case "!=": return (env) => {
          const a = l(env) as number;
          const b = r(env) as number;
          return a < b || a > b;
        };
        case "<": return (env) => (l(env) as number) < (r(env) as number);
        case "<=": return (env) => (l(env) as number) <= (r(env) as number);
        case ">": return (env) => (l(env) as number) > (r(env) as number);
        case ">=": return (env) => (l(env) as number) >= (r(env) as number);
      }
    }
    if (e.kind === "enum" && e.op !== "=" && e.op !== "!=") {
      const rank = new Map(e.members.map((m, i) => [m, i]));
      const order = (v: unknown) => (v === undefined ? NaN : rank.get(v as string) ?? NaN);
      const op = e.op;
      return (env) => {
        const a = order(l(env));
        const b = order(r(env));
        return op === "<" ? a < b : op === "<=" ? a <= b : op === ">" ? a > b : a >= b;
      };
    }
    // strings, enum members, booleans: both sides must be present.
    if (e.op === "=") return (env) => {
      const a = l(env);
      return a !== undefined && a === r(env);
    };
    return (env) => {
      const a = l(env);
      const b = r(env);
      return a !== undefined && b !== undefined && a !== b;
    };
  }
}
