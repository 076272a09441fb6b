import type { Program } from "../../runtime/program.js";
import { ResultWriter, type OutputFormat, type TextSink } from "../output.js";

/** Collects text in memory: a piece's formatted rows, sent back from a worker in one string. */
export class StringSink implements TextSink {
  text = "";
  append(t: string): void {
    this.text += t;
  }
}

/**
 * The one "evaluate → count the stage → write the row" step every JS batch path shares (the
 * single-threaded run, and each piece on a worker). Values are bound into `vals` by the caller.
 */
export class RowScorer {
  /** The field values of the row being scored, in the evaluator's representation. */
  readonly vals: unknown[];
  /** Leads per stage index + 1 (index 0 is `none`). */
  readonly stageCounts: number[];
  private readonly out: unknown[];
  private readonly nValues: number;
  private readonly stageNames: string[];
  private readonly results: ResultWriter;

  constructor(
    private readonly program: Program,
    private readonly asOf: number,
    columns: string[],
    private readonly full: boolean,
    sink: TextSink,
    outputFormat: OutputFormat,
  ) {
    this.vals = new Array(program.fields.length).fill(undefined);
    this.nValues = columns.length - 2;
    this.out = new Array(1 + this.nValues).fill(0);
    this.stageNames = program.resultStages;
    this.stageCounts = new Array<number>(this.stageNames.length + 1).fill(0);
    this.results = new ResultWriter(sink, outputFormat, columns, program.textColumns.length);
  }

  /** Writes the header row (once per output, not per piece). */
  header(): void {
    this.results.header();
  }

  /** Scores the bound values and writes the row for lead `id`. */
  emit(id: string): void {
    const out = this.out;
    this.program.evaluateValues(this.vals, this.asOf, out, this.full);
    const stageIndex = out[0] as number;
    this.stageCounts[stageIndex + 1]++;
    this.results.row(id, stageIndex < 0 ? "none" : this.stageNames[stageIndex], out, this.nValues);
  }
}
