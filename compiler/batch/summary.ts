import { DISQUALIFIED } from "../ir.js";
import { outputPath, type OutputTarget } from "./output.js";

/** What a batch run did, whichever engine ran it. rowsRead = rowsWritten + rowsRejected, always. */
export interface RunSummary {
  engine: "js" | "duckdb";
  rowsRead: number;
  rowsWritten: number;
  rowsRejected: number;
  /** Leads at each stage: `none` first, then the funnel low to high. */
  stages: { name: string; count: number }[];
  unknownColumns: string[];
  /** Schema fields with no column in the input (every row lacks them). */
  absentFields: string[];
  rejectsPath: string | undefined;
  output: string | undefined;
  seconds: number;
  /** Notices for the person running it, e.g. that the DuckDB engine handed the file to the JS engine; the CLI prints them. */
  warnings: string[];
  /** Lines skipped as a report trailer (counted in rowsRead: read = written + rejected + skipped). */
  rowsSkipped?: number;
}

function pct(n: number, d: number): string {
  return d === 0 ? "-" : `${((100 * n) / d).toFixed(1)}%`;
}

/** The funnel table and the row accounting, for people. */
export function renderSummary(s: RunSummary): string {
  const total = s.rowsWritten;
  const rows: string[][] = [["stage", "leads", "share", "reached"]];
  // "reached" counts leads at this stage or any later one: the funnel as sales sees it.
  // `none` and `disqualified` are outside the funnel: they reach no stage.
  const outside = (name: string) => name === "none" || name === DISQUALIFIED;
  let reached = total - s.stages.filter((st) => outside(st.name)).reduce((n, st) => n + st.count, 0);
  for (const st of s.stages) {
    rows.push([st.name, String(st.count), pct(st.count, total), outside(st.name) ? "" : pct(reached, total)]);
    if (!outside(st.name)) reached -= st.count;
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const table = rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ").trimEnd());
  const skipped = s.rowsSkipped ? ` + skipped ${s.rowsSkipped}` : "";
  const out = [...table, "", `rows read ${s.rowsRead} = written ${s.rowsWritten} + rejected ${s.rowsRejected}${skipped}   (${s.engine}, ${s.seconds.toFixed(2)} s)`];
  if (s.rowsSkipped) out.push(`skipped: ${s.rowsSkipped} report trailer line${s.rowsSkipped === 1 ? "" : "s"} after the data`);
  if (s.rowsRejected > 0 && s.rejectsPath) out.push(`rejected rows: ${s.rejectsPath}`);
  if (s.unknownColumns.length) out.push(`ignored columns not in the schema: ${s.unknownColumns.slice(0, 20).join(", ")}${s.unknownColumns.length > 20 ? ", …" : ""}`);
  if (s.absentFields.length) out.push(`fields with no column in the input (missing in every row): ${s.absentFields.join(", ")}`);
  return out.join("\n");
}

/** The summary of a JS-engine run from its counters; `stageCounts[0]` counts `none`. */
export function jsRunSummary(c: {
  rowsRead: number;
  rowsRejected: number;
  stageCounts: readonly number[];
  stageNames: readonly string[];
  unknownColumns: string[];
  absentFields: string[];
  rejectsPath: string;
  output: OutputTarget;
  started: number;
}): RunSummary {
  return {
    engine: "js",
    rowsRead: c.rowsRead,
    rowsWritten: c.rowsRead - c.rowsRejected,
    rowsRejected: c.rowsRejected,
    stages: [{ name: "none", count: c.stageCounts[0] }, ...c.stageNames.map((name, i) => ({ name, count: c.stageCounts[i + 1] }))],
    unknownColumns: c.unknownColumns,
    absentFields: c.absentFields,
    rejectsPath: c.rowsRejected > 0 ? c.rejectsPath : undefined,
    output: outputPath(c.output),
    seconds: (performance.now() - c.started) / 1000,
    warnings: [],
  };
}
