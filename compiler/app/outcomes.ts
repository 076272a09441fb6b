import { forEachLead, type ExportOptions } from "../batch/js/bound-rows.js";
import type { Program } from "../runtime/program.js";
import { OutcomeFlags } from "../analysis/outcome-flags.js";
import { OutcomeAccumulator, type OutcomesReport } from "../analysis/outcomes.js";

/** `leaddef outcomes`: does the definition predict what really happened? */
export interface OutcomesOptions extends ExportOptions {
  program: Program;
}

export interface OutcomesResult extends OutcomesReport {
  rowsRead: number;
  rowsRejected: number;
  /** Notices for the reader (e.g. a CSV file gave the definition's event streams no events). */
  warnings: string[];
}

/**
 * Streams the input once. The generated evaluator decides each lead's stage and criteria (as
 * `run --columns all` does); outcomes, which it never computes, are evaluated beside it by the
 * per-condition evaluator, starting from the generated evaluator's criterion flags.
 */
export async function collectOutcomes(o: OutcomesOptions): Promise<OutcomesResult> {
  const ir = o.program.ir;
  const nScores = ir.scores.length;
  const nCriteria = ir.criteria.length;
  const out: unknown[] = new Array(1 + nScores + nCriteria + ir.stages.length);
  const criteria: boolean[] = new Array(nCriteria);
  const outcomes = new OutcomeFlags(ir);
  const acc = new OutcomeAccumulator(ir);
  const summary = await forEachLead(
    o.program,
    o,
    (vals) => {
      o.program.evaluateValues(vals, o.asOf, out, true);
      for (let i = 0; i < nCriteria; i++) criteria[i] = out[1 + nScores + i] as boolean;
      acc.add(out[0] as number, criteria, outcomes.evaluate(vals, o.asOf, criteria));
    },
    () => undefined,
  );
  return { ...acc.result(), rowsRead: summary.rowsRead, rowsRejected: summary.rowsRejected, warnings: summary.warnings };
}

const pct = (x: number | null) => (x === null ? "-" : `${(100 * x).toFixed(1)}%`);
const times = (x: number | null) => (x === null ? "-" : `${x.toFixed(2)}x`);

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ").trimEnd());
}

/** The figures as text tables, one block per outcome: stages in funnel order, then criteria. */
export function renderOutcomes(r: OutcomesResult): string {
  const lines: string[] = [];
  for (const o of r.outcomes) {
    lines.push(`outcome ${o.name}: ${o.positives} of ${o.rows} leads (base rate ${pct(o.base_rate)})`, "");
    lines.push(...table([
      ["stage", "reached", o.name, "rate", "captured", "lift"],
      ...o.stages.map((s) => [s.stage, String(s.reached), String(s.reached_positives), pct(s.rate), pct(s.captured), times(s.lift)]),
    ]), "");
    if (o.criteria.length > 0) {
      lines.push(...table([
        ["criterion", "holds", o.name, "rate", "lift"],
        ...o.criteria.map((c) => [c.name, String(c.holds), String(c.positives), pct(c.rate), times(c.lift)]),
      ]), "");
    }
  }
  if (r.outcomes.length === 0) lines.push("the definition declares no outcome (outcome NAME when CONDITION)", "");
  lines.push(`rows read ${r.rowsRead} = scored ${r.rowsRead - r.rowsRejected} + rejected ${r.rowsRejected}`);
  return lines.join("\n");
}
