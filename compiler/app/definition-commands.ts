import { basename } from "node:path";
import { compareDefinitions } from "../analysis/compare.js";
import { diffOnData } from "../analysis/diff.js";
import { streamsNotSupplied } from "../batch/stream-notice.js";
import { openEventFiles } from "./stream-options.js";
import { semanticLints } from "../analysis/semantic-lints.js";
import { openSolver, shutdownSolvers } from "../analysis/smt.js";

import { compareDiagnostics } from "../../language/diagnostics.js";
import { inputFormatOf } from "../batch/sources/inputs.js";
import type { ReadingOptions } from "../batch/sources/record-source.js";
import { compileFile, type CompileResult } from "../compile.js";
import type { Program } from "../runtime/program.js";
import { asOfDays } from "../runtime/program.js";
import { renderCompareJson, renderCompareText, type CompareFormat } from "./compare.js";
import { renderDiffJson, renderDiffMarkdown, renderDiffText, type DiffFormat } from "./diff.js";
import { definitionSource } from "./git-host.js";
import { renderText } from "./render.js";

/**
 * The commands that weigh one definition against another (`diff` on data, `compare` over all
 * leads). Each returns its exit code: 0 as expected, 1 for what the command exists to catch
 * (a changed stage under --fail-on-change, a definition that does not compile), 2 for usage.
 */

export const EXIT = { ok: 0, problems: 1, usage: 2 } as const;

/** A message for the user, exit code 2. */
import { DefinitionUsageError } from "./definition-usage-error.js";

export { DefinitionUsageError };

/** Compiles OLD or NEW (a file or `REV:path`); prints its errors and returns undefined when it has any. */
export function loadDefinition(spec: string): { label: string; program: Program } | undefined {
  let source;
  try {
    source = definitionSource(spec);
  } catch (e) {
    throw new DefinitionUsageError((e as Error).message);
  }
  if (source.host.readFile(source.path) === undefined) throw new DefinitionUsageError(`cannot read \`${spec}\``);
  const result = compileFile(source.path, source.host);
  if (result.program) return { label: source.label, program: result.program };
  const texts = new Map([...result.analysis.files].map(([path, m]) => [path, m.text]));
  process.stderr.write(`${renderText(result.diagnostics.filter((d) => d.severity === "error"), texts)}\n`);
  process.stderr.write(`${spec}: does not compile; fix it first\n`);
  return undefined;
}

export interface DiffCommandOptions {
  input: string;
  asOf?: string;
  id: string;
  format: DiffFormat;
  inputFormat?: "csv" | "jsonl";
  failOnChange?: boolean;
  /** `--delimiter`, `--decimal-comma`, `--id` given (parsed once in the CLI, as for `run`). */
  reading?: ReadingOptions;
  /** `--events STREAM=FILE` pairs (a stream of either definition) and `--events-memory MB`. */
  events?: string[];
  eventsMemory?: string;
}

/** `leaddef diff OLD NEW --input FILE`. */
export async function diffCommand(oldSpec: string, newSpec: string, o: DiffCommandOptions): Promise<number> {
  const format = o.inputFormat ?? (o.input === "-" ? "csv" : inputFormatOf(o.input));
  if (format === undefined || format === "parquet") throw new DefinitionUsageError(`diff reads CSV or JSON Lines; cannot tell the format of \`${o.input}\` (name it .csv or .jsonl, or pass --input-format)`);
  let asOf: number;
  try {
    asOf = asOfDays(o.asOf);
  } catch (e) {
    throw new DefinitionUsageError((e as Error).message);
  }
  const before = loadDefinition(oldSpec);
  const after = loadDefinition(newSpec);
  if (!before || !after) return EXIT.problems;
  // Either definition's streams may be given: each side reads its own from the joined files.
  const streams = [...after.program.ir.streams, ...before.program.ir.streams.filter((s) => !after.program.ir.streams.some((a) => a.name === s.name))];
  let events;
  try {
    events = openEventFiles(o.events ?? [], { streams }, o.id, o.eventsMemory);
  } catch (e) {
    if (e instanceof RangeError) throw new DefinitionUsageError(e.message);
    throw e;
  }
  const report = await diffOnData({ old: before.program, new: after.program }, { input: o.input, format, asOf, idColumn: o.id, reading: o.reading, events });
  // The events files' notices; or, a CSV row carrying no events, that, once for the streams either definition reads.
  const notices = new Set(events ? events.warnings() : [...streamsNotSupplied(after.program.ir, format), ...streamsNotSupplied(before.program.ir, format)]);
  for (const notice of notices) process.stderr.write(`leaddef: ${notice}\n`);
  const labels = { old: before.label, new: after.label };
  const text = o.format === "json" ? renderDiffJson(report, labels) : o.format === "markdown" ? renderDiffMarkdown(report, labels) : renderDiffText(report, labels);
  process.stdout.write(`${text}\n`);
  if (report.compared === 0 && report.rows > 0) {
    process.stderr.write(`leaddef: every row of ${basename(o.input)} is rejected by one definition or the other; nothing was compared\n`);
    return EXIT.problems;
  }
  return o.failOnChange && report.changed > 0 ? EXIT.problems : EXIT.ok;
}

export interface CompareCommandOptions {
  format: CompareFormat;
  failOnDifference?: boolean;
}

/** `leaddef compare OLD NEW`: exit 0 when equivalent (or, without the flag, whatever the answer). */
export async function compareCommand(oldSpec: string, newSpec: string, o: CompareCommandOptions): Promise<number> {
  const before = loadDefinition(oldSpec);
  const after = loadDefinition(newSpec);
  if (!before || !after) return EXIT.problems;
  let report;
  try {
    report = await compareDefinitions({ old: before.program, new: after.program });
  } finally {
    await shutdownSolvers();
  }
  const labels = { old: before.label, new: after.label };
  // the example blocks list the fields of both definitions, the new one's first
  const fields = [...after.program.fields, ...before.program.fields.filter((f) => !after.program.fields.some((g) => g.path === f.path))];
  const streams = [...after.program.ir.streams, ...before.program.ir.streams.filter((s) => !after.program.ir.streams.some((t) => t.name === s.name))];
  process.stdout.write(`${o.format === "json" ? renderCompareJson(report, labels) : renderCompareText(report, labels, fields, streams)}\n`);
  return o.failOnDifference && report.equivalent !== true ? EXIT.problems : EXIT.ok;
}

/**
 * `check --semantic`: each error-free result with the solver's warnings added (LD2006-LD2011),
 * sorted with the others. One solver serves every file.
 */
export async function withSemanticLints(results: CompileResult[]): Promise<CompileResult[]> {
  if (!results.some((r) => r.program)) return results;
  let solver;
  try {
    solver = await openSolver();
  } catch (e) {
    process.stderr.write(`leaddef: --semantic needs the z3-solver package: ${(e as Error).message}\n`);
    return results;
  }
  try {
    const out: CompileResult[] = [];
    for (const r of results) {
      const extra = await semanticLints(r, { solver });
      out.push({ diagnostics: [...r.diagnostics, ...extra].sort(compareDiagnostics), analysis: r.analysis, program: r.program });
    }
    return out;
  } finally {
    solver.close();
    await shutdownSolvers();
  }
}
