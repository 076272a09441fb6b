#!/usr/bin/env node
import { readFileSync, writeFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { Command, CommanderError, Option } from "./commander.js";
import type { Diagnostic } from "../../language/diagnostics.js";
import { format } from "../../language/formatter.js";
import { formatDateDays } from "../../language/literals.js";
import { InputError, inputFormatOf } from "../batch/sources/inputs.js";
import { formatOf } from "../batch/output.js";
import { parseDelimiter, type Delimiter } from "../batch/sources/csv-dialect.js";
import type { ReadingOptions } from "../batch/sources/record-source.js";
import type { ExportOptions } from "../batch/js/bound-rows.js";
import { SQL_DIALECTS, type SqlDialectName } from "../sql/sql-dialects.js";
import { renderSummary } from "../batch/summary.js";
import { compileFile, type CompileResult } from "../compile.js";
import { nodeHost } from "../host.js";
import { runExamples } from "../runtime/examples.js";
import { asOfDays } from "../runtime/program.js";
import { VERSION } from "../version.js";
import { registerInit } from "./init.js";
import { WriteBackError } from "./write-back.js";
import { addWriteBackOptions, prepareWriteBack, type WriteBackOptions } from "./write-back-run.js";
import { ParamError, paramOverrides, programWithParams } from "../params.js";
import type { CompareCommandOptions, DiffCommandOptions } from "./definition-commands.js";
import { DefinitionUsageError } from "./definition-usage-error.js";
import { overwrittenInput } from "./distinct-files.js";
import { openEventFiles, streamAssignments } from "./stream-options.js";
import { DEFAULT_EVENTS_MEMORY_MB, EventFiles } from "../batch/sources/event-files.js";
import type { IrProgram } from "../ir.js";
import { renderExampleOutcome, renderExplanation, renderGithub, renderJson, renderSarif, renderText, type DiagnosticFormat } from "./render.js";

/** Exit codes, as documented in the README. */
const EXIT = { ok: 0, problems: 1, usage: 2 } as const;

class UsageError extends Error {}

/**
 * `--events STREAM=FILE` pairs: a file of at most `--events-memory` MB read and grouped by lead
 * id now, a larger one merged with the sorted leads during the run; none given: undefined.
 */
function eventFilesOf(pairs: readonly string[], ir: IrProgram, idColumn: string, memoryMB?: string): EventFiles | undefined {
  try {
    return openEventFiles(pairs, ir, idColumn, memoryMB);
  } catch (e) {
    if (e instanceof RangeError) throw new UsageError(e.message);
    throw e;
  }
}

/** `--events STREAM=FILE` pairs as stream → path, checked against the definition's streams, for an engine that reads them itself. */
function eventPathsOf(pairs: readonly string[], ir: IrProgram): Record<string, string> {
  try {
    return pairs.length ? streamAssignments(pairs, ir, "--events") : {};
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function fileTexts(results: CompileResult[]): Map<string, string> {
  const texts = new Map<string, string>();
  for (const r of results) for (const [path, m] of r.analysis.files) texts.set(path, m.text);
  return texts;
}

function uniqueDiagnostics(results: CompileResult[]): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const r of results) {
    for (const d of r.diagnostics) {
      const key = `${d.file}:${d.span.start}:${d.span.end}:${d.code}:${d.message}`;
      if (!seen.has(key)) {
        seen.add(key);
        out.push(d);
      }
    }
  }
  return out;
}

function printDiagnostics(results: CompileResult[], fmt: DiagnosticFormat, stream: NodeJS.WriteStream = process.stdout): void {
  const diagnostics = uniqueDiagnostics(results);
  let text: string;
  switch (fmt) {
    case "json": text = renderJson(diagnostics); break;
    case "sarif": text = renderSarif(diagnostics, VERSION); break;
    case "github": text = renderGithub(diagnostics); break;
    default: text = renderText(diagnostics, fileTexts(results));
  }
  if (text) stream.write(`${text}\n`);
}

function countsLine(diagnostics: Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.filter((d) => d.severity === "warning").length;
  return `${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}`;
}

/**
 * Compiles a definition for commands that need a runnable program; reports and fails otherwise.
 * `params` are `--param NAME=VALUE` flags: a bad one is a usage error.
 */
function programOrExit(file: string, params: readonly string[] = []) {
  const result = compileFile(file, diskHost());
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  if (!result.program) {
    printDiagnostics([result], "text", process.stderr);
    process.stderr.write(`${basename(file)}: ${countsLine(errors)}; fix them first\n`);
    process.exit(EXIT.problems);
  }
  return { result, program: programWithParams(result, paramsOrUsage(() => paramOverrides(result.analysis, params))) };
}

/** Runs `read`, turning a bad `--param` into a usage error. */
function paramsOrUsage<T>(read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof ParamError) throw new UsageError(e.message);
    throw e;
  }
}

/** paramsOrUsage for asynchronous work. */
async function paramsOrUsageAsync<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    if (e instanceof ParamError) throw new UsageError(e.message);
    throw e;
  }
}

/** The format of a CSV or JSON Lines input for the commands that stream it themselves (not Parquet). */
function batchInputFormat(input: string, forced: "csv" | "jsonl" | undefined): "csv" | "jsonl" {
  const detected = forced ?? (input === "-" ? "csv" : inputFormatOf(input));
  if (detected === undefined) throw new UsageError(`cannot tell the format of \`${input}\`; name it .csv or .jsonl, or pass --input-format`);
  if (detected === "parquet") throw new UsageError("this command reads CSV or JSON Lines; Parquet needs `run --engine duckdb`");
  return detected;
}

/**
 * `--delimiter` and `--decimal-comma`, as `run` takes them: every command that reads leads
 * (run, explain, report, sweep, outcomes, diff) offers the same two flags.
 */
function addReadingOptions(command: Command): Command {
  return command
    .option("--decimal-comma", "numbers are written 1.234.567,89 (European exports)")
    .option("--delimiter <char>", "CSV cell separator: , ; tab | (default: detected from the header line)");
}

/** The reading flags parsed once, for the record source every command shares (batch/sources/record-source.ts). */
/** The export `report`, `sweep` and `outcomes` read, from the flags they share with `run`. */
function exportOf(opts: ExportFlags, ir: IrProgram, command: Command): ExportOptions {
  return {
    input: opts.input,
    inputFormat: batchInputFormat(opts.input, opts.inputFormat),
    asOf: parseAsOf(opts.asOf),
    idColumn: opts.id,
    reading: readingOf(opts, command.getOptionValueSource("id") === "cli"),
    events: eventFilesOf(opts.events, ir, opts.id, opts.eventsMemory),
  };
}

interface ExportFlags {
  input: string;
  inputFormat?: "csv" | "jsonl";
  asOf?: string;
  id: string;
  decimalComma?: boolean;
  delimiter?: string;
  events: string[];
  eventsMemory?: string;
}

function readingOf(opts: { decimalComma?: boolean; delimiter?: string }, idExplicit: boolean): ReadingOptions & { delimiter?: Delimiter } {
  const delimiter = opts.delimiter === undefined ? undefined : parseDelimiter(opts.delimiter);
  if (opts.delimiter !== undefined && delimiter === undefined) throw new UsageError(`--delimiter takes , ; tab or |, not \`${opts.delimiter}\``);
  return { decimalComma: opts.decimalComma === true, delimiter, idExplicit };
}

/** Collects a repeatable option (`--param a=1 --param b=2`). */
function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

const PARAM_HELP = "set a parameter for this run: NAME=VALUE (repeatable)";

function parseAsOf(value: string | undefined): number {
  try {
    return asOfDays(value);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** The import boundary chosen with --project-root (read in the preAction hook); default: found per entry file. */
let projectRootOption: string | undefined;

/** The disk host every command compiles through, with the project root the user chose. */
function diskHost() {
  return nodeHost(new Map(), { projectRoot: projectRootOption });
}

function buildCli(): Command {
  const cli = new Command("leaddef")
    .description("Check, test, format and run lead-qualification definitions (.leaddef files).")
    .version(VERSION)
    .showHelpAfterError()
    .option("--project-root <dir>", "the folder imports must stay inside (default: the nearest folder above the file with a package.json or .git)")
    .hook("preAction", (command) => {
      projectRootOption = command.opts().projectRoot as string | undefined;
    })
    .addHelpText("after", "\nExit codes: 0 success; 1 problems found (errors in a definition, failing examples,\nunformatted files with --check, rejected rows with --fail-on-rejects); 2 usage or I/O error.");

  cli.command("check")
    .description("parse and type-check definitions; report every problem")
    .argument("<files...>", ".leaddef files")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json", "sarif", "github"]).default("text"))
    .option("--deny-warnings", "exit 1 on warnings too")
    .option("--semantic", "also the warnings an SMT solver proves (unreachable stages, constant criteria, dead score lines, …); takes seconds")
    .action(async (files: string[], opts: { format: DiagnosticFormat; denyWarnings?: boolean; semantic?: boolean }) => {
      const compiled = files.map((f) => compileFile(f, diskHost()));
      const results = opts.semantic ? await (await import("./definition-commands.js")).withSemanticLints(compiled) : compiled;
      printDiagnostics(results, opts.format);
      const all = uniqueDiagnostics(results);
      if (opts.format === "text") process.stderr.write(`${files.length} file${files.length === 1 ? "" : "s"} checked: ${countsLine(all)}\n`);
      const failing = all.some((d) => d.severity === "error" || (opts.denyWarnings && d.severity === "warning"));
      process.exitCode = failing ? EXIT.problems : EXIT.ok;
    });

  cli.command("test")
    .description("run every example in the definitions")
    .argument("<files...>", ".leaddef files")
    .option("--as-of <date>", "as-of date for examples without `as of` (default: today, UTC)")
    .option("--param <NAME=VALUE>", PARAM_HELP, collect, [])
    .option("--coverage", "report the conditions no example makes both true and false; last line: conditions covered: X of Y (Z%)")
    .option("--lcov <file>", "write the coverage as LCOV (implies --coverage)")
    .action(async (files: string[], opts: { asOf?: string; param: string[]; coverage?: boolean; lcov?: string }) => {
      const defaultAsOf = formatDateDays(parseAsOf(opts.asOf));
      const measure = opts.coverage || opts.lcov !== undefined ? await import("../analysis/coverage.js") : undefined;
      const coverage = measure ? new measure.Coverage() : undefined;
      let passed = 0;
      let failed = 0;
      for (const file of files) {
        const result = compileFile(file, diskHost());
        if (!result.program) {
          printDiagnostics([result], "text");
          const examples = result.analysis.entry.examples.length;
          console.log(`✗ ${file}: does not compile (${countsLine(result.diagnostics)}); its ${examples} example${examples === 1 ? "" : "s"} count as failed`);
          failed += Math.max(1, examples);
          continue;
        }
        const program = programWithParams(result, paramsOrUsage(() => paramOverrides(result.analysis, opts.param)));
        for (const outcome of runExamples(program, defaultAsOf)) {
          console.log(renderExampleOutcome(resolve(file), outcome));
          if (outcome.passed) passed++;
          else failed++;
        }
        coverage?.addProgram(program, result.analysis.files, defaultAsOf);
      }
      console.log(`${passed} passed, ${failed} failed`);
      if (coverage && measure) {
        const { coverageSummary, toLcov, uncoveredLines } = measure;
        const points = coverage.all();
        const cwd = process.cwd();
        const display = (p: string) => (p.startsWith(`${cwd}/`) ? p.slice(cwd.length + 1) : p);
        const uncovered = uncoveredLines(points, display);
        if (uncovered.length) console.log(["", "not covered by the examples (each condition needs an example that makes it true and one that makes it false):", ...uncovered].join("\n"));
        if (opts.lcov !== undefined) writeFileSync(opts.lcov, toLcov(points, display));
        console.log(coverageSummary(points));
      }
      process.exitCode = failed > 0 ? EXIT.problems : EXIT.ok;
    });

  cli.command("fmt")
    .description("rewrite files in the canonical layout (comments kept, meaning unchanged)")
    .argument("<files...>", ".leaddef files, or - for standard input to standard output")
    .option("--check", "change nothing; exit 1 if any file is not formatted")
    .action((files: string[], opts: { check?: boolean }) => {
      let unformatted = 0;
      let broken = 0;
      for (const file of files) {
        const text = file === "-" ? readFileSync(0, "utf8") : readFileSync(file, "utf8");
        const result = format(text);
        if (result.error) {
          console.error(`${file}: ${result.error}`);
          broken++;
          if (file === "-") process.stdout.write(text);
          continue;
        }
        if (file === "-") {
          process.stdout.write(result.text);
          continue;
        }
        if (!result.changed) continue;
        unformatted++;
        if (opts.check) console.log(`${file}: not formatted`);
        else {
          writeFileSync(file, result.text);
          console.log(`${file}: formatted`);
        }
      }
      process.exitCode = broken > 0 || (opts.check && unformatted > 0) ? EXIT.problems : EXIT.ok;
    });

  cli.command("run")
    .description("score a CRM export (CSV or JSON Lines), streaming; prints the funnel")
    .argument("<file>", "the .leaddef definition")
    .requiredOption("--input <path>", "leads: .csv or .jsonl (- for standard input, CSV)")
    .option("-o, --output <path>", "results: .csv or .jsonl, or - (default): standard output, CSV")
    .option("--as-of <date>", "the date days_since counts to (default: today, UTC)")
    .option("--rejects <path>", "where rejected rows go (default: <output or input>.rejects.csv)")
    .option("--id <column>", "the input column that identifies a lead", "id")
    .addOption(new Option("--columns <which>", "default: id, stage, scores; all: also every criterion and stage flag").choices(["default", "all"]).default("default"))
    .addOption(new Option("--input-format <format>", "when the file name does not tell").choices(["csv", "jsonl"]))
    .option("--fail-on-rejects", "exit 1 if any row was rejected")
    .option("--no-progress", "no progress bar")
    .addOption(new Option("--engine <engine>", "js: the generated JavaScript evaluator; duckdb: the generated SQL in DuckDB (also reads Parquet)").choices(["js", "duckdb"]).default("js"))
    .option("--param <NAME=VALUE>", PARAM_HELP, collect, [])
    .option("--events <STREAM=FILE>", "an event stream's events from a separate CSV or JSON Lines file, joined on the id column (repeatable)", collect, [])
    .option("--events-memory <MB>", `an events file up to this size on disk is joined in memory, in any order; a larger one is merged with the leads, both sorted by id (default: ${DEFAULT_EVENTS_MEMORY_MB})`)
    .action(async (file: string, opts: WriteBackOptions & { input: string; output?: string; asOf?: string; rejects?: string; id: string; columns: "default" | "all"; inputFormat?: "csv" | "jsonl"; failOnRejects?: boolean; decimalComma?: boolean; delimiter?: string; progress: boolean; engine: "js" | "duckdb"; param: string[]; events: string[]; eventsMemory?: string }, command: Command) => {
      // `-o -` is standard output, as `fmt -` and `--input -` read standard input (not a file named `-`).
      if (opts.output === "-") opts.output = undefined;
      const detected = opts.inputFormat ?? (opts.input === "-" ? "csv" : inputFormatOf(opts.input));
      if (detected === undefined) throw new UsageError(`cannot tell the format of \`${opts.input}\`; name it .csv or .jsonl, or pass --input-format`);
      if (detected === "parquet" && opts.engine !== "duckdb") throw new UsageError("Parquet input needs --engine duckdb");
      if (opts.engine === "duckdb" && opts.input === "-") throw new UsageError("--engine duckdb reads a file, not standard input");
      // DuckDB is loaded only when asked for (the JS engine needs none of its native code), and
      // its database opens on another thread while the definition compiles here. The process
      // ends without closing it.
      const duckdb = opts.engine === "duckdb" ? await import("../batch/duckdb/run.js") : undefined;
      const database = duckdb?.openDatabase();
      database?.catch(() => undefined); // awaited by the run; not an unhandled rejection if compiling fails first
      const { program } = programOrExit(file, opts.param);
      const writeBack = prepareWriteBack(opts, program);
      const asOf = parseAsOf(opts.asOf);
      const rejectsPath = opts.rejects ?? `${opts.output ?? (opts.input === "-" ? "stdin" : opts.input)}.rejects.csv`;
      const overwrites = overwrittenInput([opts.input, file, ...opts.events.map((e) => e.slice(e.indexOf("=") + 1))], [{ flag: "--output", path: opts.output }, { flag: "--rejects", path: rejectsPath }]);
      if (overwrites) throw new UsageError(overwrites);
      const idExplicit = writeBack !== undefined || command.getOptionValueSource("id") === "cli";
      const reading = readingOf(opts, idExplicit);
      const job = {
        program,
        input: opts.input,
        inputFormat: detected,
        output: writeBack?.resultsPath ?? opts.output ?? process.stdout,
        outputFormat: writeBack ? "csv" as const : formatOf(opts.output),
        asOf,
        idColumn: writeBack?.idColumn ?? opts.id,
        idExplicit,
        columns: opts.columns,
        rejectsPath,
        decimalComma: reading.decimalComma,
        delimiter: reading.delimiter,
        // DuckDB reads the events files itself; the JS engine (or a run DuckDB hands over) reads them here.
        events: opts.engine === "duckdb" ? undefined : eventFilesOf(opts.events, program.ir, writeBack?.idColumn ?? opts.id, opts.eventsMemory),
        eventPaths: opts.engine === "duckdb" ? eventPathsOf(opts.events, program.ir) : undefined,
        readEvents: () => eventFilesOf(opts.events, program.ir, writeBack?.idColumn ?? opts.id, opts.eventsMemory),
      };
      const summary = duckdb
        ? await duckdb.runDuckdb({ ...job, database })
        : await (await import("../batch/js/run-js.js")).runJs({ ...job, inputFormat: detected as "csv" | "jsonl", progress: opts.progress && process.stderr.isTTY ? process.stderr : undefined });
      for (const warning of summary.warnings) process.stderr.write(`leaddef: ${warning}\n`);
      const report = renderSummary(summary);
      (opts.output ? process.stdout : process.stderr).write(`${report}\n`);
      const writeBackCode = writeBack?.finish() ?? EXIT.ok;
      process.exitCode = (opts.failOnRejects && summary.rowsRejected > 0) || writeBackCode !== EXIT.ok ? EXIT.problems : EXIT.ok;
      if (summary.rowsRead > 0 && summary.rowsWritten === 0) {
        // A file every row of which is refused is wrong as a whole (a wrong definition, delimiter or number format), not a result.
        process.stderr.write(`leaddef: error: every row was rejected (${summary.rowsRejected} of ${summary.rowsRead}); the reasons are in ${summary.rejectsPath ?? rejectsPath}\n`);
        process.exitCode = EXIT.problems;
      }
    });
  addWriteBackOptions(cli.commands.find((c) => c.name() === "run")!);

  cli.command("explain")
    .description("show why a lead gets its stage and scores")
    .argument("<file>", "the .leaddef definition")
    .option("--input <path>", "leads file (.csv or .jsonl) to find the lead in")
    .option("--id <id>", "the lead's id in --input")
    .option("--id-column <column>", "the id column", "id")
    .option("--lead <json>", "the lead as JSON (nested or flat dotted keys)")
    .option("--as-of <date>", "as-of date (default: today, UTC)")
    .option("--json", "print the explanation as JSON")
    .option("--param <NAME=VALUE>", PARAM_HELP, collect, [])
    .addOption(new Option("--input-format <format>", "when the file name does not tell").choices(["csv", "jsonl"]))
    .option("--events <STREAM=FILE>", "the lead's events from a separate CSV or JSON Lines file, joined on --id (repeatable)", collect, [])
    .action(async (file: string, opts: { input?: string; id?: string; idColumn: string; lead?: string; asOf?: string; json?: boolean; param: string[]; inputFormat?: "csv" | "jsonl"; decimalComma?: boolean; delimiter?: string; events: string[] }) => {
      const { program } = programOrExit(file, opts.param);
      const asOf = formatDateDays(parseAsOf(opts.asOf));
      let lead: Record<string, unknown>;
      if (opts.lead !== undefined) {
        try {
          lead = JSON.parse(opts.lead);
        } catch (e) {
          throw new UsageError(`--lead is not valid JSON: ${(e as Error).message}`);
        }
        if (lead === null || typeof lead !== "object") throw new UsageError("--lead must be a JSON object");
      } else if (opts.input && opts.id !== undefined) {
        const { findLead } = await import("./find-lead.js");
        const found = await findLead(program, opts.input, batchInputFormat(opts.input, opts.inputFormat), opts.idColumn, opts.id, readingOf(opts, true));
        if (!found) throw new UsageError(`no lead with ${opts.idColumn} = ${opts.id} in ${opts.input}`);
        lead = found;
      } else {
        throw new UsageError("give --lead JSON, or --input FILE with --id ID");
      }
      const events = eventFilesOf(opts.events, program.ir, opts.idColumn);
      if (events) {
        if (opts.id === undefined) throw new UsageError("--events joins on the lead's id: give --id too");
        lead = { ...lead, ...events.leadObject(opts.id) };
      }
      let explanation;
      try {
        explanation = program.explain(lead, { asOf });
      } catch (e) {
        console.error(`this lead would be rejected: ${(e as Error).message}`);
        process.exitCode = EXIT.problems;
        return;
      }
      console.log(opts.json ? JSON.stringify(explanation, null, 2) : renderExplanation(explanation));
    });

  cli.command("build")
    .description("compile a definition to a standalone artifact")
    .argument("<file>", "the .leaddef definition")
    .addOption(new Option("--target <target>", "what to build").choices(["js", "sql", "dbt"]).default("js"))
    .option("-o, --out <path>", "output file (default: standard output); with --target dbt, the models directory")
    .addOption(new Option("--dialect <dialect>", "SQL dialect (with --target sql or dbt)").choices([...SQL_DIALECTS]))
    .option("--table <name>", "SQL: the table holding the leads, one column per field path", "leads")
    .option("--view <name>", "SQL: write CREATE OR REPLACE VIEW <name> AS ...")
    .option("--as-of <date>", "SQL: inline this as-of date (default: the warehouse's current date, UTC)")
    .option("--id <column>", "SQL: the table's id column", "id")
    .addOption(new Option("--columns <which>", "SQL: default: id, stage, scores; all: also every criterion and stage flag").choices(["default", "all"]).default("default"))
    .addOption(new Option("--staging <kind>", "SQL: typed: the table's columns have the fields' types; text: every column is text, read by run's spelling rules, bad rows rejected with every failing field").choices(["typed", "text"]).default("typed"))
    .option("--decimal-comma", "SQL with --staging text: numbers are written 1.234.567,89 (European exports), as run --decimal-comma reads them")
    .option("--dbt-source <source.table>", "dbt: read the leads from {{ source(SOURCE, TABLE) }} (default crm.leads)")
    .option("--dbt-ref <model>", "dbt: read the leads from {{ ref(MODEL) }} instead")
    .option("--model <name>", "dbt: the model's name (default: the file's base name)")
    .addOption(new Option("--materialized <how>", "dbt: how the model is materialised").choices(["view", "table"]).default("view"))
    .option("--param <NAME=VALUE>", "inline this parameter value instead of the one in the file: NAME=VALUE (repeatable)", collect, [])
    .option("--events-table <STREAM=TABLE>", "SQL: the table holding an event stream's events, joined on the id column (default: a table named like the stream; repeatable)", collect, [])
    .action(async (file: string, opts: { param: string[]; eventsTable: string[]; target: "js" | "sql" | "dbt"; out?: string; dialect?: SqlDialectName; table: string; view?: string; asOf?: string; id: string; columns: "default" | "all"; staging: "typed" | "text"; decimalComma?: boolean; dbtSource?: string; dbtRef?: string; model?: string; materialized: "view" | "table" }) => {
      const overwrites = overwrittenInput([file], [{ flag: "-o", path: opts.out }]);
      if (overwrites) throw new UsageError(overwrites);
      const { program } = programOrExit(file, opts.param);
      if (opts.decimalComma && (opts.target !== "sql" || opts.staging !== "text")) throw new UsageError("--decimal-comma needs --target sql --staging text (a typed table holds numbers, not their spelling)");
      if (opts.target !== "js" && !opts.dialect) throw new UsageError(`--target ${opts.target} needs --dialect (${SQL_DIALECTS.join(", ")})`);
      if (opts.target === "dbt") {
        if (!opts.out) throw new UsageError("--target dbt needs -o DIR (the dbt models directory to write into)");
        const asOf = opts.asOf === undefined ? undefined : formatDateDays(parseAsOf(opts.asOf));
        let written: string[];
        try {
          written = (await import("./build-dbt.js")).buildDbt(program.ir, file, { ...opts, dialect: opts.dialect!, out: opts.out, asOf });
        } catch (e) {
          throw new UsageError((e as Error).message);
        }
        console.error(`wrote ${written.join(", ")}`);
        return;
      }
      let code: string;
      try {
        code = opts.target === "sql"
          ? (await import("../sql/emit-sql.js")).emitSql(program.ir, { dialect: opts.dialect!, table: opts.table, view: opts.view, asOf: opts.asOf === undefined ? undefined : formatDateDays(parseAsOf(opts.asOf)), idColumn: opts.id, columns: opts.columns, outcomes: true, staging: opts.staging, decimalComma: opts.decimalComma === true, events: streamAssignments(opts.eventsTable, program.ir, "--events-table") })
          : (await import("../js/emit-module.js")).emitModule(program.ir, basename(file), VERSION);
      } catch (e) {
        if (e instanceof RangeError) throw new UsageError(e.message);
        throw e;
      }
      if (opts.out) writeFileSync(opts.out, code);
      else process.stdout.write(code);
    });

  registerInit(cli);
  cli.command("report")
    .description("an HTML funnel report (self-contained, no network): waterfall, what holds leads back, criteria, scores, rejects")
    .argument("<file>", "the .leaddef definition")
    .requiredOption("--input <path>", "leads: .csv or .jsonl")
    .requiredOption("-o, --out <path>", "the HTML file to write")
    .option("--as-of <date>", "the date days_since counts to (default: today, UTC)")
    .option("--id <column>", "the input column that identifies a lead", "id")
    .option("--param <NAME=VALUE>", PARAM_HELP, collect, [])
    .option("--events <STREAM=FILE>", "an event stream's events from a separate CSV or JSON Lines file, joined on the id column, as run joins them (repeatable)", collect, [])
    .option("--events-memory <MB>", `an events file up to this size on disk is joined in memory, in any order; a larger one is merged with the leads, both sorted by id (default: ${DEFAULT_EVENTS_MEMORY_MB})`)
    .addOption(new Option("--input-format <format>", "when the file name does not tell").choices(["csv", "jsonl"]))
    .action(async (file: string, opts: { input: string; out: string; asOf?: string; id: string; param: string[]; inputFormat?: "csv" | "jsonl"; decimalComma?: boolean; delimiter?: string; events: string[]; eventsMemory?: string }, command: Command) => {
      const overwrites = overwrittenInput([opts.input, file, ...opts.events.map((e) => e.slice(e.indexOf("=") + 1))], [{ flag: "-o", path: opts.out }]);
      if (overwrites) throw new UsageError(overwrites);
      const { result, program } = programOrExit(file, opts.param);
      const [{ collectReport }, { renderReportHtml }] = await Promise.all([import("./report.js"), import("./report-html.js")]);
      const data = await collectReport({ program, definition: file, ...exportOf(opts, program.ir, command) });
      writeFileSync(opts.out, renderReportHtml(data, result.analysis.entry.text));
      for (const warning of data.warnings) process.stderr.write(`leaddef: ${warning}\n`);
      const top = data.funnel.stages[data.funnel.stages.length - 1];
      process.stderr.write(`${opts.out}: ${data.rowsRead} rows read = ${data.rowsRead - data.rowsRejected} scored + ${data.rowsRejected} rejected; ${top.reached} reached ${top.name}\n`);
    });

  cli.command("sweep")
    .description("the funnel for each value of a parameter, from one pass over the data")
    .argument("<file>", "the .leaddef definition")
    .requiredOption("--input <path>", "leads: .csv or .jsonl")
    .requiredOption("--param <NAME=VALUES>", "the values to try: NAME=a..b:step or NAME=v1,v2,… (other --param flags set fixed values)", collect, [])
    .option("--as-of <date>", "the date days_since counts to (default: today, UTC)")
    .option("--id <column>", "the input column that identifies a lead", "id")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .option("--events <STREAM=FILE>", "an event stream's events from a separate CSV or JSON Lines file, joined on the id column, as run joins them (repeatable)", collect, [])
    .option("--events-memory <MB>", `an events file up to this size on disk is joined in memory, in any order; a larger one is merged with the leads, both sorted by id (default: ${DEFAULT_EVENTS_MEMORY_MB})`)
    .addOption(new Option("--input-format <format>", "when the file name does not tell").choices(["csv", "jsonl"]))
    .action(async (file: string, opts: { input: string; param: string[]; asOf?: string; id: string; format: "text" | "json"; inputFormat?: "csv" | "jsonl"; decimalComma?: boolean; delimiter?: string; events: string[]; eventsMemory?: string }, command: Command) => {
      const { result, program } = programOrExit(file);
      const { renderSweep, runSweep } = await import("./sweep.js");
      const sweep = await paramsOrUsageAsync(() => runSweep({ result, params: opts.param, ...exportOf(opts, program.ir, command) }));
      for (const warning of sweep.warnings) process.stderr.write(`leaddef: ${warning}\n`);
      console.log(opts.format === "json" ? JSON.stringify({ param: sweep.param, runs: sweep.runs, rowsRead: sweep.rowsRead, rowsRejected: sweep.rowsRejected }, null, 2) : renderSweep(sweep));
    });

  cli.command("outcomes")
    .description("does the definition predict what happened? per outcome: base rate, rate, capture and lift per stage and criterion")
    .argument("<file>", "the .leaddef definition (with outcome NAME when … declarations)")
    .requiredOption("--input <path>", "leads: .csv or .jsonl")
    .option("--as-of <date>", "the date days_since counts to (default: today, UTC)")
    .option("--id <column>", "the input column that identifies a lead", "id")
    .option("--param <NAME=VALUE>", PARAM_HELP, collect, [])
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .option("--events <STREAM=FILE>", "an event stream's events from a separate CSV or JSON Lines file, joined on the id column, as run joins them (repeatable)", collect, [])
    .option("--events-memory <MB>", `an events file up to this size on disk is joined in memory, in any order; a larger one is merged with the leads, both sorted by id (default: ${DEFAULT_EVENTS_MEMORY_MB})`)
    .addOption(new Option("--input-format <format>", "when the file name does not tell").choices(["csv", "jsonl"]))
    .action(async (file: string, opts: { input: string; asOf?: string; id: string; param: string[]; format: "text" | "json"; inputFormat?: "csv" | "jsonl"; decimalComma?: boolean; delimiter?: string; events: string[]; eventsMemory?: string }, command: Command) => {
      const { program } = programOrExit(file, opts.param);
      const { collectOutcomes, renderOutcomes } = await import("./outcomes.js");
      const r = await collectOutcomes({ program, ...exportOf(opts, program.ir, command) });
      for (const warning of r.warnings) process.stderr.write(`leaddef: ${warning}\n`);
      console.log(opts.format === "json" ? JSON.stringify({ outcomes: r.outcomes }, null, 2) : renderOutcomes(r));
    });

  cli.command("diff")
    .description("what a change to a definition does to real leads: stage transitions, why, score shifts")
    .argument("<old>", "the definition before: a file, or a git revision REV:path (HEAD~1:examples/acme.leaddef)")
    .argument("<new>", "the definition after: a file or REV:path")
    .requiredOption("--input <path>", "leads: .csv or .jsonl (- for standard input, CSV)")
    .option("--as-of <date>", "the date days_since counts to (default: today, UTC)")
    .option("--id <column>", "the input column that identifies a lead", "id")
    .addOption(new Option("--input-format <format>", "when the file name does not tell").choices(["csv", "jsonl"]))
    .addOption(new Option("--format <format>", "output format").choices(["text", "json", "markdown"]).default("text"))
    .option("--fail-on-change", "exit 1 if any lead changes stage (a CI gate for refactors)")
    .option("--events <STREAM=FILE>", "an event stream's events (a stream of either definition) from a separate CSV or JSON Lines file, joined on the id column, as run joins them (repeatable)", collect, [])
    .option("--events-memory <MB>", `an events file up to this size on disk is joined in memory, in any order; a larger one is merged with the leads, both sorted by id (default: ${DEFAULT_EVENTS_MEMORY_MB})`)
    .action(async (oldSpec: string, newSpec: string, opts: DiffCommandOptions & { decimalComma?: boolean; delimiter?: string }, command: Command) => {
      process.exitCode = await (await import("./definition-commands.js")).diffCommand(oldSpec, newSpec, { ...opts, reading: readingOf(opts, command.getOptionValueSource("id") === "cli") });
    });

  cli.command("compare")
    .description("decide with an SMT solver whether two definitions agree on every possible lead; show counterexamples")
    .argument("<old>", "the definition before: a file or REV:path")
    .argument("<new>", "the definition after: a file or REV:path")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .option("--fail-on-difference", "exit 1 unless the definitions are proved equivalent")
    .action(async (oldSpec: string, newSpec: string, opts: CompareCommandOptions) => {
      process.exitCode = await (await import("./definition-commands.js")).compareCommand(oldSpec, newSpec, opts);
    });

  cli.command("lsp")
    .description("start the language server (for editors)")
    .option("--stdio", "talk over standard input/output (the default)")
    .action(async () => {
      // Loaded on demand, because vscode-languageserver roughly doubles the CLI's start-up time
      // and no other command needs it; the specifier is a literal, so tsc, esbuild and
      // test/layering.test.ts all see this one edge from compiler/ to lsp/.
      const { startServer } = await import("../../lsp/server.js");
      startServer();
    });

  // Every command that reads leads reads them as `run` does (batch/sources/record-source.ts).
  for (const name of ["run", "explain", "report", "sweep", "outcomes", "diff"]) addReadingOptions(cli.commands.find((c) => c.name() === name)!);
  return cli;
}

export async function main(argv: string[]): Promise<void> {
  // `leaddef run ... | head`: the reader went away. Stop quietly, as Unix tools do, instead of
  // dying on an unhandled 'error' event with a stack trace.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(EXIT.ok);
    throw e;
  });
  const cli = buildCli();
  // Subcommands were created before this, so they do not inherit the override: without it a
  // missing argument or a bad --format choice would exit 1 (problems found) instead of 2 (usage).
  for (const command of [cli, ...cli.commands]) {
    command.exitOverride();
    command.configureOutput({ writeErr: (s) => process.stderr.write(s) });
  }
  try {
    await cli.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? EXIT.ok : EXIT.usage;
      return;
    }
    if (e instanceof InputError) {
      console.error(`leaddef: error: ${e.message}`);
      process.exitCode = EXIT.problems;
      return;
    }
    if (e instanceof UsageError || e instanceof DefinitionUsageError || e instanceof WriteBackError) {
      console.error(`leaddef: ${e.message}`);
      process.exitCode = EXIT.usage;
      return;
    }
    const err = e as NodeJS.ErrnoException;
    // A file the command cannot open or write (missing, forbidden, a folder, a full or read-only disk).
    if (["ENOENT", "EACCES", "EISDIR", "ENOTDIR", "EPERM", "ENOSPC", "EDQUOT", "EROFS", "EFBIG"].includes(err.code ?? "")) {
      console.error(`leaddef: ${err.message}`);
      process.exitCode = EXIT.usage;
      return;
    }
    console.error(`leaddef: internal error: ${err.stack ?? err.message}`);
    process.exitCode = EXIT.usage;
  }
}

await main(process.argv);
