import { statSync } from "node:fs";
import type { Readable } from "node:stream";
import cliProgress from "cli-progress";
import type { Program } from "../program.js";
import { CsvBinder, JsonBinder, type Reject } from "./binder.js";
import { openInput, readCsv, readJsonLines, type InputFormat } from "./inputs.js";
import { BufferedWriter, csvCell, REJECT_COLUMNS, ResultWriter, type OutputFormat } from "./output.js";
import type { RunSummary } from "./summary.js";

export interface RunOptions {
  program: Program;
  input: string;
  inputFormat: InputFormat;
  /** A path, or undefined for standard output. */
  output: string | undefined;
  outputFormat: OutputFormat;
  /** As-of date as a day number. */
  asOf: number;
  idColumn: string;
  columns: "default" | "all";
  rejectsPath: string;
  progress: boolean;
}

export function resultColumns(program: Program, columns: "default" | "all"): string[] {
  return ["id", "stage", ...program.scores, ...(columns === "all" ? [...program.criteria, ...program.stages] : [])];
}

/** Opens the rejects file on the first reject, so a clean run leaves none behind. */
class RejectLog {
  private writer: BufferedWriter | undefined;
  count = 0;

  constructor(readonly path: string) {}

  async add(r: Reject): Promise<void> {
    this.count++;
    if (!this.writer) {
      this.writer = new BufferedWriter(this.path);
      await this.writer.write(`${REJECT_COLUMNS.join(",")}\n`);
    }
    await this.writer.write(`${r.line},${csvCell(r.id)},${csvCell(r.field)},${csvCell(r.value)},${csvCell(r.reason)}\n`);
  }

  async close(): Promise<void> {
    await this.writer?.close();
  }
}

/**
 * Scores a CSV or JSON Lines file with the generated JavaScript evaluator, streaming: memory
 * stays flat whatever the input size. Output rows keep input order.
 */
export async function runJs(o: RunOptions): Promise<RunSummary> {
  const started = performance.now();
  const { program } = o;
  const columns = resultColumns(program, o.columns);
  const nScores = program.scores.length;
  const nValues = columns.length - 2;
  const stageNames = program.stages;
  const stageCounts = new Array<number>(stageNames.length + 1).fill(0);
  const outWriter = new BufferedWriter(o.output ?? process.stdout);
  const results = new ResultWriter(outWriter, o.outputFormat, columns);
  const rejects = new RejectLog(o.rejectsPath);
  const vals: unknown[] = new Array(program.fields.length);
  const out: unknown[] = new Array(1 + nValues);
  const values: (number | boolean)[] = new Array(nValues);
  const full = o.columns === "all";
  let rowsRead = 0;
  let unknownColumns: string[] = [];
  let absentFields: string[] = [];

  const stream: Readable = openInput(o.input);
  const bar = o.progress && o.input !== "-" ? startProgress(o.input) : undefined;
  let bytesSeen = 0;
  const tick = () => {
    if (bar && (rowsRead & 0x3fff) === 0) {
      bytesSeen = (stream as Readable & { bytesRead?: number }).bytesRead ?? bytesSeen;
      bar.update(bytesSeen, { rows: rowsRead });
    }
  };

  const emit = async (id: string) => {
    program.evaluateValues(vals, o.asOf, out, full);
    const stageIndex = out[0] as number;
    stageCounts[stageIndex + 1]++;
    for (let i = 0; i < nValues; i++) values[i] = out[1 + i] as number | boolean;
    await results.row(id, stageIndex < 0 ? "none" : stageNames[stageIndex], values);
  };

  await results.header();
  try {
    if (o.inputFormat === "csv") {
      let binder: CsvBinder | undefined;
      for await (const item of readCsv(stream)) {
        if (!binder) {
          if (item.kind === "bad") throw new Error(`the header row is not readable: ${item.reason}`);
          binder = new CsvBinder(program.fields, item.cells, o.idColumn);
          unknownColumns = binder.unknownColumns;
          absentFields = binder.absentFields.map((f) => f.path);
          continue;
        }
        rowsRead++;
        tick();
        if (item.kind === "bad") {
          await rejects.add({ line: item.line, id: "", field: "", value: item.raw.slice(0, 200), reason: item.reason });
          continue;
        }
        const reject = binder.bind(item.cells, item.line, rowsRead, vals);
        if (reject) await rejects.add(reject);
        else await emit(binder.idOf(item.cells, rowsRead));
      }
    } else {
      const binder = new JsonBinder(program.fields, o.idColumn);
      for await (const item of readJsonLines(stream)) {
        rowsRead++;
        tick();
        if (item.kind === "bad") {
          await rejects.add({ line: item.line, id: "", field: "", value: item.raw, reason: item.reason });
          continue;
        }
        const reject = binder.bind(item.value, item.line, rowsRead, vals);
        if (reject) await rejects.add(reject);
        else await emit(binder.idOf(item.value, rowsRead));
      }
      unknownColumns = binder.unknownColumns;
    }
  } finally {
    bar?.stop();
    await outWriter.close();
    await rejects.close();
  }
  void nScores;
  return {
    engine: "js",
    rowsRead,
    rowsWritten: rowsRead - rejects.count,
    rowsRejected: rejects.count,
    stages: [{ name: "none", count: stageCounts[0] }, ...stageNames.map((name, i) => ({ name, count: stageCounts[i + 1] }))],
    unknownColumns,
    absentFields,
    rejectsPath: rejects.count > 0 ? o.rejectsPath : undefined,
    output: o.output,
    seconds: (performance.now() - started) / 1000,
  };
}

function startProgress(input: string): cliProgress.SingleBar | undefined {
  let total: number;
  try {
    total = statSync(input).size;
  } catch {
    return undefined;
  }
  const bar = new cliProgress.SingleBar(
    { format: "scoring [{bar}] {percentage}% | {rows} rows | ETA {eta_formatted}", stream: process.stderr, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { rows: 0 });
  return bar;
}
