import type { IrExpr, IrField, IrProgram, IrStream } from "../ir.js";
import { formatDateDays, parseDateDays } from "../../language/literals.js";
import type { Vocabulary } from "./smt-encode.js";

/**
 * Leads for `compare`'s bounded search, where the solver's encoding is not exact: values drawn
 * near the definitions' own constants (each threshold, one either side of it, half a step
 * past it), their texts in several casings and inside longer texts, every enum member, lists
 * of the texts looked for, and missing values, from a fixed seed so runs repeat. A lead gets
 * up to eight events per stream the definitions declare, aged near their windows and decay
 * periods (and one day in the future), their fields drawn like the lead's.
 */

/** Writes `value` at a field's path in a nested lead object. */
export function setPath(lead: Record<string, unknown>, segments: string[], value: unknown): void {
  let at = lead;
  for (const s of segments.slice(0, -1)) {
    if (!Object.prototype.hasOwnProperty.call(at, s)) Object.defineProperty(at, s, { value: {}, enumerable: true, writable: true, configurable: true });
    at = at[s] as Record<string, unknown>;
  }
  Object.defineProperty(at, segments[segments.length - 1], { value, enumerable: true, writable: true, configurable: true });
}

/** A small deterministic generator (mulberry32): the same seed gives the same numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function constants(programs: IrProgram[]): { numbers: number[]; texts: string[]; days: number[]; ages: number[] } {
  const numbers = new Set<number>([0, 1]);
  const texts = new Set<string>([""]);
  const days = new Set<number>();
  // event ages: the windows and decay periods, one day either side, today and tomorrow
  const ages = new Set<number>([0, -1]);
  const age = (n: number | undefined) => {
    if (n !== undefined) for (const a of [n - 1, n, n + 1]) if (a >= 0) ages.add(a);
  };
  const visit = (e: IrExpr) => {
    if (e.k === "const") {
      if (e.kind === "number") numbers.add(Number(e.value));
      else if (e.kind === "date") days.add(Number(e.value));
      else if (e.kind === "string") texts.add(String(e.value));
    }
    if (e.k === "atLeast") numbers.add(e.n);
    if (e.k === "count" || e.k === "latest") age(e.within);
    for (const c of children(e)) visit(c);
  };
  for (const p of programs) {
    for (const c of p.criteria) visit(c.cond.expr);
    for (const s of p.stages) visit(s.cond.expr);
    for (const d of p.disqualifications) visit(d.cond.expr);
    for (const g of p.grades) for (const l of g.lines) visit(l.cond.expr);
    for (const s of p.scores) {
      for (const l of s.lines) visit(l.cond.expr);
      for (const b of [s.cap, s.floor]) if (b !== undefined) numbers.add(b);
      for (const l of s.perLines) {
        if (l.where) visit(l.where);
        age(l.within);
        if (l.decay) for (let k = 1; k <= 3; k++) age(l.decay.every * k);
      }
    }
  }
  return { numbers: [...numbers], texts: [...texts], days: [...days], ages: [...ages] };
}

/** Each stream the definitions declare, by name (the first declaration of a name wins). */
function streamsOf(programs: IrProgram[]): IrStream[] {
  const byName = new Map<string, IrStream>();
  for (const p of programs) for (const s of p.streams) if (!byName.has(s.name)) byName.set(s.name, s);
  return [...byName.values()];
}

function children(e: IrExpr): IrExpr[] {
  switch (e.k) {
    case "not": case "neg": case "daysSince": return [e.e];
    case "and": case "or": case "cmp": case "contains": case "startsWith": case "endsWith": case "arith": return [e.l, e.r];
    case "in": return [e.e, ...e.items];
    case "atLeast": return e.items;
    case "count": case "latest": return e.where ? [e.where] : [];
    default: return [];
  }
}

/** `count` generated leads with their as-of dates. */
export function* randomLeads(v: Vocabulary, programs: IrProgram[], count: number, seed = 20261122): Generator<{ lead: Record<string, unknown>; asOf: string }> {
  const random = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const c = constants(programs);
  const near = (n: number) => pick([n, n, n - 1, n + 1, n - 0.5, n + 0.5, -n, n * 2]);
  const texts = c.texts.flatMap((t) => [t, t.toUpperCase(), t.toLowerCase(), `x${t}`, `${t}x`, `${t.slice(0, Math.max(0, t.length - 1))}`]);
  const baseAsOf = parseDateDays("2026-11-22");
  const streams = streamsOf(programs);
  for (let i = 0; i < count; i++) {
    const asOf = random() < 0.7 ? baseAsOf : pick(c.days.length ? c.days : [baseAsOf]) + Math.floor(random() * 400 - 200);
    /** A value for a field of the lead or of an event; undefined: leave it out. */
    const valueOf = (f: Pick<IrField, "kind" | "integer" | "members">, constants: readonly string[]): unknown => {
      switch (f.kind) {
        case "number": {
          const n = near(pick(c.numbers));
          return f.integer ? Math.round(n) : n;
        }
        case "date": {
          // days before the as-of date near the thresholds, or near a date constant
          const back = Math.round(near(pick(c.numbers.filter((n) => Math.abs(n) < 100_000))));
          return formatDateDays(random() < 0.7 || !c.days.length ? asOf - back : pick(c.days) + Math.round(random() * 4 - 2));
        }
        case "boolean": return random() < 0.5;
        case "enum": return f.members.length ? pick(f.members) : undefined;
        case "string": return pick(texts);
        case "list": return [...constants, ...c.texts].filter(() => random() < 0.3);
      }
    };
    const lead: Record<string, unknown> = {};
    for (const f of v.fields) {
      if (!f.required && random() < 0.2) continue;
      const value = valueOf(f, f.constants);
      if (value !== undefined) setPath(lead, f.segments, value);
    }
    for (const s of streams) {
      const events: Record<string, unknown>[] = [];
      for (let n = Math.floor(random() * random() * 9); n > 0; n--) {
        // Half the time a copy of an earlier event at another age: "three pricing page views" needs alike events.
        if (events.length && random() < 0.5) {
          events.push({ ...pick(events), [s.fields[s.occurred].path]: formatDateDays(asOf - pick(c.ages)) });
          continue;
        }
        const event: Record<string, unknown> = {};
        s.fields.forEach((f, k) => {
          if (k === s.occurred) event[f.path] = formatDateDays(asOf - (random() < 0.8 ? pick(c.ages) : Math.floor(random() * 400)));
          else if (!(f.optional && random() < 0.2)) {
            const value = valueOf(f, []);
            if (value !== undefined) event[f.path] = value;
          }
        });
        events.push(event);
      }
      setPath(lead, [s.name], events);
    }
    yield { lead, asOf: formatDateDays(asOf) };
  }
}
