// compare on generated programs (test/support/random-program.ts, the SQL differential's
// generator): a program against a one-operator mutation of itself. Whatever the solver answers
// must agree with the evaluator: every counterexample reproduces (compare itself stops on one that
// does not; replayed here too), and every "same", when proved, holds on the generated leads.
import { afterAll, describe, expect, it } from "vitest";
import { compareDefinitions } from "../compiler/analysis/compare.js";
import { shutdownSolvers } from "../compiler/analysis/smt.js";
import { compile } from "../compiler/compile.js";
import type { Program } from "../compiler/runtime/program.js";
import { generateCase } from "./support/random-program.js";

afterAll(() => shutdownSolvers());

/** One operator changed: the first `and` becomes `or`, else a comparison loosens or tightens. */
function mutate(source: string, seed: number): string {
  const body = source.slice(source.indexOf("}\n") + 2);
  const head = source.slice(0, source.indexOf("}\n") + 2);
  const swaps: [RegExp, string][] = [[/ and /, " or "], [/ >= /, " > "], [/ < /, " <= "], [/ or /, " and "], [/ = /, " != "]];
  for (let k = 0; k < swaps.length; k++) {
    const [from, to] = swaps[(seed + k) % swaps.length];
    if (from.test(body)) return head + body.replace(from, to);
  }
  return `${source}\nextra_stage when false\n`;
}

const reached = (p: Program, stage: string, got: string) => p.stages.includes(stage) && p.stages.indexOf(got) >= p.stages.indexOf(stage);

describe("compare on generated programs agrees with the evaluator", () => {
  it.each(Array.from({ length: 12 }, (_, i) => i + 1))("seed %i", async (seed) => {
    const c = generateCase(seed, 60);
    const old = compile(c.source).program!;
    const now = compile(mutate(c.source, seed)).program;
    expect(now, "the mutation compiles").toBeDefined();
    const r = await compareDefinitions({ old, new: now! }, { searchSize: 3000 });
    const witnesses = [...Object.values(r.stages), ...Object.values(r.scores)].flatMap((x) => x.counterexamples);
    for (const w of witnesses) {
      expect(old.evaluate(w.lead, { asOf: w.as_of })).toEqual(w.old);
      expect(now!.evaluate(w.lead, { asOf: w.as_of })).toEqual(w.new);
    }
    for (const lead of c.leads) {
      const a = old.evaluate(lead, { asOf: c.asOf });
      const b = now!.evaluate(lead, { asOf: c.asOf });
      for (const [stage, s] of Object.entries(r.stages)) {
        if (s.relation === "same" && s.proved) expect(reached(now!, stage, b.stage), `${stage} for ${JSON.stringify(lead)}`).toBe(reached(old, stage, a.stage));
        if (s.relation === "stricter" && s.proved) expect(!reached(old, stage, a.stage) && reached(now!, stage, b.stage)).toBe(false);
        if (s.relation === "looser" && s.proved) expect(reached(old, stage, a.stage) && !reached(now!, stage, b.stage)).toBe(false);
      }
      for (const [score, s] of Object.entries(r.scores)) {
        // rationals in the solver, doubles in the evaluator: equal up to rounding
        if (s.relation === "same" && s.proved) expect(Math.abs(a.scores[score] - b.scores[score])).toBeLessThan(1e-9);
      }
    }
    if (r.equivalent === true) expect(witnesses).toEqual([]);
  }, 120_000);

  it("a program compared with itself is never reported different", async () => {
    for (const seed of [3, 17, 24]) {
      const p = compile(generateCase(seed, 0).source).program!;
      const r = await compareDefinitions({ old: p, new: p }, { searchSize: 1000 });
      expect(r.equivalent, `seed ${seed}`).not.toBe(false);
      if (r.method === "solver") expect(r.equivalent).toBe(true);
    }
  }, 120_000);
});
