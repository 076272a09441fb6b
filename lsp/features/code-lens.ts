import type { CompileResult } from "../../compiler/compile.js";
import { renderExampleFailure } from "../../compiler/app/render.js";
import { runExample, runExamples, type ExampleFailure, type ExampleOutcome } from "../../compiler/runtime/examples.js";
import { message } from "../../language/diagnostics.js";
import type { ExampleDecl } from "../../language/ast.js";
import type { Range, Span } from "../../language/source.js";
import { formatDateDays, todayDays } from "../../language/literals.js";

/** The command a lens or a client runs: `[uri]` runs every example of the file, `[uri, index]` just that one. */
export const RUN_EXAMPLES_COMMAND = "leaddef.runExamples";

export interface Lens {
  range: Range;
  title: string;
  /** Index of the example in the file, for the command's arguments. */
  example: number;
}

/** A failing expectation, shown as a diagnostic on the `expect` line. */
export interface ExampleProblem {
  code: "LD3005";
  severity: "error";
  message: string;
  span: Span;
  range: Range;
  help?: string;
}

export interface ExampleReport {
  /** Undefined when the file has errors (no program to run). */
  outcomes: ExampleOutcome[] | undefined;
  lenses: Lens[];
  problems: ExampleProblem[];
}

/**
 * Runs the entry file's examples (when it compiles) and turns the outcomes into a "▶ run" lens
 * per example, with its last result, and a diagnostic per failing expectation, on its line.
 */
export function exampleReport(result: CompileResult, asOf: string = formatDateDays(todayDays())): ExampleReport {
  let outcomes: ExampleOutcome[] | undefined;
  try {
    outcomes = result.program ? runExamples(result.program, asOf) : undefined;
  } catch {
    outcomes = undefined;
  }
  return reportFromOutcomes(result, outcomes);
}

/**
 * The lenses and diagnostics for outcomes already computed (undefined: no program, or running
 * failed), so the server can run the examples a few at a time and build the report at the end.
 */
export function reportFromOutcomes(result: CompileResult, outcomes: ExampleOutcome[] | undefined): ExampleReport {
  const model = result.analysis.entry;
  const decls = model.examples;
  const lenses: Lens[] = [];
  const problems: ExampleProblem[] = [];
  decls.forEach((decl, i) => {
    const range = model.lines.range({ start: decl.span.start, end: decl.span.start + "example".length });
    const o = outcomes?.[i];
    let title: string;
    // `hasErrors`, not `program`: asking for the program lowers it, and a report without outcomes (the server's lenses while the examples wait to run) must stay cheap.
    if (result.analysis.hasErrors) title = "▶ run (fix the errors first)";
    else if (!o) title = "▶ run";
    else if (o.error) title = `▶ run · ✗ ${o.error}`;
    else if (o.passed) title = `▶ run · ✓ passed (stage ${o.result?.stage})`;
    else title = `▶ run · ✗ failed: ${o.failures.map(renderExampleFailure).join("; ")}`;
    lenses.push({ range, title, example: i });
    if (!o || o.passed) return;
    if (o.error) {
      problems.push(problem(model.lines, decl.title.span, o.error));
      return;
    }
    for (const f of o.failures) {
      const span = expectationSpan(decl, f, model.lines) ?? decl.title.span;
      problems.push(problem(model.lines, span, renderExampleFailure(f), whyHelp(o, f)));
    }
  });
  return { outcomes, lenses, problems };
}

/** An LD3005 diagnostic at `span` saying why the example fails. */
function problem(lines: CompileResult["analysis"]["entry"]["lines"], span: Span, failure: string, help?: string): ExampleProblem {
  const fails = message("exampleFails", { failure });
  return { code: "LD3005", severity: "error", message: fails.text, span, range: lines.range(span), ...(help ? { help } : {}) };
}

function expectationSpan(decl: ExampleDecl, f: ExampleFailure, lines: CompileResult["analysis"]["entry"]["lines"]): Span | undefined {
  const e =
    f.kind === "stage"
      ? decl.expectations.find((x) => x.kind === "ExpectStage")
      : decl.expectations.find((x) => lines.position(x.span.start).line + 1 === f.line);
  return e?.span;
}

/** Which stage conditions failed, in words, for a failed stage expectation. */
function whyHelp(o: ExampleOutcome, f: ExampleFailure): string | undefined {
  if (f.kind !== "stage" || !o.explanation) return undefined;
  const failed = o.explanation.stages.filter((s) => !s.holds).map((s) => {
    const parts = s.parts.filter((p) => !p.holds).map((p) => p.text.replace(/\s+/g, " "));
    return `\`${s.name}\` fails on ${parts.map((p) => `\`${p}\``).join(", ")}`;
  });
  return failed.length ? failed.join("; ") : undefined;
}

/**
 * Runs only the entry file's example number `index` (0-based, in file order), for one lens.
 * `outcomes` is undefined when the file has errors; `error` is set when there is no such example.
 */
export function runOneExample(result: CompileResult, index: number, asOf: string = formatDateDays(todayDays())): { outcomes: ExampleOutcome[] | undefined; error?: string } {
  const count = result.analysis.entry.examples.length;
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    return { outcomes: undefined, error: `there is no example ${index} (the file has ${count} example${count === 1 ? "" : "s"})` };
  }
  if (!result.program) return { outcomes: undefined };
  const example = result.program.ir.examples[index];
  if (!example) return { outcomes: undefined, error: `there is no example ${index}` };
  try {
    return { outcomes: [runExample(result.program, example, asOf)] };
  } catch (err) {
    return { outcomes: undefined, error: (err as Error).message };
  }
}

/** A plain-text summary of a file's examples (all of them, or the ones given), for the runExamples command. */
export function examplesText(report: Pick<ExampleReport, "outcomes">, fileName: string): string {
  if (!report.outcomes) return `${fileName}: has errors; fix them to run its examples`;
  if (report.outcomes.length === 0) return `${fileName}: no examples`;
  const lines = report.outcomes.map((o) => {
    if (o.passed) return `✓ ${o.title} (stage ${o.result?.stage})`;
    if (o.error) return `✗ ${o.title}: ${o.error}`;
    return `✗ ${o.title}\n${o.failures.map((f) => `    line ${f.line}: ${renderExampleFailure(f)}`).join("\n")}`;
  });
  const failed = report.outcomes.filter((o) => !o.passed).length;
  lines.push(`${report.outcomes.length - failed} passed, ${failed} failed`);
  return `${fileName}\n${lines.join("\n")}`;
}
