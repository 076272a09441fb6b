import { DISQUALIFIED } from "../ir.js";
import type { CompileResult } from "../compile.js";
import type { ParamValue } from "../ir.js";
import { forEachLead, type ExportOptions } from "../batch/js/bound-rows.js";
import { OutcomeAccumulator, type OutcomeFigures } from "../analysis/outcomes.js";
import { OutcomeFlags } from "../analysis/outcome-flags.js";
import { findParam, ParamError, paramOverrides, programWithParams, showParamValue, splitAssignment, sweepValues } from "../params.js";

/**
 * `leaddef sweep`: the funnel for each value of one parameter, from one pass over the data.
 * The file is parsed and checked once; each value is its own compiled program; every row is
 * bound once and evaluated by every program.
 */
export interface SweepOptions extends ExportOptions {
  result: CompileResult;
  /** Every `--param` flag: exactly one lists several values (or is the only one); the rest are fixed. */
  params: readonly string[];
}

/** One outcome's figures at one stage for one swept value: `leaddef outcomes`' stage row without its name. */
export type SweepOutcomeStage = Omit<OutcomeFigures["stages"][number], "stage">;

export interface SweepRun {
  value: string | number | boolean;
  stages: Record<string, number>;
  /** outcome → stage → figures; present only when the definition declares an outcome. */
  outcomes?: Record<string, Record<string, SweepOutcomeStage>>;
}

export interface SweepResult {
  param: string;
  runs: SweepRun[];
  rowsRead: number;
  rowsRejected: number;
  /** Notices for the reader (e.g. a CSV file gave the definition's event streams no events). */
  warnings: string[];
}

/** Which `--param` flag is swept: the one with a range or a list, or the only one. */
function sweptFlag(params: readonly string[]): { swept: string; fixed: string[] } {
  if (params.length === 0) throw new ParamError("sweep needs --param NAME=a..b:step or --param NAME=v1,v2,…");
  if (params.length === 1) return { swept: params[0], fixed: [] };
  const many = params.filter((p) => /\.\.|,/.test(splitAssignment(p).text));
  if (many.length !== 1) throw new ParamError("give exactly one --param with several values (a..b:step or v1,v2,…); the others set fixed values");
  return { swept: many[0], fixed: params.filter((p) => p !== many[0]) };
}

export async function runSweep(o: SweepOptions): Promise<SweepResult> {
  const { analysis } = o.result;
  const { swept, fixed } = sweptFlag(o.params);
  const { name, text } = splitAssignment(swept);
  const param = findParam(analysis, name);
  const values = sweepValues(param, text);
  const base = paramOverrides(analysis, fixed);
  const programs = values.map((v) => programWithParams(o.result, new Map<string, ParamValue>([...base, [name, v]])));
  // A definition that disqualifies counts `disqualified` leads in a column of their own.
  const stageNames = programs[0].resultStages;
  const counts = programs.map(() => new Array<number>(stageNames.length + 1).fill(0));
  const ir0 = programs[0].ir;
  const out: unknown[] = new Array(1 + ir0.scores.length + ir0.criteria.length + ir0.stages.length);
  // Outcomes may read criteria and parameters, so each value's program evaluates its own.
  const withOutcomes = ir0.outcomes.length > 0;
  const flags = programs.map((p) => new OutcomeFlags(p.ir));
  const accumulators = programs.map((p) => new OutcomeAccumulator(p.ir));
  const criteria: boolean[] = new Array(ir0.criteria.length);
  const firstCriterion = 1 + ir0.scores.length;
  const summary = await forEachLead(
    programs[0],
    o,
    (vals) => {
      for (let k = 0; k < programs.length; k++) {
        programs[k].evaluateValues(vals, o.asOf, out, withOutcomes);
        counts[k][(out[0] as number) + 1]++;
        if (!withOutcomes) continue;
        for (let i = 0; i < criteria.length; i++) criteria[i] = out[firstCriterion + i] as boolean;
        accumulators[k].add(out[0] as number, criteria, flags[k].evaluate(vals, o.asOf, criteria));
      }
    },
    () => undefined,
  );
  const kind = programs[0].ir.params.find((p) => p.name === name)!.kind;
  return {
    param: name,
    runs: values.map((v, k) => ({
      value: showParamValue(kind, v),
      stages: Object.fromEntries([["none", counts[k][0]], ...stageNames.map((s, i) => [s, counts[k][i + 1]])]),
      ...(withOutcomes ? { outcomes: outcomesByStage(accumulators[k].result().outcomes) } : {}),
    })),
    rowsRead: summary.rowsRead,
    rowsRejected: summary.rowsRejected,
    warnings: summary.warnings,
  };
}

/** `{ won: { mql: { reached, reached_positives, rate, captured, lift } … } }` from one value's figures. */
function outcomesByStage(figures: OutcomeFigures[]): Record<string, Record<string, SweepOutcomeStage>> {
  return Object.fromEntries(figures.map((f) => [f.name, Object.fromEntries(f.stages.map(({ stage, ...rest }) => [stage, rest]))]));
}

/**
 * Per outcome, one row per value: for each stage, how many of the leads that reached it had the
 * outcome, of how many, and the rate — so a threshold can be chosen by the deals it keeps.
 */
function outcomeTables(r: SweepResult): string[] {
  const names = Object.keys(r.runs[0]?.outcomes ?? {});
  const lines: string[] = [];
  for (const name of names) {
    const stages = Object.keys(r.runs[0].outcomes![name]);
    const header = [r.param, ...stages.map((s) => `${name} at ${s}`)];
    const rows = r.runs.map((run) => [
      String(run.value),
      ...stages.map((s) => {
        const x = run.outcomes![name][s];
        return `${x.reached_positives} of ${x.reached} (${x.rate === null ? "-" : `${(100 * x.rate).toFixed(1)}%`})`;
      }),
    ]);
    lines.push("", `outcome ${name}: leads that had it among those that reached each stage`, ...alignedTable([header, ...rows]));
  }
  return lines;
}

function alignedTable(all: string[][]): string[] {
  const widths = all[0].map((_, c) => Math.max(...all.map((row) => row[c].length)));
  return all.map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ").trimEnd());
}

/** The sweep as a table: one row per value, leads per stage, and how many reached the top stage. */
export function renderSweep(r: SweepResult): string {
  const stages = Object.keys(r.runs[0]?.stages ?? { none: 0 });
  // The top of the funnel: `disqualified` is outside it.
  const funnel = stages.filter((s) => s !== DISQUALIFIED);
  const top = funnel[funnel.length - 1];
  const written = r.rowsRead - r.rowsRejected;
  const header = [r.param, ...stages, `reached ${top}`];
  const rows = r.runs.map((run) => [
    String(run.value),
    ...stages.map((s) => String(run.stages[s])),
    written === 0 || top === "none" ? "-" : `${((100 * run.stages[top]) / written).toFixed(1)}%`,
  ]);
  const table = alignedTable([header, ...rows]);
  return [...table, ...outcomeTables(r), "", `rows read ${r.rowsRead} = scored ${written} + rejected ${r.rowsRejected}; ${r.runs.length} value${r.runs.length === 1 ? "" : "s"} of \`${r.param}\`, one pass`].join("\n");
}
