import { formatDateDays } from "../../language/literals.js";
import { forEachLead, type ExportOptions } from "../batch/js/bound-rows.js";
import { streamsNotSupplied } from "../batch/stream-notice.js";
import type { Program } from "../runtime/program.js";
import type { FunnelReport } from "../analysis/funnel.js";
import type { OutcomeFigures } from "../analysis/outcomes.js";
import type { ParallelSettings } from "../analysis/parallel-tally.js";
import { reportCsvParallel } from "../analysis/report-parallel.js";
import { ReportTally, type RejectGroup } from "../analysis/report-tally.js";

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
  rejects: RejectGroup[];
  params: { name: string; value: string; overridden: boolean }[];
  unknownColumns: string[];
  absentFields: string[];
  /** Notices for the reader, e.g. that a CSV file gave the definition's event streams no events. */
  warnings: string[];
}

export interface ReportOptions extends ExportOptions {
  program: Program;
  definition: string;
  /** Worker threads for a large CSV file (parallel-tally.ts's defaults); `workers: 0` reads on this thread. */
  parallel?: ParallelSettings;
}

/**
 * Reads the input once and tallies it (analysis/report-tally.ts): on worker threads for a large
 * CSV file (analysis/report-parallel.ts), on this thread otherwise; both give the same numbers.
 */
export async function collectReport(o: ReportOptions): Promise<ReportData> {
  const { program } = o;
  const ir = program.ir;
  const tally = new ReportTally(program, o.asOf);
  // With --events on one thread, as `run` (the join follows the leads in file order).
  const parallel = o.inputFormat === "csv" && o.input !== "-" && !o.events
    ? await reportCsvParallel(program, tally, { input: o.input, asOf: o.asOf, idColumn: o.idColumn, reading: o.reading, parallel: o.parallel })
    : undefined;
  // On worker threads there are no events files: a CSV row supplies no events.
  let warnings = streamsNotSupplied(ir, o.inputFormat);
  let pass = parallel;
  if (!pass) {
    const bound = await forEachLead(program, o, (vals) => tally.add(vals), (r) => tally.reject(r));
    warnings = bound.warnings;
    pass = bound;
  }
  return {
    funnel: tally.funnelReport(),
    outcomes: tally.outcomeFigures(),
    definition: o.definition,
    dataFile: o.input,
    asOf: formatDateDays(o.asOf),
    rowsRead: pass.rowsRead,
    rowsRejected: pass.rowsRejected,
    rejects: tally.rejectGroups(),
    params: ir.params.map((p) => ({ name: p.name, value: p.kind === "date" ? formatDateDays(p.value as number) : String(p.value), overridden: p.overridden })),
    unknownColumns: pass.unknownColumns,
    absentFields: pass.absentFields,
    warnings,
  };
}
