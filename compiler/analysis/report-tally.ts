import { reasonText } from "../runtime/codecs/reasons.js";
import type { Problem, Reject } from "../batch/reject.js";
import type { Program } from "../runtime/program.js";
import { IrEvaluator } from "./evaluate-ir.js";
import { FunnelAccumulator, type FunnelPartial, type FunnelReport } from "./funnel.js";
import { nearestMiss } from "./nearest-miss.js";
import { OutcomeAccumulator, type OutcomeFigures, type OutcomePartial } from "./outcomes.js";
import { OutcomeFlags } from "./outcome-flags.js";

/** Rejected rows grouped by field and reason (values left out). */
export interface RejectGroup {
  field: string;
  reason: string;
  count: number;
}

/** A reject reason without the value that failed, so equal reasons group: "`x` is not a number" → "… is not a number". */
export function rejectReason(p: Problem): string {
  return reasonText(p.reason).replace(/`[^`]*`/g, "…");
}

/** A ReportTally's state as plain data (structured-clone safe): what a report worker sends back per piece. */
export interface ReportPartial {
  funnel: FunnelPartial;
  outcomes: OutcomePartial;
  /** In the order the groups were first seen. */
  rejects: RejectGroup[];
}

/**
 * The counting behind `leaddef report`: each bound lead is evaluated by the generated evaluator
 * (stage, scores and every criterion flag, as `run --columns all` computes them), below the top
 * of the funnel its nearest miss for the next stage is found, and its outcomes are evaluated;
 * each rejected row counts towards its reasons. Leads are added one by one (the single-threaded
 * path, and each worker on its piece); pieces' partials are merged in input order (the parallel
 * path), so both paths give the same report.
 */
export class ReportTally {
  /** The bound values of the lead being added (the parallel scanner binds into them; see `emit`). */
  readonly vals: unknown[];
  /** Leads per stage index + 1 (index 0 is `none`), as `run` counts them. */
  readonly stageCounts: number[];
  private readonly out: unknown[];
  private readonly scores: Float64Array;
  private readonly criteria: boolean[];
  private funnel: FunnelAccumulator;
  private readonly evaluator: IrEvaluator;
  private readonly outcomeFlags: OutcomeFlags;
  private outcomes: OutcomeAccumulator;
  private rejects = new Map<string, RejectGroup>();

  constructor(private readonly program: Program, private readonly asOf: number) {
    const ir = program.ir;
    this.vals = new Array(program.fields.length + ir.streams.length).fill(undefined);
    this.stageCounts = new Array(program.resultStages.length + 1).fill(0);
    this.out = new Array(1 + ir.scores.length + ir.criteria.length + ir.stages.length);
    this.scores = new Float64Array(ir.scores.length);
    this.criteria = new Array(ir.criteria.length);
    this.funnel = new FunnelAccumulator(ir);
    this.evaluator = new IrEvaluator(ir);
    this.outcomeFlags = new OutcomeFlags(ir);
    this.outcomes = new OutcomeAccumulator(ir);
  }

  /** Adds the lead whose values are in `vals` (the row scanner's hook; the id does not matter here). */
  emit(_id: string): void {
    this.add(this.vals);
  }

  /** Adds one bound lead: `vals` in the evaluator's representation, as `Program.evaluateValues` takes them. */
  add(vals: readonly unknown[]): void {
    const { program, out, scores, criteria, asOf } = this;
    const ir = program.ir;
    const nScores = scores.length;
    const nCriteria = criteria.length;
    program.evaluateValues(vals as unknown[], asOf, out, true);
    const stage = out[0] as number;
    this.stageCounts[stage + 1]++;
    for (let i = 0; i < nScores; i++) scores[i] = out[1 + i] as number;
    for (let i = 0; i < nCriteria; i++) criteria[i] = out[1 + nScores + i] as boolean;
    let miss;
    if (stage + 1 < ir.stages.length) {
      const env = this.evaluator.env(vals, asOf);
      // The generated evaluator already decided every criterion: the search starts from its answers.
      for (let i = 0; i < nCriteria; i++) env.criteria[i] = criteria[i];
      miss = nearestMiss(ir, this.evaluator, env, stage + 1);
    }
    this.funnel.add(stage, scores, criteria, miss);
    if (this.outcomeFlags.any) this.outcomes.add(stage, criteria, this.outcomeFlags.evaluate(vals, asOf, criteria));
  }

  /** Counts a rejected row towards each of its problems' field and reason. */
  reject(r: Reject): void {
    for (const p of r.problems) this.countReject(p.field, rejectReason(p), 1);
  }

  private countReject(field: string, reason: string, count: number): void {
    const key = `${field}\u0000${reason}`;
    const entry = this.rejects.get(key);
    if (entry) entry.count += count;
    else this.rejects.set(key, { field, reason, count });
  }

  /** The state as plain data, for `merge` on another thread. */
  partial(): ReportPartial {
    return { funnel: this.funnel.partial(), outcomes: this.outcomes.partial(), rejects: [...this.rejects.values()] };
  }

  /**
   * The state as plain data, and a fresh start: a worker tallies piece after piece with one
   * tally, keeping its evaluators (and their compiled conditions) between pieces.
   */
  takePartial(): ReportPartial {
    const p = this.partial();
    this.funnel = new FunnelAccumulator(this.program.ir);
    this.outcomes = new OutcomeAccumulator(this.program.ir);
    this.rejects = new Map();
    this.stageCounts.fill(0);
    return p;
  }

  /**
   * Adds the partial of the next piece of input (a tally over the same program and as-of date).
   * Merged in input order, the pieces give exactly the report of adding their rows here one by
   * one: counts add, score sums are exact, and every "first seen" order (which breaks ties
   * between equal counts) is the input's.
   */
  merge(p: ReportPartial): void {
    this.funnel.merge(p.funnel);
    this.outcomes.merge(p.outcomes);
    for (const g of p.rejects) this.countReject(g.field, g.reason, g.count);
  }

  /** The funnel figures so far. */
  funnelReport(): FunnelReport {
    return this.funnel.result();
  }

  /** Per declared outcome, its figures so far (empty without outcomes). */
  outcomeFigures(): OutcomeFigures[] {
    return this.outcomes.result().outcomes;
  }

  /** The reject groups, most frequent first (ties in the order first seen). */
  rejectGroups(): RejectGroup[] {
    return [...this.rejects.values()].map((g) => ({ ...g })).sort((a, b) => b.count - a.count);
  }
}
