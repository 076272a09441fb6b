import type { IrExpr, IrProgram } from "../ir.js";
import { formatDateDays, parseDateDays } from "../../language/literals.js";
import type { Vocabulary } from "./smt-encode.js";

/**
 * Leads for `compare`'s bounded search, where the solver's encoding is not exact: values drawn
 * near the definitions' own constants (each threshold, one either side of it, half a step
 * past it), their texts in several casings and inside longer texts, every enum member, lists
 * of the texts looked for, and missing values, from a fixed seed so runs repeat.
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

/** A small deterministic generator (mulberry32). */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function constants(programs: IrProgram[]): { numbers: number[]; texts: string[]; days: number[] } {
  const numbers = new Set<number>([0, 1]);
  const texts = new Set<string>([""]);
  const days = new Set<number>();
  const visit = (e: IrExpr) => {
    if (e.k === "const") {
      if (e.kind === "number") numbers.add(Number(e.value));
      else if (e.kind === "date") days.add(Number(e.value));
      else if (e.kind === "string") texts.add(String(e.value));
    }
    if (e.k === "atLeast") numbers.add(e.n);
    for (const c of children(e)) visit(c);
  };
  for (const p of programs) {
    for (const c of p.criteria) visit(c.cond.expr);
    for (const s of p.stages) visit(s.cond.expr);
    for (const s of p.scores) {
      for (const l of s.lines) visit(l.cond.expr);
      for (const b of [s.cap, s.floor]) if (b !== undefined) numbers.add(b);
    }
  }
  return { numbers: [...numbers], texts: [...texts], days: [...days] };
}

function children(e: IrExpr): IrExpr[] {
  switch (e.k) {
    case "not": case "neg": case "daysSince": return [e.e];
    case "and": case "or": case "cmp": case "contains": case "startsWith": case "endsWith": case "arith": return [e.l, e.r];
    case "in": return [e.e, ...e.items];
    case "atLeast": return e.items;
    default: return [];
  }
}

/** `count` generated leads with their as-of dates. */
export function* randomLeads(v: Vocabulary, programs: IrProgram[], count: number, seed = 20261122): Generator<{ lead: Record<string, unknown>; asOf: string }> {
  const random = generator(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const c = constants(programs);
  const near = (n: number) => pick([n, n, n - 1, n + 1, n - 0.5, n + 0.5, -n, n * 2]);
  const texts = c.texts.flatMap((t) => [t, t.toUpperCase(), t.toLowerCase(), `x${t}`, `${t}x`, `${t.slice(0, Math.max(0, t.length - 1))}`]);
  const baseAsOf = parseDateDays("2026-11-22");
  for (let i = 0; i < count; i++) {
    const asOf = random() < 0.7 ? baseAsOf : pick(c.days.length ? c.days : [baseAsOf]) + Math.floor(random() * 400 - 200);
    const lead: Record<string, unknown> = {};
    for (const f of v.fields) {
      if (!f.required && random() < 0.2) continue;
      let value: unknown;
      switch (f.kind) {
        case "number": {
          const n = near(pick(c.numbers));
          value = f.integer ? Math.round(n) : n;
          break;
        }
        case "date": {
          // days before the as-of date near the thresholds, or near a date constant
          const back = Math.round(near(pick(c.numbers.filter((n) => Math.abs(n) < 100_000))));
          value = formatDateDays(random() < 0.7 || !c.days.length ? asOf - back : pick(c.days) + Math.round(random() * 4 - 2));
          break;
        }
        case "boolean": value = random() < 0.5; break;
        case "enum":
          if (!f.members.length) continue;
          value = pick(f.members);
          break;
        case "string": value = pick(texts); break;
        case "list": value = [...f.constants, ...c.texts].filter(() => random() < 0.3); break;
      }
      setPath(lead, f.segments, value);
    }
    yield { lead, asOf: formatDateDays(asOf) };
  }
}
