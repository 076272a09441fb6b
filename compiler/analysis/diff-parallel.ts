import { CsvBinder } from "../batch/js/binder.js";
import { checkPairHeader } from "./paired-rows.js";
import type { Program } from "../runtime/program.js";
import type { DiffOptions, DiffReport } from "./diff.js";
import { DiffTally } from "./diff-tally.js";
import type { DiffWorkerResult, DiffWorkerSetup } from "./diff-worker.js";
import { tallyCsvInParallel } from "./parallel-tally.js";

/**
 * `diff` on a CSV file with worker threads, as `run` reads one (parallel-tally.ts): each worker
 * binds and evaluates its pieces with both programs, and the pieces' tallies are merged in input
 * order, so the report (examples and line numbers included) is the single-threaded one. Returns
 * undefined, having read nothing that matters, when the file should take the single-threaded
 * path: small, no id column (ids are then row numbers), an unreadable header, or no built worker.
 */
export async function diffCsvParallel(programs: { old: Program; new: Program }, o: DiffOptions): Promise<DiffReport | undefined> {
  const tally = new DiffTally(programs, o.asOf);
  let binders: { old: CsvBinder; new: CsvBinder } | undefined;
  const done = await tallyCsvInParallel<DiffWorkerResult>({
    input: o.input,
    reading: o.reading,
    parallel: o.parallel,
    worker: "diff-worker",
    open: (header, { delimiter, read }) => {
      checkPairHeader(programs, header, o.idColumn, o.reading?.idExplicit === true);
      binders = { old: new CsvBinder(programs.old.fields, header, o.idColumn, read), new: new CsvBinder(programs.new.fields, header, o.idColumn, read) };
      if (binders.old.idIndex < 0) return undefined;
      const setup: DiffWorkerSetup = { old: programs.old.ir, new: programs.new.ir, header, idColumn: o.idColumn, asOf: o.asOf, delimiter, read };
      return setup;
    },
    merge: (result, lineOffset) => tally.merge(result.partial, lineOffset),
  });
  if (!done || !binders) return undefined;
  return tally.report({ old: binders.old.unknownColumns, new: binders.new.unknownColumns });
}
