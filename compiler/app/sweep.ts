import { DISQUALIFIED } from "../ir.js";
import type { CompileResult } from "../compile.js";
import type { ParamValue } from "../ir.js";
import { forEachBoundRow } from "../batch/js/bound-rows.js";
import type { ReadingOptions } from "../batch/sources/record-source.js";
import type { InputFormat } from "../batch/sources/inputs.js";
import { findParam, ParamError, paramOverrides, programWithParams, showParamValue, splitAssignment, sweepValues } from "../params.js";

/**
 * `leaddef sweep`: the funnel for each value of one parameter, from one pass over the data.
 * The file is parsed and checked once; each value is its own compiled program; every row is
 * bound once and evaluated by every program.
 */
export interface SweepOptions {
  result: CompileResult;
  /** Every `--param` flag: exactly one lists several values (or is the only one); the rest are fixed. */
  params: readonly string[];
  input: string;
  inputFormat: InputFormat;
  asOf: number;
  idColumn: string;
  /** `--delimiter`, `--decimal-comma`, `--id` given: read as `run` reads (batch/sources/record-source.ts). */
  reading?: ReadingOptions;
}

export interface SweepResult {
  param: string;
  runs: { value: string | number | boolean; stages: Record<string, number> }[];
  rowsRead: number;
  rowsRejected: number;
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
  const out: unknown[] = new Array(1 + programs[0].scores.length);
  const summary = await forEachBoundRow({
    fields: programs[0].fields,
    input: o.input,
    inputFormat: o.inputFormat,
    idColumn: o.idColumn,
    reading: o.reading,
    onRow: (vals) => {
      for (let k = 0; k < programs.length; k++) {
        programs[k].evaluateValues(vals, o.asOf, out);
        counts[k][(out[0] as number) + 1]++;
      }
    },
    onReject: () => undefined,
  });
  const kind = programs[0].ir.params.find((p) => p.name === name)!.kind;
  return {
    param: name,
    runs: values.map((v, k) => ({
      value: showParamValue(kind, v),
      stages: Object.fromEntries([["none", counts[k][0]], ...stageNames.map((s, i) => [s, counts[k][i + 1]])]),
    })),
    rowsRead: summary.rowsRead,
    rowsRejected: summary.rowsRejected,
  };
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
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((row) => row[c].length)));
  const table = all.map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ").trimEnd());
  return [...table, "", `rows read ${r.rowsRead} = scored ${written} + rejected ${r.rowsRejected}; ${r.runs.length} value${r.runs.length === 1 ? "" : "s"} of \`${r.param}\`, one pass`].join("\n");
}
