import type { EventFiles } from "../batch/sources/event-files.js";
import type { InputFormat } from "../batch/sources/inputs.js";
import type { ReadingOptions } from "../batch/sources/record-source.js";
import type { Program } from "../runtime/program.js";
import { pairedRows } from "./paired-rows.js";
import { DiffTally } from "./diff-tally.js";
import { diffCsvParallel } from "./diff-parallel.js";

/**
 * `leaddef diff`: what a change to a definition does to real leads. Both programs evaluate
 * every row of one pass over the input; the result is the stage transition matrix, a few
 * leads per changed cell with the conditions that flipped, per-score statistics and the rows
 * that only one side refuses. The JSON form of DiffReport is documented in the README and
 * kept stable: keys are only ever added.
 */

/** How many example leads each changed cell of the matrix keeps. */
export const EXAMPLES_PER_CELL = 5;

/** One condition part (a top-level `and` operand) whose truth differs, or which exists on one side only. */
export interface PartChange {
  text: string;
  /** The part's text in the old definition, when it was rewritten. */
  was?: string;
  /** null: the part is not in that side's condition */
  before: boolean | null;
  after: boolean | null;
  /** The fields the part reads, with the lead's values (null when missing). */
  fields: { path: string; value: unknown }[];
}

/** A stage or criterion whose value flipped for the lead: the decisive reason for its move. */
export interface Reason {
  kind: "stage" | "criterion";
  name: string;
  /** null: not declared on that side */
  before: boolean | null;
  after: boolean | null;
  parts: PartChange[];
}

export interface Transition {
  from: string;
  to: string;
  count: number;
  /**
   * Outcome name → how many of the cell's leads had it (present when either definition declares
   * an outcome): "raising the bar drops 48 MQLs, 2 of them won deals".
   */
  outcomes?: Record<string, number>;
  /** Up to EXAMPLES_PER_CELL leads, for cells where the stage changed (empty on the diagonal). */
  examples: { id: string; line: number; reasons: Reason[] }[];
}

export interface Stats { mean: number | null; median: number | null }

export interface ScoreDiff {
  /** Leads whose score differs; null when the score exists on one side only. */
  changed: number | null;
  before: Stats | null;
  after: Stats | null;
}

export interface RejectDiff {
  before: number;
  after: number;
  /** Rows refused by the old definition only / the new one only (a schema change). */
  only_before: number;
  only_after: number;
  examples: { side: "before" | "after"; id: string; line: number; field: string; value: string; reason: string }[];
}

export interface DiffReport {
  /** Data rows read. */
  rows: number;
  /** Rows both definitions accept: the population of the matrix and the score statistics. */
  compared: number;
  /** Of those, leads whose stage changed. */
  changed: number;
  as_of: string;
  stages: { before: string[]; after: string[] };
  /** Every (from, to) pair, the diagonal included; `none` first, then each side's funnel order. */
  transitions: Transition[];
  /** The outcomes counted in each transition: the new definition's, then any only the old one declares. */
  outcomes: string[];
  scores: Record<string, ScoreDiff>;
  rejected: RejectDiff;
  unknown_columns: { before: string[]; after: string[] };
}

export interface DiffOptions {
  input: string;
  format: InputFormat;
  /** As-of date as a day number. */
  asOf: number;
  idColumn: string;
  /** `--delimiter`, `--decimal-comma`, `--id` given: the file is read as `run` reads it. */
  reading?: ReadingOptions;
  /**
   * CSV files are read on worker threads as `run` reads them (default: one per core, pieces of
   * 512 KiB, files of 8 MiB and up, and only when the file has its id column). `workers: 0`
   * keeps everything on this thread.
   */
  parallel?: { workers?: number; chunkBytes?: number; minBytes?: number };
  /** `--events`: the streams' events from separate files, joined on the id (then on this thread, as `run`). */
  events?: EventFiles;
}

/** Compares two compiled definitions on the leads of one file, reading it once. */
export async function diffOnData(programs: { old: Program; new: Program }, o: DiffOptions): Promise<DiffReport> {
  if (o.format === "csv" && o.input !== "-" && !o.events) {
    const parallel = await diffCsvParallel(programs, o);
    if (parallel) return parallel;
  }
  const tally = new DiffTally(programs, o.asOf);
  const summary = await pairedRows(programs, o.input, o.format, o.idColumn, (row) => tally.add(row), o.reading, o.events);
  return tally.report(summary.unknownColumns);
}

