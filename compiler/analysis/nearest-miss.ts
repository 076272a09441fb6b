import type { IrExpr, IrProgram } from "../ir.js";
import type { IrEvaluator, LeadEnv } from "./evaluate-ir.js";

/**
 * The nearest miss: for a lead and a stage it did not reach, the smallest set of its conditions
 * that are false and would have to hold for the stage to hold, everything else about the lead
 * unchanged. `and` needs what each side needs; `or` needs the cheaper side; `at least N of`
 * needs the cheapest of its failing items, as many as it is short; a criterion or stage used by
 * name is looked into. A negation, comparison, membership or presence test is one condition.
 * `explain`, the report's "held back by" counts and the editor use this one computation.
 */
export interface NearestMiss {
  stage: string;
  /** The stage condition's top-level `and` parts, with whether each holds and what it needs. */
  parts: { text: string; holds: boolean; needs: IrExpr[] }[];
  /** Every condition that must become true (the union of the parts' needs). */
  needs: IrExpr[];
  /** Each `at least N of […]` met on the way: how many of its items hold. */
  counts: { expr: Extract<IrExpr, { k: "atLeast" }>; holding: number }[];
}

interface Need {
  atoms: IrExpr[];
}

const NOTHING: Need = { atoms: [] };

class MissFinder {
  readonly counts: NearestMiss["counts"] = [];
  constructor(private readonly ir: IrProgram, private readonly ev: IrEvaluator, private readonly env: LeadEnv) {}

  /** What `e` needs to hold: nothing exactly when it holds. Each node is evaluated once. */
  need(e: IrExpr): Need {
    switch (e.k) {
      case "and": {
        const l = this.need(e.l);
        const r = this.need(e.r);
        if (l.atoms.length === 0) return r;
        if (r.atoms.length === 0) return l;
        return { atoms: unique([...l.atoms, ...r.atoms]) };
      }
      case "or": {
        const l = this.need(e.l);
        if (l.atoms.length === 0) return NOTHING;
        const r = this.need(e.r);
        if (r.atoms.length === 0) return NOTHING;
        return r.atoms.length < l.atoms.length ? r : l;
      }
      case "atLeast": {
        let holding = 0;
        const failing: Need[] = [];
        for (const item of e.items) {
          const n = this.need(item);
          if (n.atoms.length === 0) holding++;
          else failing.push(n);
        }
        if (holding >= e.n) return NOTHING;
        this.counts.push({ expr: e, holding });
        failing.sort((a, b) => a.atoms.length - b.atoms.length);
        return { atoms: unique(failing.slice(0, e.n - holding).flatMap((n) => n.atoms)) };
      }
      // A criterion or stage the evaluator has decided is looked into only when it fails.
      case "criterion": return this.ev.criterion(e.index, this.env) ? NOTHING : this.need(this.ir.criteria[e.index].cond.expr);
      case "stage": return this.ev.stage(e.index, this.env) ? NOTHING : this.need(this.ir.stages[e.index].cond.expr);
      default: return this.ev.holds(e, this.env) ? NOTHING : { atoms: [e] };
    }
  }
}

function unique<T>(xs: T[]): T[] {
  return xs.length < 2 ? xs : [...new Set(xs)];
}

/** The nearest miss for stage `stageIndex` (which the lead in `env` may or may not reach). */
export function nearestMiss(ir: IrProgram, ev: IrEvaluator, env: LeadEnv, stageIndex: number): NearestMiss {
  const stage = ir.stages[stageIndex];
  const finder = new MissFinder(ir, ev, env);
  const parts = stage.cond.parts.map((p) => {
    const { atoms } = finder.need(p.expr);
    return { text: p.text, holds: atoms.length === 0, needs: atoms };
  });
  return { stage: stage.name, parts, needs: unique(parts.flatMap((p) => p.needs)), counts: finder.counts };
}
