import { CsvBinder } from "../batch/js/binder.js";
import { checkHeader } from "../batch/sources/header-check.js";
import type { ReadingOptions } from "../batch/sources/record-source.js";
import type { Program } from "../runtime/program.js";
import { tallyCsvInParallel, type ParallelSettings } from "./parallel-tally.js";
import type { ReportTally } from "./report-tally.js";
import type { ReportWorkerResult, ReportWorkerSetup } from "./report-worker.js";

/** What the pass over the file found besides the tally: the rows and the header's notes. */
export interface ReportPass {
  rowsRead: number;
  rowsRejected: number;
  unknownColumns: string[];
  absentFields: string[];
}

export interface ReportParallelOptions {
  input: string;
  asOf: number;
  idColumn: string;
  reading?: ReadingOptions;
  parallel?: ParallelSettings;
}

/**
 * `report` on a CSV file with worker threads, as `diff` does (parallel-tally.ts): each worker
 * tallies its pieces (report-worker.ts) and the partials are merged into `tally` in input order,
 * so the report is exactly the single-threaded one. Returns undefined, having merged nothing,
 * when the file takes the single-threaded path: small, no id column (as `run` and `diff`), an
 * unreadable header, or no built worker.
 */
export async function reportCsvParallel(program: Program, tally: ReportTally, o: ReportParallelOptions): Promise<ReportPass | undefined> {
  let binder: CsvBinder | undefined;
  let rowsRead = 0;
  let rowsRejected = 0;
  const done = await tallyCsvInParallel<ReportWorkerResult>({
    input: o.input,
    reading: o.reading,
    parallel: o.parallel,
    worker: "report-worker",
    open: (header, { delimiter, read }) => {
      checkHeader(program.fields, header, o.idColumn, o.reading?.idExplicit === true);
      binder = new CsvBinder(program.fields, header, o.idColumn, read);
      if (binder.idIndex < 0) return undefined;
      const setup: ReportWorkerSetup = { ir: program.ir, header, idColumn: o.idColumn, asOf: o.asOf, delimiter, read };
      return setup;
    },
    merge: (result) => {
      tally.merge(result.partial);
      rowsRead += result.rows;
      rowsRejected += result.rejected;
    },
  });
  if (!done || !binder) return undefined;
  return { rowsRead, rowsRejected, unknownColumns: binder.unknownColumns, absentFields: binder.absentFields.map((f) => f.path) };
}
