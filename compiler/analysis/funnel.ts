import { DISQUALIFIED, irChildren, type IrExpr, type IrProgram } from "../ir.js";
import type { NearestMiss } from "./nearest-miss.js";
import { conditionText } from "./describe.js";
import { ExactSum } from "./exact-sum.js";

/**
 * The numbers of a funnel report, accumulated one lead at a time from what the evaluator says
 * about it (stage, scores, criterion flags) and its nearest miss for the next stage up. Pure:
 * no I/O, no formatting; the HTML report and the tests read the same object.
 */
export interface FunnelReport {
  leads: number;
  /**
   * `none` first, then (for a definition that disqualifies) `disqualified`, then the funnel low to
   * high. `reached`: at this stage or a later one; `none` and `disqualified` are outside the
   * funnel, so a disqualified lead reaches no stage (its row's `reached` is its count).
   */
  stages: { name: string; count: number; reached: number; conversion: number | undefined }[];
  /** For each stage, the leads one stage below it and what keeps them there. */
  heldBack: {
    stage: string;
    from: string;
    leads: number;
    parts: { text: string; failsOnly: number; failsAtAll: number }[];
    /** Leads whose nearest miss is a single condition. */
    oneAway: number;
    /** The conditions most often in a nearest miss, most frequent first. */
    missing: { text: string; count: number }[];
  }[];
  criteria: { name: string; passed: number; rate: number | undefined }[];
  scores: { name: string; min: number; max: number; mean: number | undefined; bins: { from: number; to: number; count: number }[] }[];
}

/** The range a score can take: its floor and cap, or the sums of its negative and positive weights. */
export function scoreRange(s: IrProgram["scores"][number]): { lo: number; hi: number } {
  let lo = s.lines.reduce((a, l) => a + Math.min(0, l.weight), 0);
  let hi = s.lines.reduce((a, l) => a + Math.max(0, l.weight), 0);
  if (s.floor !== undefined) lo = Math.max(lo, s.floor);
  if (s.cap !== undefined) hi = Math.min(hi, s.cap);
  if (s.floor !== undefined && lo > hi) hi = lo;
  return { lo, hi };
}

interface Histogram {
  lo: number;
  width: number;
  counts: number[];
  /** Exact, so that pieces summed apart and merged give the single-threaded mean to the last bit. */
  sum: ExactSum;
  min: number;
  max: number;
}

function histogram(s: IrProgram["scores"][number]): Histogram {
  const { lo, hi } = scoreRange(s);
  const integral = s.lines.every((l) => Number.isInteger(l.weight));
  const span = Math.max(hi - lo, 1);
  // Integer scores get whole-number bins, at most 20 of them.
  const width = integral ? Math.max(1, Math.ceil(span / 20)) : span / 20;
  const bins = Math.max(1, Math.floor(span / width) + (integral ? 1 : 0));
  return { lo, width, counts: new Array(Math.min(bins, 21)).fill(0), sum: new ExactSum(), min: Infinity, max: -Infinity };
}

/**
 * A FunnelAccumulator's counts as plain data (structured-clone safe): what a report worker sends
 * back for one piece of input. Nearest-miss conditions are named by their index in
 * `conditionNodes(ir)`, since IR nodes do not keep their identity across threads.
 */
export interface FunnelPartial {
  leads: number;
  atStage: number[];
  partFailsOnly: number[][];
  partFailsAtAll: number[][];
  oneAway: number[];
  /** Per stage: [condition index, count] in the order the conditions were first seen. */
  missing: [number, number][][];
  criterionPassed: number[];
  histograms: { counts: number[]; sum: number[]; min: number; max: number }[];
}

/**
 * Every condition node a nearest miss can name (the criteria's and stages' trees, pre-order,
 * each node once): the same list on every thread, since each gets a structured clone of one IR.
 */
export function conditionNodes(ir: IrProgram): IrExpr[] {
  const seen = new Set<IrExpr>();
  const visit = (e: IrExpr) => {
    if (seen.has(e)) return;
    seen.add(e);
    irChildren(e).forEach(visit);
  };
  for (const c of ir.criteria) visit(c.cond.expr);
  for (const s of ir.stages) {
    visit(s.cond.expr);
    for (const p of s.cond.parts) visit(p.expr);
  }
  return [...seen];
}

export class FunnelAccumulator {
  private leads = 0;
  private readonly atStage: number[];
  private readonly partFailsOnly: number[][];
  private readonly partFailsAtAll: number[][];
  private readonly oneAway: number[];
  private readonly missing: Map<IrExpr, number>[];
  private readonly criterionPassed: number[];
  private readonly histograms: Histogram[];
  /** conditionNodes(ir) and each node's index in it, built when first needed (partial, merge). */
  private nodes: { list: IrExpr[]; index: Map<IrExpr, number> } | undefined;

  constructor(private readonly ir: IrProgram) {
    // Index stage + 1: none, the funnel, then disqualified (one past the last stage).
    this.atStage = new Array(ir.stages.length + 2).fill(0);
    this.partFailsOnly = ir.stages.map((s) => new Array(s.cond.parts.length).fill(0));
    this.partFailsAtAll = ir.stages.map((s) => new Array(s.cond.parts.length).fill(0));
    this.oneAway = ir.stages.map(() => 0);
    this.missing = ir.stages.map(() => new Map());
    this.criterionPassed = ir.criteria.map(() => 0);
    this.histograms = ir.scores.map(histogram);
  }

  /**
   * One lead: `stage` is its stage index (-1 for none), `scores` and `criteria` in program order,
   * `miss` its nearest miss for stage `stage + 1` (undefined at the top of the funnel).
   */
  add(stage: number, scores: ArrayLike<number>, criteria: ArrayLike<boolean>, miss: NearestMiss | undefined): void {
    this.leads++;
    this.atStage[stage + 1]++;
    for (let i = 0; i < criteria.length; i++) if (criteria[i]) this.criterionPassed[i]++;
    for (let i = 0; i < scores.length; i++) {
      const h = this.histograms[i];
      const v = scores[i];
      const bin = Math.min(h.counts.length - 1, Math.max(0, Math.floor((v - h.lo) / h.width)));
      h.counts[bin]++;
      h.sum.add(v);
      if (v < h.min) h.min = v;
      if (v > h.max) h.max = v;
    }
    if (!miss) return;
    const next = stage + 1;
    const parts = miss.parts;
    let failing = 0;
    for (let k = 0; k < parts.length; k++) if (!parts[k].holds) failing++;
    for (let k = 0; k < parts.length; k++) {
      if (parts[k].holds) continue;
      this.partFailsAtAll[next][k]++;
      if (failing === 1) this.partFailsOnly[next][k]++;
    }
    if (miss.needs.length === 1) this.oneAway[next]++;
    const counts = this.missing[next];
    for (const atom of miss.needs) counts.set(atom, (counts.get(atom) ?? 0) + 1);
  }

  private conditionNodes(): { list: IrExpr[]; index: Map<IrExpr, number> } {
    if (!this.nodes) {
      const list = conditionNodes(this.ir);
      this.nodes = { list, index: new Map(list.map((e, i) => [e, i])) };
    }
    return this.nodes;
  }

  /** The counts so far as plain data, for `merge` on another thread. */
  partial(): FunnelPartial {
    const { index } = this.conditionNodes();
    const indexOf = (e: IrExpr) => {
      const i = index.get(e);
      if (i === undefined) throw new Error("a nearest miss named a condition outside the program's criteria and stages");
      return i;
    };
    return {
      leads: this.leads,
      atStage: this.atStage,
      partFailsOnly: this.partFailsOnly,
      partFailsAtAll: this.partFailsAtAll,
      oneAway: this.oneAway,
      missing: this.missing.map((m) => [...m].map(([e, n]): [number, number] => [indexOf(e), n])),
      criterionPassed: this.criterionPassed,
      histograms: this.histograms.map((h) => ({ counts: h.counts, sum: h.sum.parts(), min: h.min, max: h.max })),
    };
  }

  /**
   * Adds the counts of the next piece of input (a `partial()` of an accumulator over the same
   * program). Exact: merging the pieces' partials in input order gives the same report, to the
   * last bit and in the same order of ties, as adding their leads one by one here.
   */
  merge(p: FunnelPartial): void {
    const add = (into: number[], from: readonly number[]) => from.forEach((n, i) => (into[i] += n));
    this.leads += p.leads;
    add(this.atStage, p.atStage);
    p.partFailsOnly.forEach((row, t) => add(this.partFailsOnly[t], row));
    p.partFailsAtAll.forEach((row, t) => add(this.partFailsAtAll[t], row));
    add(this.oneAway, p.oneAway);
    add(this.criterionPassed, p.criterionPassed);
    const nodes = p.missing.some((m) => m.length > 0) ? this.conditionNodes().list : [];
    // A condition new to this accumulator is appended: the order of first sight (which breaks
    // ties in `missing`) stays the order of the input.
    p.missing.forEach((pairs, t) => {
      const counts = this.missing[t];
      for (const [i, n] of pairs) counts.set(nodes[i], (counts.get(nodes[i]) ?? 0) + n);
    });
    p.histograms.forEach((ph, k) => {
      const h = this.histograms[k];
      add(h.counts, ph.counts);
      h.sum.merge(ph.sum);
      if (ph.min < h.min) h.min = ph.min;
      if (ph.max > h.max) h.max = ph.max;
    });
  }

  result(): FunnelReport {
    const total = this.leads;
    const rate = (n: number, d: number) => (d === 0 ? undefined : n / d);
    const names = ["none", ...this.ir.stages.map((s) => s.name)];
    const funnelEnd = names.length; // atStage[funnelEnd]: the disqualified
    // reached[i]: leads at stage i or a later one of the funnel; every lead "reaches" none.
    const reached = names.map((_, i) => (i === 0 ? total : this.atStage.slice(i, funnelEnd).reduce((a, n) => a + n, 0)));
    const stages = names.map((name, i) => ({
      name,
      count: this.atStage[i],
      reached: reached[i],
      conversion: i === 0 ? undefined : rate(reached[i], reached[i - 1]),
    }));
    if (this.ir.disqualifications.length) {
      const disqualified = this.atStage[funnelEnd];
      stages.splice(1, 0, { name: DISQUALIFIED, count: disqualified, reached: disqualified, conversion: undefined });
    }
    return {
      leads: total,
      stages,
      heldBack: this.ir.stages.map((s, t) => ({
        stage: s.name,
        from: names[t],
        leads: this.atStage[t],
        parts: s.cond.parts.map((p, k) => ({ text: p.text, failsOnly: this.partFailsOnly[t][k], failsAtAll: this.partFailsAtAll[t][k] })),
        oneAway: this.oneAway[t],
        missing: [...this.missing[t]].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([atom, count]) => ({ text: conditionText(atom), count })),
      })),
      criteria: this.ir.criteria.map((c, i) => ({ name: c.name, passed: this.criterionPassed[i], rate: rate(this.criterionPassed[i], total) })),
      scores: this.ir.scores.map((s, i) => {
        const h = this.histograms[i];
        return {
          name: s.name,
          min: total ? h.min : 0,
          max: total ? h.max : 0,
          mean: rate(h.sum.value(), total),
          bins: h.counts.map((count, b) => ({ from: h.lo + b * h.width, to: h.lo + (b + 1) * h.width, count })),
        };
      }),
    };
  }
}
