// The analyses behind `explain`'s nearest miss and `report`: the per-condition evaluator agrees
// with the generated one; the nearest miss is the smallest set of failing conditions; the
// funnel numbers add up; conditions print from the tree.
import fc from "fast-check";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { conditionText } from "../compiler/analysis/describe.js";
import { IrEvaluator } from "../compiler/analysis/evaluate-ir.js";
import { FunnelAccumulator, scoreRange } from "../compiler/analysis/funnel.js";
import { nearestMiss } from "../compiler/analysis/nearest-miss.js";
import { JsonBinder } from "../compiler/batch/js/binder.js";
import { renderExplanation } from "../compiler/app/render.js";
import { compile } from "../compiler/compile.js";
import { asOfDays, type Program } from "../compiler/runtime/program.js";
import { generateCase } from "./support/random-program.js";

const AS_OF = "2026-11-22";

/** Binds a lead object to the program's fields, as the batch readers do. */
function bind(program: Program, lead: Record<string, unknown>): unknown[] | undefined {
  const vals: unknown[] = new Array(program.fields.length);
  const reject = new JsonBinder(program.fields, "id").bind(lead, 1, 1, vals);
  return reject ? undefined : vals;
}

describe("the per-condition evaluator", () => {
  it("agrees with the generated evaluator on random programs and leads: stage, scores, every flag", () => {
    let compared = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        const c = generateCase(seed, 20);
        const program = compile(c.source, { path: resolve("random.leaddef") }).program!;
        const ir = program.ir;
        const ev = new IrEvaluator(ir);
        const asOf = asOfDays(c.asOf);
        const out: unknown[] = [];
        for (const lead of c.leads) {
          const vals = bind(program, lead);
          if (!vals) continue;
          program.evaluateValues(vals, asOf, out, true);
          const env = ev.env(vals, asOf);
          let stage = -1;
          ir.stages.forEach((_, i) => { if (ev.stage(i, env)) stage = i; });
          const got = [stage, ...ir.scores.map((_, i) => ev.score(i, env)), ...ir.criteria.map((_, i) => ev.criterion(i, env)), ...ir.stages.map((_, i) => ev.stage(i, env))];
          expect(got, c.source).toEqual(out.slice(0, got.length));
          compared++;
        }
      }),
      { numRuns: 60 },
    );
    expect(compared).toBeGreaterThan(500);
  });
});

const DEF = `schema {
  company.employees: integer?
  company.revenue_usd: number?
  contact.seniority: enum(individual, manager, director, vp)?
  budget.allocated: boolean?
  urgency.event: boolean?
  engagement.score: number?
}

param mql_min = 60

criterion big when
  company.employees >= 500          # a trailing comment
  and (company.revenue_usd >= 100M  # another one
    or company.revenue_usd is missing)

mql when big and (engagement.score >= mql_min or contact.seniority >= director)
sql when mql and at least 2 of [budget.allocated, urgency.event, contact.seniority = vp]
`;

function missFor(lead: Record<string, unknown>, stage: number) {
  const program = compile(DEF).program!;
  const ev = new IrEvaluator(program.ir);
  const env = ev.env(bind(program, lead)!, asOfDays(AS_OF));
  return nearestMiss(program.ir, ev, env, stage);
}

describe("the nearest miss", () => {
  it("looks into criteria and takes the cheaper side of an `or`", () => {
    const miss = missFor({ company: { employees: 118, revenue_usd: 5e8 }, engagement: { score: 10 }, contact: { seniority: "manager" } }, 0);
    expect(miss.needs.map(conditionText)).toEqual(["company.employees >= 500", "engagement.score >= mql_min"]);
    expect(miss.parts.map((p) => [p.text, p.holds])).toEqual([["big", false], ["(engagement.score >= mql_min or contact.seniority >= director)", false]]);
  });

  it("is empty for a stage the lead reaches", () => {
    const miss = missFor({ company: { employees: 900 }, engagement: { score: 70 } }, 0);
    expect(miss.needs).toEqual([]);
    expect(miss.parts.every((p) => p.holds)).toBe(true);
  });

  it("`at least N of` needs only as many failing items as it is short, and says how many hold", () => {
    const miss = missFor({ company: { employees: 900 }, engagement: { score: 70 }, budget: { allocated: false }, urgency: { event: true }, contact: { seniority: "manager" } }, 1);
    expect(miss.needs).toHaveLength(1);
    expect(miss.counts.map((c) => [c.expr.n, c.holding])).toEqual([[2, 1]]);
    expect(miss.parts.filter((p) => !p.holds).map((p) => p.text)).toEqual(["at least 2 of [budget.allocated, urgency.event, contact.seniority = vp]"]);
  });

  it("explain says what is missing with the values that decided, and prints conditions without comments", () => {
    const program = compile(DEF).program!;
    const x = program.explain({ company: { employees: 118, revenue_usd: 5e8 }, engagement: { score: 70 } }, { asOf: AS_OF });
    expect(x.next?.stage).toBe("mql");
    expect(x.next?.needs).toEqual([{ text: "company.employees >= 500", fields: [{ path: "company.employees", value: 118 }] }]);
    const text = renderExplanation(x);
    expect(text).toContain("to reach mql, it needs (the nearest miss):\n    company.employees >= 500 — has company.employees = 118");
    expect(text).toContain("(company.revenue_usd >= 100M or company.revenue_usd is missing)");
    expect(text).not.toContain("#");
    const top = program.explain({ company: { employees: 900 }, engagement: { score: 70 }, budget: { allocated: true }, urgency: { event: true } }, { asOf: AS_OF });
    expect(top.stage).toBe("sql");
    expect(top.next).toBeUndefined();
  });
});

describe("the funnel numbers", () => {
  it("count leads per stage, what holds them back, pass rates and score bins", () => {
    const source = `schema {
  a: boolean?
  b: boolean?
  c: boolean?
}
criterion ca when a
score s { +10 when a
  +5 when b
  -3 when c }
one when ca
two when one and b and c
`;
    const program = compile(source).program!;
    const ir = program.ir;
    const ev = new IrEvaluator(ir);
    const acc = new FunnelAccumulator(ir);
    const leads = [
      { a: false, b: true, c: true }, // none; mql needs a
      { a: true, b: false, c: true }, // one; two fails only b
      { a: true, b: false, c: false }, // one; two fails b and c
      { a: true, b: true, c: true }, // two
    ];
    const out: unknown[] = [];
    for (const lead of leads) {
      const vals = bind(program, lead)!;
      program.evaluateValues(vals, 0, out, true);
      const stage = out[0] as number;
      const miss = stage + 1 < ir.stages.length ? nearestMiss(ir, ev, ev.env(vals, 0), stage + 1) : undefined;
      acc.add(stage, [out[1] as number], [out[2] as boolean], miss);
    }
    const r = acc.result();
    expect(r.stages.map((s) => [s.name, s.count, s.reached])).toEqual([["none", 1, 4], ["one", 2, 3], ["two", 1, 1]]);
    expect(r.stages[2].conversion).toBeCloseTo(1 / 3);
    expect(r.heldBack[1]).toMatchObject({ stage: "two", from: "one", leads: 2, oneAway: 1 });
    expect(r.heldBack[1].parts).toEqual([
      { text: "one", failsOnly: 0, failsAtAll: 0 },
      { text: "b", failsOnly: 1, failsAtAll: 2 },
      { text: "c", failsOnly: 0, failsAtAll: 1 },
    ]);
    expect(r.heldBack[0].parts).toEqual([{ text: "ca", failsOnly: 1, failsAtAll: 1 }]);
    expect(r.criteria).toEqual([{ name: "ca", passed: 3, rate: 0.75 }]);
    expect(scoreRange(ir.scores[0])).toEqual({ lo: -3, hi: 15 });
    const s = r.scores[0];
    expect([s.min, s.max, s.mean]).toEqual([2, 12, (2 + 7 + 10 + 12) / 4]);
    expect(s.bins.reduce((n, b) => n + b.count, 0)).toBe(4);
    expect(s.bins.find((b) => b.from <= 7 && 7 < b.to)?.count).toBe(1);
  });
});
