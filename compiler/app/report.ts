import { reasonText } from "../runtime/codecs/reasons.js";
import { formatDateDays } from "../../language/literals.js";
import type { Problem } from "../batch/js/binder.js";
import { forEachBoundRow } from "../batch/js/bound-rows.js";
import type { ReadingOptions } from "../batch/sources/record-source.js";
import type { InputFormat } from "../batch/sources/inputs.js";
import type { Program } from "../runtime/program.js";
import { IrEvaluator } from "../analysis/evaluate-ir.js";
import { FunnelAccumulator, type FunnelReport } from "../analysis/funnel.js";
import { nearestMiss } from "../analysis/nearest-miss.js";
import { OutcomeAccumulator, type OutcomeFigures } from "../analysis/outcomes.js";
import { OutcomeFlags } from "../analysis/outcome-flags.js";

/** Everything the HTML report shows: the funnel numbers plus where they came from. */
export interface ReportData {
  funnel: FunnelReport;
  /** Per declared outcome, its rate and lift per stage (`leaddef outcomes`' figures); empty without outcomes. */
  outcomes: OutcomeFigures[];
  definition: string;
  dataFile: string;
  asOf: string;
  rowsRead: number;
  rowsRejected: number;
  /** Rejected rows grouped by field and reason (values left out), most frequent first. */
  rejects: { field: string; reason: string; count: number }[];
  params: { name: string; value: string; overridden: boolean }[];
  unknownColumns: string[];
  absentFields: string[];
}

/** A reject reason without the value that failed, so equal reasons group: "`x` is not a number" → "… is not a number". */
export function rejectReason(p: Problem): string {
  return reasonText(p.reason).replace(/`[^`]*`/g, "…");
}

export interface ReportOptions {
  program: Program;
  definition: string;
  input: string;
  inputFormat: InputFormat;
  asOf: number;
  idColumn: string;
  /** `--delimiter`, `--decimal-comma`, `--id` given: read as `run` reads (batch/sources/record-source.ts). */
  reading?: ReadingOptions;
}

/**
 * Streams the input once: each row is evaluated by the generated evaluator (stage, scores and
 * every criterion flag, as `run --columns all` computes them) and, below the top of the funnel,
 * its nearest miss for the next stage is found.
 */
export async function collectReport(o: ReportOptions): Promise<ReportData> {
  const { program } = o;
  const ir = program.ir;
  const nScores = ir.scores.length;
  const nCriteria = ir.criteria.length;
  const out: unknown[] = new Array(1 + nScores + nCriteria + ir.stages.length);
  const scores = new Float64Array(nScores);
  const criteria: boolean[] = new Array(nCriteria);
  const funnel = new FunnelAccumulator(ir);
  const evaluator = new IrEvaluator(ir);
  const outcomeFlags = new OutcomeFlags(ir);
  const outcomes = new OutcomeAccumulator(ir);
  const rejects = new Map<string, { field: string; reason: string; count: number }>();
  const summary = await forEachBoundRow({
    fields: program.fields,
    input: o.input,
    inputFormat: o.inputFormat,
    idColumn: o.idColumn,
    reading: o.reading,
    onRow: (vals) => {
      program.evaluateValues(vals, o.asOf, out, true);
      const stage = out[0] as number;
      for (let i = 0; i < nScores; i++) scores[i] = out[1 + i] as number;
      for (let i = 0; i < nCriteria; i++) criteria[i] = out[1 + nScores + i] as boolean;
      let miss;
      if (stage + 1 < ir.stages.length) {
        const env = evaluator.env(vals, o.asOf);
        // The generated evaluator already decided every criterion: the search starts from its answers.
        for (let i = 0; i < nCriteria; i++) env.criteria[i] = criteria[i];
        miss = nearestMiss(ir, evaluator, env, stage + 1);
      }
      funnel.add(stage, scores, criteria, miss);
      if (outcomeFlags.any) outcomes.add(stage, criteria, outcomeFlags.evaluate(vals, o.asOf, criteria));
    },
    onReject: (r) => {
      for (const p of r.problems) {
        const reason = rejectReason(p);
        const key = `${p.field}\u0000${reason}`;
        const entry = rejects.get(key);
        if (entry) entry.count++;
        else rejects.set(key, { field: p.field, reason, count: 1 });
      }
    },
  });
  return {
    funnel: funnel.result(),
    outcomes: outcomes.result().outcomes,
    definition: o.definition,
    dataFile: o.input,
    asOf: formatDateDays(o.asOf),
    rowsRead: summary.rowsRead,
    rowsRejected: summary.rowsRejected,
    rejects: [...rejects.values()].sort((a, b) => b.count - a.count),
    params: ir.params.map((p) => ({ name: p.name, value: p.kind === "date" ? formatDateDays(p.value as number) : String(p.value), overridden: p.overridden })),
    unknownColumns: summary.unknownColumns,
    absentFields: summary.absentFields,
  };
}
