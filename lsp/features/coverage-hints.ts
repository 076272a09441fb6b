import type { CompileResult } from "../../compiler/compile.js";
import { Coverage, covered, type CoveragePoint } from "../../compiler/analysis/coverage.js";
import { message, type Diagnostic } from "../../language/diagnostics.js";

/**
 * The editor's hint on conditions the file's examples do not exercise (LD3006): one per atomic
 * condition of the entry file that no example makes both true and false. It is computed by the
 * analysis `leaddef test --coverage` uses (compiler/analysis/coverage.ts), so the editor and
 * the CLI never disagree on what is covered.
 */

/** The `leaddef.coverageHints` setting: `off`, or `uncovered` (the default) for a hint on each uncovered condition. */
export type CoverageHintsSetting = "off" | "uncovered";

export const DEFAULT_COVERAGE_HINTS: CoverageHintsSetting = "uncovered";

/** The setting from a client's value (initializationOptions or didChangeConfiguration); undefined when it is not one. */
export function coverageHintsSetting(value: unknown): CoverageHintsSetting | undefined {
  return value === "off" || value === "uncovered" ? value : undefined;
}

/**
 * The LD3006 hints of the entry file of `result`, with `asOf` the date examples without their
 * own `as of` use. None when the setting is `off`, when the file does not compile (nothing can
 * run), or when it has no example at all: every condition would be marked, which says nothing
 * the author does not know, and a file that only declares shared criteria for others to import
 * is tested through its importers.
 */
export function coverageHints(result: CompileResult, asOf: string, setting: CoverageHintsSetting = DEFAULT_COVERAGE_HINTS): Diagnostic[] {
  const entry = result.analysis.entry;
  if (setting === "off" || !result.program || entry.examples.length === 0) return [];
  const coverage = new Coverage();
  try {
    coverage.addProgram(result.program, result.analysis.files, asOf);
  } catch {
    // A hint is advice: an analysis that fails (a bug) costs the hints, never the editor.
    return [];
  }
  return coverage.all()
    .filter((p) => p.kind === "condition" && p.file === entry.path && !covered(p))
    .map((p) => {
      const m = hintMessage(p);
      return { code: m.code, severity: "hint", message: m.text, file: entry.path, span: p.span, range: entry.lines.range(p.span) };
    });
}

function hintMessage(p: CoveragePoint) {
  const condition = p.text;
  if (p.trueCount === 0 && p.falseCount === 0) return message("notReachedByExamples", { condition });
  return p.trueCount === 0 ? message("neverTrueInExamples", { condition }) : message("neverFalseInExamples", { condition });
}
