import type { IrProgram } from "../ir.js";
import { IrEvaluator } from "./evaluate-ir.js";

/**
 * Which of a program's outcomes hold for one bound lead. The generated evaluator never computes
 * outcomes (they are ground truth, not part of the definition), so every analysis that shows
 * outcome figures (`outcomes`, `report`, `sweep`, `diff`) asks this one class, which evaluates
 * them with the per-condition evaluator over the same bound values `run` scores.
 */
export class OutcomeFlags {
  private readonly evaluator: IrEvaluator;
  /** The flags of the last lead, in the program's outcome order (reused between leads). */
  readonly flags: boolean[];

  constructor(readonly ir: IrProgram) {
    this.evaluator = new IrEvaluator(ir);
    this.flags = new Array(ir.outcomes.length).fill(false);
  }

  /** Whether the program declares any outcome: callers skip the work when it does not. */
  get any(): boolean {
    return this.ir.outcomes.length > 0;
  }

  /**
   * Evaluates every outcome for the lead into `flags`. `criteria`, when given, are the generated
   * evaluator's criterion flags for the same lead: an outcome that reads a criterion starts from
   * them instead of evaluating it again.
   */
  evaluate(vals: readonly unknown[], asOf: number, criteria?: ArrayLike<boolean>): boolean[] {
    const { ir, flags } = this;
    if (ir.outcomes.length === 0) return flags;
    const env = this.evaluator.env(vals, asOf);
    if (criteria) for (let i = 0; i < ir.criteria.length; i++) env.criteria[i] = criteria[i];
    for (let i = 0; i < ir.outcomes.length; i++) flags[i] = this.evaluator.holds(ir.outcomes[i].cond.expr, env);
    return flags;
  }
}
