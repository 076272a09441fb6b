/**
 * The I/O side of `leaddef run --write-back`: options on the run command, a run whose results go
 * to a temporary CSV with the CRM key as the id column, then the import file (write-back.ts).
 */

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Option, type Command } from "./commander.js";
import { CsvRecordReader } from "../batch/sources/csv-records.js";
import { resultColumns } from "../batch/output.js";
import type { Program } from "../runtime/program.js";
import { sampleCsv, sampleJsonl } from "../infer/sample.js";
import { readPrefix } from "./init.js";
import { buildImport, CRMS, planWriteBack, WriteBackError, type Crm, type Table } from "./write-back.js";

/** Adds `--write-back`, `--write-back-key`, `--property` and `--changed-since` to `run`. */
export function addWriteBackOptions(run: Command): void {
  run
    .addOption(new Option("--write-back <crm>", "write a CRM import file of the results to --output instead").choices([...CRMS]))
    .option("--write-back-key <column>", "the input column holding the CRM key (default: Record ID for hubspot, Lead ID for salesforce)")
    .option("--property <result=name>", "write a result column under this property / field name (repeatable; empty name: leave it out)", (v: string, all: string[]) => [...all, v], [] as string[])
    .option("--changed-since <previous.csv>", "write only the records whose values differ from a previous write-back file");
}

export interface WriteBackOptions {
  writeBack?: Crm;
  writeBackKey?: string;
  property: string[];
  changedSince?: string;
  id: string;
  input: string;
  inputFormat?: "csv" | "jsonl";
  output?: string;
  columns: "default" | "all";
}

/** A prepared write-back: what the run must do differently, and what to do after it. */
export interface WriteBackRun {
  /** The run's id column: the CRM key. */
  idColumn: string;
  /** Where the run writes its results (CSV); the import file is built from it. */
  resultsPath: string;
  /** Writes the import file, reports on stderr, and returns the exit code (1: keys left out). */
  finish(): number;
}

/** Parses a whole CSV text into a table (the header and every record). */
export function readTable(text: string, what: string): Table {
  const records: string[][] = [];
  const reader = new CsvRecordReader((cells) => records.push(cells), (line, reason) => {
    throw new WriteBackError(`${what}, line ${line}: ${reason}`);
  });
  reader.push(text);
  reader.end();
  const header = records.shift();
  if (!header) throw new WriteBackError(`${what} has no header line`);
  return { header, rows: records };
}

/**
 * The columns (CSV header cells, or JSON Lines keys of the first records) of an input file.
 * Without its key column a run numbers the rows instead, and row numbers written as CRM ids
 * would overwrite other records: so write-back checks the column is there before running.
 */
export function inputColumns(path: string, format: "csv" | "jsonl" | "parquet" | undefined): string[] | undefined {
  if (format === "parquet" || format === undefined) return undefined; // DuckDB reports a missing column itself
  const { text, complete } = readPrefix(path, 1 << 20);
  try {
    const sample = format === "jsonl" ? sampleJsonl(text, 100, complete) : sampleCsv(text, 1, complete);
    return sample.columns.map((c) => c.header);
  } catch {
    return [];
  }
}

/**
 * Validates the write-back options before anything runs; undefined without `--write-back`.
 * Throws WriteBackError for options the CRM cannot accept.
 */
export function prepareWriteBack(opts: WriteBackOptions, program: Program): WriteBackRun | undefined {
  if (!opts.writeBack) {
    if (opts.writeBackKey || opts.property.length > 0 || opts.changedSince) {
      throw new WriteBackError("--write-back-key, --property and --changed-since need --write-back hubspot|salesforce");
    }
    return undefined;
  }
  if (opts.writeBackKey && opts.id !== "id" && opts.id !== opts.writeBackKey) {
    throw new WriteBackError(`--id ${opts.id} and --write-back-key ${opts.writeBackKey} disagree: the CRM key is the lead's id`);
  }
  const key = opts.writeBackKey ?? (opts.id !== "id" ? opts.id : undefined);
  const plan = planWriteBack(opts.writeBack, key, opts.property, resultColumns(program, opts.columns));
  if (opts.input === "-") throw new WriteBackError("--write-back reads its input from a file, not standard input (the key column is checked first)");
  const columns = inputColumns(opts.input, opts.inputFormat ?? (/\.(jsonl|ndjson)$/i.test(opts.input) ? "jsonl" : /\.parquet$/i.test(opts.input) ? "parquet" : "csv"));
  if (columns && !columns.includes(plan.keyColumn)) {
    throw new WriteBackError(`${opts.input} has no \`${plan.keyColumn}\` column to key the ${opts.writeBack} import on${columns.length ? ` (its columns: ${columns.slice(0, 12).join(", ")}${columns.length > 12 ? ", …" : ""})` : ""}; name it with --write-back-key`);
  }
  // Read before the run, so a missing or unreadable previous file fails before any work.
  const previous = opts.changedSince ? readTable(readFileSync(opts.changedSince, "utf8"), opts.changedSince) : undefined;
  const dir = mkdtempSync(join(tmpdir(), "leaddef-write-back-"));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  process.once("exit", cleanup);
  const resultsPath = join(dir, "results.csv");
  const flags = new Set(opts.columns === "all" ? [...program.criteria, ...program.stages] : []);
  return {
    idColumn: plan.keyColumn,
    resultsPath,
    finish() {
      const results = readTable(readFileSync(resultsPath, "utf8"), "the run's results");
      cleanup();
      const file = buildImport(plan, results, previous, flags);
      if (opts.output) writeFileSync(opts.output, file.text);
      else process.stdout.write(file.text);
      const crm = plan.crm === "hubspot" ? "HubSpot" : "Salesforce";
      const notes = [
        file.blankKeys > 0 ? `${file.blankKeys} with a blank ${plan.keyColumn} left out` : "",
        file.duplicates > 0 ? `${file.duplicates} repeated ${plan.keyHeader} written once` : "",
        file.unchanged > 0 ? `${file.unchanged} unchanged since ${opts.changedSince} left out` : "",
        file.conflicting.length > 0
          ? `${file.conflicting.length} ${plan.keyHeader} with disagreeing rows left out: ${file.conflicting.slice(0, 5).join(", ")}${file.conflicting.length > 5 ? ", …" : ""}`
          : "",
      ].filter(Boolean);
      process.stderr.write(`${opts.output ?? "standard output"}: ${crm} import, ${file.written} record${file.written === 1 ? "" : "s"} keyed by ${plan.keyHeader}${notes.length ? ` (${notes.join("; ")})` : ""}\n`);
      return file.conflicting.length > 0 ? 1 : 0;
    },
  };
}
