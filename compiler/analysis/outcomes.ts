import type { IrProgram } from "../ir.js";

/** One stage's figures for one outcome, among the leads that reached it (their stage is it or a later one). */
export interface OutcomeStageFigures {
  stage: string;
  reached: number;
  reached_positives: number;
  /** reached_positives ÷ reached; null when no lead reached the stage. */
  rate: number | null;
  /** reached_positives ÷ all positives: the share of the outcome the stage keeps; null without positives. */
  captured: number | null;
  /** rate ÷ base rate; null when either is null or the base rate is 0. */
  lift: number | null;
}

/** One criterion's figures for one outcome, among the leads it holds for. */
export interface OutcomeCriterionFigures {
  name: string;
  holds: number;
  positives: number;
  rate: number | null;
  lift: number | null;
}

export interface OutcomeFigures {
  name: string;
  /** Rows scored (rejected rows are not leads). */
  rows: number;
  positives: number;
  base_rate: number | null;
  /** In funnel order, lowest stage first. */
  stages: OutcomeStageFigures[];
  criteria: OutcomeCriterionFigures[];
}

export interface OutcomesReport {
  outcomes: OutcomeFigures[];
}

/** An OutcomeAccumulator's counts as plain data (structured-clone safe): one piece's, from a report worker. */
export interface OutcomePartial {
  rows: number;
  positives: number[];
  reached: number[];
  reachedPositives: number[][];
  holds: number[];
  holdsPositives: number[][];
}

const ratio = (num: number, den: number): number | null => (den === 0 ? null : num / den);
const liftOf = (rate: number | null, base: number | null): number | null => (rate === null || base === null || base === 0 ? null : rate / base);

/**
 * Counts, one lead at a time, how often each outcome holds overall, among the leads that reached
 * each stage and among the leads each criterion holds for. Pure: the caller evaluates the lead.
 */
export class OutcomeAccumulator {
  private rows = 0;
  private readonly positives: number[];
  /** [outcome][stage]: leads whose stage is at or above the stage, and how many of them are positive. */
  private readonly reached: number[];
  private readonly reachedPositives: number[][];
  private readonly holds: number[];
  private readonly holdsPositives: number[][];

  constructor(private readonly ir: IrProgram) {
    const nO = ir.outcomes.length;
    this.positives = new Array(nO).fill(0);
    this.reached = new Array(ir.stages.length).fill(0);
    this.reachedPositives = Array.from({ length: nO }, () => new Array(ir.stages.length).fill(0));
    this.holds = new Array(ir.criteria.length).fill(0);
    this.holdsPositives = Array.from({ length: nO }, () => new Array(ir.criteria.length).fill(0));
  }

  /** One lead: its stage index (-1 for none), every criterion's flag and every outcome's flag. */
  add(stage: number, criteria: readonly boolean[], outcomes: readonly boolean[]): void {
    this.rows++;
    // A disqualified lead (index past the funnel) reached no stage; it still counts as a lead.
    if (stage >= this.ir.stages.length) stage = -1;
    for (let s = 0; s <= stage; s++) this.reached[s]++;
    for (let c = 0; c < criteria.length; c++) if (criteria[c]) this.holds[c]++;
    for (let o = 0; o < outcomes.length; o++) {
      if (!outcomes[o]) continue;
      this.positives[o]++;
      for (let s = 0; s <= stage; s++) this.reachedPositives[o][s]++;
      for (let c = 0; c < criteria.length; c++) if (criteria[c]) this.holdsPositives[o][c]++;
    }
  }

  /** The counts so far as plain data, for `merge` on another thread. */
  partial(): OutcomePartial {
    return { rows: this.rows, positives: this.positives, reached: this.reached, reachedPositives: this.reachedPositives, holds: this.holds, holdsPositives: this.holdsPositives };
  }

  /**
   * Adds the counts of another accumulator over the same program (a `partial()`, e.g. a worker's
   * piece of the input). Every figure is a ratio of counts, so the merged figures are exactly
   * those of adding the leads one by one here.
   */
  merge(p: OutcomePartial): void {
    const add = (into: number[], from: readonly number[]) => from.forEach((n, i) => (into[i] += n));
    this.rows += p.rows;
    add(this.positives, p.positives);
    add(this.reached, p.reached);
    p.reachedPositives.forEach((row, o) => add(this.reachedPositives[o], row));
    add(this.holds, p.holds);
    p.holdsPositives.forEach((row, o) => add(this.holdsPositives[o], row));
  }

  /** The figures so far. */
  result(): OutcomesReport {
    const { ir } = this;
    return {
      outcomes: ir.outcomes.map((outcome, o) => {
        const positives = this.positives[o];
        const base = ratio(positives, this.rows);
        return {
          name: outcome.name,
          rows: this.rows,
          positives,
          base_rate: base,
          stages: ir.stages.map((stage, s) => {
            const rate = ratio(this.reachedPositives[o][s], this.reached[s]);
            return {
              stage: stage.name,
              reached: this.reached[s],
              reached_positives: this.reachedPositives[o][s],
              rate,
              captured: ratio(this.reachedPositives[o][s], positives),
              lift: liftOf(rate, base),
            };
          }),
          criteria: ir.criteria.map((criterion, c) => {
            const rate = ratio(this.holdsPositives[o][c], this.holds[c]);
            return { name: criterion.name, holds: this.holds[c], positives: this.holdsPositives[o][c], rate, lift: liftOf(rate, base) };
          }),
        };
      }),
    };
  }
}
